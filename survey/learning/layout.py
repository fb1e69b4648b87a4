"""The learning view's view model: every row the admin page and the annual meeting's PDF (reports/learning.html)
print, as formatted strings in the view's language, with the words of reports/labels.json. Pure Python on
`LearningInputs`: no Flask, no database, no WeasyPrint."""
from __future__ import annotations

from survey.analysis.plan_groups import WITH_PLAN, WITHOUT_PLAN
from survey.analysis.evidence import MEASURED
from survey.learning.view import ACTIVITY, CARDS_SHOWN, LearningInputs, dimension_change
from survey.reporting.format import format_n, format_number, format_signed, format_signed_interval
from survey.reporting.labels import words
from survey.reporting.layout.cells import is_suppressed, row_of, value

FLAGS = {"up": "▲", "down": "▼"}
DASH = format_n(None, True)


def evidence_text(change, language: str) -> str:
    """A card's measured change since the practice began on one dimension (`dimension_change`), as one cell:
    the change, its 95% interval and the trend flag; "–" where nothing is measured."""
    if change is None or change.status != MEASURED:
        return DASH
    flag = f" {FLAGS[change.flag]}" if change.flag in FLAGS else ""
    return (f"{format_signed(change.change, language)} "
            f"{format_signed_interval(change.change_low, change.change_high, language)}{flag}")


def _flag(flag: str, w: dict[str, str]) -> str:
    return f"{FLAGS[flag]} {w['flag_' + flag]}" if flag in FLAGS else ""


def learning_context(inputs: LearningInputs) -> dict:
    lang = inputs.language
    w = words(lang)
    network = inputs.network.set_index("dimension")
    labels = {d.key: d.label for d in inputs.dimensions}

    changes = []
    for dim in inputs.dimensions:
        row = row_of(network, dim.key)
        hidden = is_suppressed(row)
        flag = "" if hidden else str(value(row, "trend_flag", ""))
        changes.append({
            "key": dim.key, "label": dim.label,
            "n": DASH if hidden else format_n(value(row, "n")),
            "previous_n": DASH if hidden else format_n(value(row, "previous_n")),
            "change": DASH if hidden else format_signed(value(row, "change"), lang),
            "interval": DASH if hidden else format_signed_interval(value(row, "change_low"),
                                                                    value(row, "change_high"), lang),
            "q": DASH if hidden else format_number(value(row, "q_value"), lang, 3),
            "flag": flag if flag in FLAGS else "", "flag_text": _flag(flag, w),
        })

    practices = []
    by_dimension = {key: rows for key, rows in inputs.cards.groupby("dimension", sort=False)}
    for dim in inputs.dimensions:
        rows = by_dimension.get(dim.key, inputs.cards.iloc[0:0])
        practices.append({
            "key": dim.key, "label": dim.label, "count": len(rows), "more": max(0, len(rows) - CARDS_SHOWN),
            "cards": [{"id": int(card.card_id), "title": card.title, "school": card.school_name,
                       "featured": bool(card.featured),
                       "evidence_text": evidence_text(dimension_change(inputs.evidence.get(int(card.card_id)),
                                                                       inputs.family, dim.key), lang)}
                      for card in rows.head(CARDS_SHOWN).itertuples()],
        })

    groups = inputs.plan_groups.set_index(["dimension", "group"])
    planned = {key: rows for key, rows in inputs.planned.groupby("dimension", sort=False)}

    def group_cell(key: str, group: str) -> dict:
        row = groups.loc[(key, group)] if (key, group) in groups.index else None
        if row is None or bool(row["hidden"]):
            return {"n": DASH, "mean": DASH, "interval": DASH}
        return {"n": format_n(row["n"]), "mean": format_signed(row["mean"], lang),
                "interval": format_signed_interval(row["low"], row["high"], lang)}

    plans = []
    for dim in inputs.dimensions:
        schools = planned.get(dim.key, inputs.planned.iloc[0:0])
        plans.append({
            "key": dim.key, "label": dim.label,
            "with": group_cell(dim.key, WITH_PLAN), "without": group_cell(dim.key, WITHOUT_PLAN),
            "schools": [{"name": row.school_name, "change": format_signed(row.change, lang),
                         "interval": format_signed_interval(row.change_low, row.change_high, lang),
                         "flag_text": _flag(str(row.trend_flag or ""), w)} for row in schools.itertuples()],
        })

    return {
        "lang": lang, "w": w, "round_name": inputs.round_name, "family": inputs.family,
        "version_label": inputs.version_label, "previous_round": inputs.previous_round,
        "network_name": inputs.network_name, "k_min": inputs.k_min,
        "minimal_difference": format_number(inputs.minimal_difference, lang),
        "results_hash": inputs.results_hash, "admins_read_plans": inputs.admins_read_plans,
        "changes": changes,
        "improved": [labels[c["key"]] for c in changes if c["flag"] == "up"],
        "fell": [labels[c["key"]] for c in changes if c["flag"] == "down"],
        "practices": practices, "plans": plans,
        "activity": [{"key": key, "label": w["activity_" + key], "count": inputs.activity.get(key, 0)}
                     for key in ACTIVITY],
    }

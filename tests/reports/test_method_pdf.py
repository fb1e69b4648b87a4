"""METHOD.md version 2 in the PDF, read back with pdftotext: every number of the aggregates table's contract
columns, formatted here independently of survey.reporting.format, on its row of the report in the report's
language (decimal comma in Danish and Swedish); flags explained, never a bare star; reverse items marked;
distributions coloured by meaning; the network report's funnel plot; the method appendix."""
from __future__ import annotations

import json
import re
from dataclasses import replace

import numpy as np
import pytest

from survey.reporting import figures, layout, pdf
from survey.reporting.labels import LABELS_FILE
from tests.reports.conftest import lines_of, number, pdf_text, percent, signed

LABELS = json.loads(LABELS_FILE.read_text(encoding="utf-8"))
LANGUAGES = ("da", "sv", "en")


def squeeze(text: str) -> str:
    return "".join(text.split())


def page_with(text: str, heading: str) -> str:
    return next(page for page in text.split("\f") if page.strip().startswith(heading))


@pytest.fixture(scope="module", params=LANGUAGES)
def report(request, school_inputs, tmp_path_factory):
    inputs = replace(school_inputs, language=request.param)
    return inputs, pdf_text(pdf.render_school_report(inputs), tmp_path_factory.mktemp(request.param))


def own_rows(inputs):
    agg = inputs.aggregates
    rows = agg[(agg["school"] == inputs.school_code) & (agg["breakdown"] == "all")]
    labels = {d.key: d.label for d in inputs.dimensions}
    return [(labels[row.dimension], row) for row in rows.itertuples()]


def test_summary_rows_hold_index_interval_response_rate_and_rank_with_its_interval(report):
    inputs, text = report
    lang, w = inputs.language, LABELS[inputs.language]
    page = page_with(text, w["summary"])
    for label, row in own_rows(inputs):
        line = lines_of(page, label)[0]
        expected = (f"{label} {row.n} {percent(row.response_rate, lang)} {number(row.index, lang)} "
                    f"{number(row.ci_low, lang)}–{number(row.ci_high, lang)} {number(row.network_mean, lang)} "
                    f"{number(row.top_quartile, lang)} {int(row.rank)} ({int(row.rank_low)}–{int(row.rank_high)}) "
                    f"{w['of']} {int(row.of)}")
        assert line == expected
    if lang in ("da", "sv"):
        assert not re.search(r"\d\.\d", page)  # decimal commas only


def test_changes_show_interval_both_rounds_and_a_flag_in_words(report):
    inputs, text = report
    lang, w = inputs.language, LABELS[inputs.language]
    page = page_with(text, w["summary"])
    flagged = 0
    for label, row in own_rows(inputs):
        line = lines_of(page, label)[-1]  # the changes table comes after the summary table
        expected = (f"{label} {signed(row.change, lang)} [{signed(row.change_low, lang)}; {signed(row.change_high, lang)}] "
                    f"{row.n} {int(row.previous_n)} {percent(row.response_rate, lang)} "
                    f"{percent(row.previous_response_rate, lang)}")
        assert line.startswith(expected), (line, expected)
        if row.trend_flag == "up":
            flagged += 1
            assert line == f"{expected} ▲ {w['flag_up']}"
        else:
            assert line == expected
    assert flagged == 1 and "*" not in page
    note = squeeze(page)  # a paragraph may break a line after a hyphen
    assert squeeze(w["flag_note"].format(minimal=number(3.0, lang))) in note
    assert squeeze({"da": "q < 0,05 og mindst den mindste betydende forskel (3,0 point)",
                    "sv": "q < 0,05 och minst den minsta betydelsefulla skillnaden (3,0 poäng)",
                    "en": "q < 0.05 and at least the minimal difference (3.0 points)"}[lang]) in note


def test_priority_table_holds_importance_and_gap_with_intervals_and_uncertain_marks(report):
    inputs, text = report
    lang, w = inputs.language, LABELS[inputs.language]
    page = page_with(text, w["priority_map"])
    uncertain = 0
    for position, (label, row) in enumerate(own_rows(inputs), start=1):
        if np.isnan(row.importance):
            continue  # overall satisfaction is not a predictor
        line = lines_of(page, f"{position} {label}")[-1]  # numbered as on the map
        expected = (f"{position} {label} {number(row.importance, lang)} {number(row.importance_low, lang)}–"
                    f"{number(row.importance_high, lang)} {signed(row.gap, lang)} "
                    f"[{signed(row.gap_low, lang)}; {signed(row.gap_high, lang)}] {w[row.quadrant]}")
        assert expected in line, (line, expected)
        assert (f"({w['uncertain']})" in line) == bool(row.uncertain)
        uncertain += bool(row.uncertain)
    assert uncertain  # the synthetic round has uncertain dimensions, so the mark is tested both ways
    words = " ".join(text.split())
    assert {"da": "hænger stærkest sammen med", "sv": "hänger starkast samman med",
            "en": "most strongly associated with"}[lang] in words
    assert not re.search(r"\b(drivers?|drives|causes?|driver)\b", words, re.I)


def test_a_suppressed_dimension_shows_dash_in_every_cell(school_inputs, tmp_path):
    aggregates = school_inputs.aggregates.copy()
    hide = ((aggregates["school"] == "S001") & (aggregates["breakdown"] == "all") & (aggregates["dimension"] == "wellbeing"))
    columns = [c for c in aggregates.columns if c not in ("school", "breakdown", "group", "dimension", "suppressed",
                                                          "network_mean", "median", "top_quartile", "of")]
    aggregates.loc[hide, columns] = np.nan
    aggregates.loc[hide, "suppressed"] = True
    text = pdf_text(pdf.render_school_report(replace(school_inputs, aggregates=aggregates)), tmp_path)
    page = page_with(text, "Sammenfatning")
    summary, changes = lines_of(page, "Trivsel")
    row = aggregates[hide].iloc[0]
    assert summary == (f"Trivsel – – – – {number(row.network_mean, 'da')} {number(row.top_quartile, 'da')} –")
    assert changes == "Trivsel – – – – – –"
    assert not any(line.strip().startswith("Trivsel") for line in page_with(text, "Prioriteringskort").splitlines())


def test_reverse_items_are_marked_with_a_footnote(school_inputs, tmp_path):
    text = pdf_text(pdf.render_school_report(school_inputs), tmp_path)
    page = page_with(text, "Motivation og egen indsats")
    marked = {line.split("spørgsmål")[1].split()[0]: "↺" in line for line in page.splitlines()
              if "Motivation og egen indsats: spørgsmål" in line}
    assert marked == {"1": False, "2": True, "3": False}  # motivation_2 is reverse-worded
    assert squeeze(LABELS["da"]["reverse_note"]) in squeeze(page)


def test_distributions_are_coloured_by_meaning_whatever_the_wording(school_inputs):
    from survey.reporting.charts import NON_SUBSTANTIVE

    green, red = "#15803d", "#c2410c"
    drawn = figures.school_figures(school_inputs)
    colour = {name: {trace.name: trace.marker.color for trace in drawn[name].data}
              for name in ("distribution:motivation", "distribution:motivation:1")}
    ordinary, reverse = colour["distribution:motivation"], colour["distribution:motivation:1"]
    assert ordinary["Helt enig"] == green and ordinary["Helt uenig"] == red
    assert reverse["Helt uenig"] == green and reverse["Helt enig"] == red  # "completely disagree" with a negative item
    assert ordinary["Ved ikke"] == NON_SUBSTANTIVE  # item 3 offers "don't know": grey, after the scale
    assert list(reverse) == ["Helt enig", "Enig", "Hverken/eller", "Uenig", "Helt uenig"]
    # with "don't know" stacked in, each bar is every share of all who saw the item: 100 %
    totals = np.nansum([np.asarray(trace.x, float) for trace in drawn["distribution:motivation"].data], axis=0)
    assert np.allclose(totals, 100)


def test_network_report_has_a_funnel_plot_and_its_table(network_inputs, tmp_path):
    text = pdf_text(pdf.render_network_report(network_inputs), tmp_path)
    page = page_with(text, "Tragtdiagram")
    words = " ".join(page.split())
    assert "95 %-grænser" in words and "99,8 %-grænser" in words  # the chart's legend
    assert "Samlet tilfredshed" in words
    agg = network_inputs.aggregates
    overall = agg[agg["dimension"] == "overall"]
    network = overall[overall["school"] == "NETWORK"].iloc[0]
    schools = overall[overall["school"] != "NETWORK"]
    assert len(layout.network_context(network_inputs)["funnel_rows"]) == len(schools)
    for row in schools.itertuples():
        z = (row.index - network["index"]) / (network["sd"] / np.sqrt(row.n))
        band = "inden for 95 %" if abs(z) <= 1.96 else "uden for 95 %" if abs(z) <= 3.09 else "uden for 99,8 %"
        found = [line for line in page.splitlines() if f" {row.n} " in f" {' '.join(line.split())} "
                 and number(row.index, "da") in line]
        assert len(found) == 1 and band in found[0], (row.school, found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_method_appendix_explains_intervals_dash_multiplicity_ranks_and_importance(school_inputs, language, tmp_path):
    text = pdf_text(pdf.render_school_report(replace(school_inputs, language=language)), tmp_path)
    w = LABELS[language]
    appendix = squeeze(page_with(text, w["method"]))
    for needle in ("fpc = √((N − n)/(N − 1))", "CR1", "Benjamini-Hochberg", number(3.0, language), "LMG", "R²",
                   "2,000" if language == "en" else "2.000" if language == "da" else "2 000", "200 bootstrap", "–"):
        assert squeeze(needle) in appendix, needle
    assert squeeze(w["method_fpc_yes"]) in appendix  # the synthetic schools gave their populations
    assert squeeze(w["method_dash"].format(k_min=5)) in appendix


def test_a_suppressed_item_shows_dash_and_the_footnote_on_its_dimension_page(school_inputs, tmp_path):
    items = school_inputs.item_results.copy()
    hide = (items["school"] == "S001") & (items["item"] == "environment_1")
    items.loc[hide, "suppressed"] = True
    text = pdf_text(pdf.render_school_report(replace(school_inputs, item_results=items)), tmp_path)
    page = page_with(text, "Læringsmiljø")
    line = lines_of(page, "1 Læringsmiljø: spørgsmål 1")[0]
    network = items[(items["school"] == "NETWORK") & (items["item"] == "environment_1")].iloc[0]
    # n, mean, the network's mean, share positive, and "don't know" (the item does not offer it)
    assert line.endswith(f"– – {number(network['mean'], 'da')} – –")
    assert squeeze(LABELS["da"]["k_min_text"].format(k_min=5)) in squeeze(page)
    other = page_with(text, "Trivsel")
    assert squeeze(LABELS["da"]["k_min_text"].format(k_min=5)) not in squeeze(other)  # nothing hidden there

"""One school's dashboard page, the same for its staff and for network admins: the tables, the charts (each
with a table of its numbers), the breakdown the reader picked, the background questions and the comments the
reader may read. The views (`views_staff`, `views_admin`) decide who sees which school and pass the links.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date

from flask import render_template, request
from flask_babel import get_locale, gettext as _
from markupsafe import Markup

from survey.reporting.format import format_n
from survey.results.dashboard import figures, tables
from survey.results.dashboard.loading import Kept, school_results
from survey.results.service import ResultsNotReady
from survey.rounds.models import SurveyRound
from survey.results.preparing import preparing_page

LANGUAGES = ("da", "en", "sv")


@dataclass(frozen=True)
class Links:
    """Where the page links to, as the viewer's blueprint serves it."""

    plotly: str
    pdf: str | None = None
    downloads: dict[str, str] = field(default_factory=dict)
    picker: str | None = None  # an admin's school picker's target
    rounds: str | None = None  # back to the list of rounds


def page_language() -> str:
    """The reader's locale (Flask-Babel's choice: the user's, else the browser's), one the page is written in."""
    locale = str(get_locale() or "da").split("_")[0]
    return locale if locale in LANGUAGES else "da"


def chart(figure: dict) -> Markup:
    """A plotly figure for static/dashboard.js to draw: its JSON in an attribute, no inline script (CSP)."""
    return Markup('<div class="chart" data-figure="{}" aria-hidden="true"></div>').format(
        json.dumps(figure, ensure_ascii=False, separators=(",", ":")))


def words() -> dict[str, str]:
    """The charts' words in the reader's language."""
    return {"top_quartile": _("Top quartile"), "network_mean": _("Network mean"), "you": _("Your school"),
            "index": _("Index"), "importance": _("Importance (%(percent)s of R²)", percent="%"),
            "gap": _("Difference from the network"),
            "uncertain": _("uncertain"), "Improve first": _("Improve first"), "Keep up": _("Keep up"),
            "Watch": _("Watch"), "Maintain": _("Maintain"), "": ""}


@dataclass(frozen=True)
class Shown:
    """What the page shows of a school's results apart from the breakdown and the comments: computed once per
    kept slice and language (`loading.SchoolResults.key`), not per request."""

    rows: list
    items: dict
    distributions: dict
    charts: dict
    line: str
    mapped: list
    importance_source: str | None
    response_rate: str
    options: list
    partners: list
    questions: list
    html: Markup = Markup()  # the results section of the page, rendered from the above


def shown(school, language: str) -> Shown:
    """The school's tables and charts in `language`, and the page's results section rendered from them."""
    labels = words()
    rows = tables.dimension_rows(school)
    items = tables.item_rows(school)
    charts = {"summary": chart(figures.summary_figure(rows, labels, language))}
    line = tables.importance_line(school, rows)
    mapped = [row for row in rows if row.importance_value is not None and row.gap_value is not None]
    if mapped and line is not None:
        charts["priority"] = chart(figures.priority_figure(rows, line, labels, language))
    distributions = {}
    for dimension, dimension_items in items.items():
        if any(item["mean_value"] is not None or item["network_value"] is not None for item in dimension_items):
            charts[f"items:{dimension}"] = chart(figures.item_figure(dimension_items, labels, language))
        published = [item for item in dimension_items if item["shares"] is not None and item["scale"]]
        distributions[dimension] = []
        for scale, reverse in dict.fromkeys((tuple(item["scale"]), item["reverse"]) for item in published):
            same = [item for item in published if tuple(item["scale"]) == scale and item["reverse"] == reverse]
            order = figures.meaning_order(len(scale), reverse)
            distributions[dimension].append(
                ([scale[code] for code in order], [(item, [item["share_texts"][code] for code in order])
                                                   for item in same],
                 chart(figures.distribution_figure(same, list(scale), language, reverse)), reverse))
    page = Shown(rows=rows, items=items, distributions=distributions, charts=charts,
                 line=tables.format_number(line, language) if line else "–", mapped=mapped,
                 importance_source=tables.importance_source(school), response_rate=tables.response_rate(school),
                 options=tables.breakdown_options(school, _("Program")), partners=tables.partner_sections(school, rows),
                 questions=tables.question_sections(school))
    html = render_template("results/_results.html", page=page, school=school,
                           k_min=school.survey_round.network.k_min)
    return replace(page, html=Markup(html))


_shown = Kept(512)
_breakdowns = Kept(1024)  # by slice, language, breakdown and its groups' names (a school may rename a program)


def render_dashboard(survey_round: SurveyRound, code: str, *, links: Links, today: date, staff: bool,
                     picker: list | None = None, viewer_schools: tuple[str, ...] = (),
                     learn_from: list | None = None, plan_review: Markup | None = None) -> str:
    """The page, or "being prepared" while the round's results are not stored. `staff`: the school's staff
    view (network cells under school-level confidentiality); False for an admin. `viewer_schools`: the schools
    whose parts the reader knows (an organiser's staff reading one of its schools): the network cells are
    checked against them taken together. `learn_from`: the school's "Learn from" sections
    (survey.learning.learn_from), shown to its own staff. `plan_review`: the section "what we set out to do, what
    changed" of the school's action plan (`survey.plans.pages.dashboard_review`), for readers who may read it."""
    language = page_language()
    try:
        school = school_results(survey_round, code, language, staff=staff, today=today,
                                viewer_schools=viewer_schools)
    except ResultsNotReady as not_ready:
        return preparing_page(not_ready)
    page = _shown.get((*school.key, language), lambda: shown(school, language))
    picked = request.args.get("breakdown", "")
    chosen = next(((key, title) for key, title in page.options if key == picked), None)
    results = school.results
    k_min = survey_round.network.k_min
    return render_template(
        "results/dashboard.html", round=survey_round, school=school, page=page, k_min=k_min,
        breakdown=_breakdowns.get((*school.key, language, chosen, tuple(school.group_names.get(chosen[0], {}).items())),
                                  lambda: tables.breakdown(school, *chosen)) if chosen else None, picked=picked,
        provisional=not results.frozen, as_of=results.as_of, links=links, picker=picker, code=code,
        respondents=format_n(school.respondents, school.respondents < k_min), learn_from=learn_from,
        plan_review=plan_review)

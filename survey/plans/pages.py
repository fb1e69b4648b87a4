"""What a plan's page shows, the same for the school's staff (who change it) and for a network's admins (who read
it where the network lets them): the base round's numbers of each focus, the goal and the smallest change the
school's n can detect, the actions, the adopted cards, the partner, and "what changed" once a later comparable
round is in."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from flask import current_app, render_template, url_for
from markupsafe import Markup

from survey.plans.baseline import BaseDimension, base_dimensions, partner_choices, partner_code, partner_label
from survey.plans.models import ActionPlan
from survey.plans.operations import dimension_labels, status_name
from survey.plans.review import PlanReview, review_of_plan, review_on_round
from survey.reporting.format import (format_index, format_interval, format_number, format_signed,
                                     format_signed_interval)
from survey.results.dashboard.loading import school_view, stored_results
from survey.results.service import ResultsNotReady


# how the plan's templates write numbers: the same functions as the dashboard and the PDF
NUMBERS = SimpleNamespace(index=format_index, interval=format_interval, number=format_number, signed=format_signed,
                          signed_interval=format_signed_interval)


@dataclass(frozen=True)
class FocusRow:
    key: str
    label: str
    baseline: str
    interval: str
    n: str
    goal: str
    goal_value: float | None
    detectable: str
    suggested: bool


def card_link(card_id: int, audience: str) -> str | None:
    """The practice library's page of a card for `audience` ("school" or "admin"), where the library serves one
    (`/school/practices/<card_id>`); None otherwise (the page then shows the title alone)."""
    pattern = re.compile(rf"^/{audience}/practices/<(?:int:)?card_id>/?$")
    for rule in current_app.url_map.iter_rules():
        if pattern.match(rule.rule):
            return url_for(rule.endpoint, card_id=card_id)
    return None


@dataclass(frozen=True)
class PlanPage:
    plan: ActionPlan
    labels: dict[str, str]  # the base round's dimensions, key -> title in the page's language
    dimensions: list[BaseDimension]
    focuses: list[FocusRow]
    partners: list  # the school's partner list of the base round (`PartnerChoice`)
    partner: str | None  # how the school sees the chosen partner
    partner_value: str  # the chosen partner's row in `partners` ("" for none)
    cards: list[tuple[object, str | None]]  # adopted cards and their library link
    review: PlanReview | None
    review_html: Markup  # the review's section, as the later round's dashboard shows it
    ready: bool  # the base round's results could be read


def plan_page(plan: ActionPlan, language: str, audience: str, today: date | None = None) -> PlanPage:
    today = today or date.today()
    school = plan.school
    labels = dimension_labels(plan.base_round.version, language)
    try:
        _key, own = school_view(plan.base_round, school.code, staff=True, today=today)
        _key, unfiltered = stored_results(plan.base_round, today)
    except ResultsNotReady:
        own = unfiltered = None
    dimensions = base_dimensions(own, school.code, labels) if own is not None else []
    by_key = {dimension.key: dimension for dimension in dimensions}
    focuses = []
    for focus in plan.focuses:
        base = by_key.get(focus.dimension)
        focuses.append(FocusRow(
            key=focus.dimension, label=labels.get(focus.dimension, focus.dimension),
            baseline=format_index(focus.baseline, language),
            interval=format_interval(base.ci_low, base.ci_high, language) if base else "–",
            n=base.n_shown if base else "–", goal=format_index(focus.goal, language), goal_value=focus.goal,
            detectable=format_number(focus.detectable_change, language), suggested=focus.suggested))
    partners = partner_choices(own, school.code, labels) if own is not None else []
    partner, partner_value = None, ""
    if plan.partner_school is not None and own is not None:
        partner = partner_label(unfiltered, own, school.code, plan.partner_school.code, labels)
        partner_value = next((choice.value for choice in partners
                              if partner_code(unfiltered, school.code, choice.value) == plan.partner_school.code), "")
    review = review_of_plan(plan, language, today=today)
    return PlanPage(
        plan=plan, labels=labels, dimensions=dimensions, focuses=focuses,
        partners=partners, partner=partner, partner_value=partner_value,
        cards=[(card, card_link(card.id, audience)) for card in plan.adopted_cards],
        review=review, review_html=review_section(review, language) if review else Markup(), ready=own is not None)


def partner_as_seen(plan: ActionPlan, language: str, today: date | None = None) -> str | None:
    """The plan's partner as the school's own partner list shows it (its label, anonymous unless the network
    shares names, with the dimension), for the plan page and the API alike; None without a partner or results."""
    if plan.partner_school is None:
        return None
    today = today or date.today()
    try:
        _key, own = school_view(plan.base_round, plan.school.code, staff=True, today=today)
        _key, unfiltered = stored_results(plan.base_round, today)
    except ResultsNotReady:
        return None
    labels = dimension_labels(plan.base_round.version, language)
    return partner_label(unfiltered, own, plan.school.code, plan.partner_school.code, labels)


def review_section(review: PlanReview, language: str) -> Markup:
    """The review's section of a page (plans/_review.html), in the reader's language."""
    return Markup(render_template("plans/_review.html", review=review, fmt=NUMBERS, language=language,
                                  status_name=status_name))



def dashboard_review(survey_round, school, language: str, today: date | None = None) -> Markup | None:
    """The review section of a school's dashboard of `survey_round` (None when no plan of the school is based
    on an earlier comparable round); the two rounds' results are the dashboard's own kept staff views."""
    today = today or date.today()
    found = review_on_round(survey_round, school, language, today=today,
                            school_results=lambda of_round, code: school_view(of_round, code, staff=True,
                                                                              today=today)[1])
    return review_section(found, language) if found is not None else None

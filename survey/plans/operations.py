"""Writing action plans: every change a school's staff make to a plan goes through these functions, which check
what they are given, flush and never commit (the request commits once, `survey.portal.end_transaction`).

Who may call them is decided before (`survey.plans.access`); what they check here is the plan's own rules: one
plan per school and round, a base round that is closed with the school's frozen results, focus dimensions of the
base round's questionnaire, goals on the index scale, known statuses and allowed status changes, cards the school
may read and that are published, a partner from the school's own partner list.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask_babel import gettext as _
from sqlalchemy import select

from survey.accounts.models import User
from survey.extensions import db
from survey.network.models import School
from survey.plans.baseline import base_dimensions, partner_code
from survey.plans.models import (ACTION_STATUSES, ActionPlan, ActionStatus, PlanAction, PlanFocus, PlanStatus)
from survey.practices import access as card_access
from survey.practices.models import CardStatus, PracticeCard, PracticeTag, TagKind
from survey.results.models import RoundResult
from survey.results.service import ResultsNotReady, RoundResults, round_results
from survey.rounds.models import RoundState, SurveyRound, round_school

# the status changes a plan allows: it is drafted, put to work, completed, and may be taken up again
TRANSITIONS = {
    PlanStatus.DRAFT.value: {PlanStatus.ACTIVE.value},
    PlanStatus.ACTIVE.value: {PlanStatus.DRAFT.value, PlanStatus.COMPLETED.value},
    PlanStatus.COMPLETED.value: {PlanStatus.ACTIVE.value},
}


class PlanError(ValueError):
    """A change the plan's rules refuse; the message is the reader's language."""


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def dimension_labels(version, language: str) -> dict[str, str]:
    """The version's dimensions in questionnaire order, key -> title in `language` (else Danish, else English)."""
    def text(labels: dict | None, fallback: str) -> str:
        labels = labels or {}
        return labels.get(language) or labels.get("da") or labels.get("en") or fallback

    return {dimension.key: text(dimension.title, dimension.key) for dimension in version.dimensions}


def plannable_rounds(school: School, today: date | None = None) -> list[SurveyRound]:
    """The school's closed rounds with frozen results and no plan of the school yet, newest first."""
    today = today or date.today()
    rounds = db.session.scalars(
        select(SurveyRound).join(round_school, round_school.c.round_id == SurveyRound.id)
        .join(RoundResult, RoundResult.round_id == SurveyRound.id)
        .where(round_school.c.school_id == school.id, SurveyRound.network_id == school.network_id)
        .order_by(SurveyRound.closes_on.desc(), SurveyRound.id.desc())).all()
    planned = set(db.session.scalars(select(ActionPlan.base_round_id).where(ActionPlan.school_id == school.id)))
    return [r for r in rounds if r.state_on(today) is RoundState.CLOSED and r.id not in planned]


def base_results(school: School, survey_round: SurveyRound, today: date | None = None) -> RoundResults:
    """The base round's frozen results as the school's staff read them; PlanError when the round is not one of
    the school's closed rounds with frozen results."""
    if (survey_round.network_id != school.network_id or school not in survey_round.schools
            or survey_round.state_on(today or date.today()) is not RoundState.CLOSED):
        raise PlanError(_("A plan starts from one of your school's closed rounds."))
    try:
        results = round_results(survey_round, today=today)
    except ResultsNotReady as not_ready:
        raise PlanError(_("The results of this round are being prepared: a plan can start once they are published.")) \
            from not_ready
    return results.for_school(school.code, staff=True)


def create_plan(school: School, survey_round: SurveyRound, user: User, *, title: str, dimensions: list[str],
                today: date | None = None) -> ActionPlan:
    """A draft plan of the school from `survey_round` with the chosen focus dimensions, each with the school's
    published baseline and the smallest change its n can detect. One plan per school and round."""
    existing = db.session.scalar(select(ActionPlan).where(ActionPlan.school_id == school.id,
                                                          ActionPlan.base_round_id == survey_round.id))
    if existing is not None:
        raise PlanError(_("Your school already has a plan for this round."))
    results = base_results(school, survey_round, today)
    plan = ActionPlan(school=school, base_round=survey_round, title=title.strip()[:200],
                      status=PlanStatus.DRAFT.value, updated_by_id=user.id)
    db.session.add(plan)
    _set_focuses(plan, results, dimensions, {})
    db.session.flush()
    return plan


def _set_focuses(plan: ActionPlan, results: RoundResults, dimensions: list[str], goals: dict[str, float | None]
                 ) -> None:
    """Make the plan's focuses exactly `dimensions` (in questionnaire order): a kept focus keeps its baseline,
    a new one takes the base round's; `goals` sets the goal of those it names."""
    known = base_dimensions(results, plan.school.code, dimension_labels(plan.base_round.version, "da"))
    by_key = {dimension.key: dimension for dimension in known}
    unknown = [key for key in dimensions if key not in by_key]
    if unknown:
        raise PlanError(_("Not a dimension of this round: %(keys)s.", keys=", ".join(unknown)))
    for key, goal in goals.items():
        if goal is not None and not 0 <= goal <= 100:
            raise PlanError(_("A goal is an index from 0 to 100."))
    wanted = [dimension for dimension in known if dimension.key in set(dimensions)]
    current = {focus.dimension: focus for focus in plan.focuses}
    focuses = []
    for position, dimension in enumerate(wanted):
        focus = current.get(dimension.key) or PlanFocus(
            dimension=dimension.key, baseline=dimension.index, detectable_change=dimension.detectable,
            suggested=dimension.suggested)
        focus.position = position
        if dimension.key in goals:
            focus.goal = goals[dimension.key]
        focuses.append(focus)
    plan.focuses = focuses
    for action in plan.actions:  # an action that served a dropped focus serves the plan as a whole
        if action.dimension is not None and action.dimension not in {f.dimension for f in focuses}:
            action.dimension = None


def set_focuses(plan: ActionPlan, user: User, dimensions: list[str], goals: dict[str, float | None],
                today: date | None = None) -> None:
    """Change the plan's focus dimensions and their goals (target index for the next comparable round)."""
    _set_focuses(plan, base_results(plan.school, plan.base_round, today), dimensions, goals)
    _touched(plan, user)


def update_plan(plan: ActionPlan, user: User, *, title: str, status: str) -> None:
    """Rename the plan and move it along its lifecycle (TRANSITIONS)."""
    if status != plan.status and status not in TRANSITIONS.get(plan.status, set()):
        raise PlanError(_("A plan cannot go from %(old)s to %(new)s.", old=status_name(plan.status),
                          new=status_name(status)))
    plan.title = title.strip()[:200]
    plan.status = status
    _touched(plan, user)


def choose_partner(plan: ActionPlan, user: User, choice: str, note: str, today: date | None = None) -> None:
    """The partner the plan learns from: `choice` names a row of the school's partner list in the base round
    ("" for none); the school is resolved from the round's stored partners table, never from the form."""
    partner = None
    if choice:
        try:
            unfiltered = round_results(plan.base_round, today=today)
        except ResultsNotReady as not_ready:
            raise PlanError(_("Not one of your school's benchmark partners in this round.")) from not_ready
        code = partner_code(unfiltered, plan.school.code, choice)
        partner = code and db.session.scalar(select(School).where(School.network_id == plan.school.network_id,
                                                                  School.code == code))
        if not partner:
            raise PlanError(_("Not one of your school's benchmark partners in this round."))
    plan.partner_school = partner
    plan.partner_note = note.strip()
    _touched(plan, user)


def add_action(plan: ActionPlan, user: User, *, description: str, owner: str = "", deadline: date | None = None,
               dimension: str | None = None, status: str = ActionStatus.PLANNED.value) -> PlanAction:
    action = PlanAction(plan=plan)
    _fill_action(action, description=description, owner=owner, deadline=deadline, dimension=dimension, status=status)
    db.session.add(action)
    _touched(plan, user)
    return action


def update_action(action: PlanAction, user: User, *, description: str, owner: str, deadline: date | None,
                  dimension: str | None, status: str) -> None:
    _fill_action(action, description=description, owner=owner, deadline=deadline, dimension=dimension, status=status)
    _touched(action.plan, user)


def set_action_status(action: PlanAction, user: User, status: str) -> None:
    if status not in ACTION_STATUSES:
        raise PlanError(_("Not a status of an action."))
    action.status = status
    _touched(action.plan, user)


def delete_action(action: PlanAction, user: User) -> None:
    plan = action.plan
    plan.actions.remove(action)
    db.session.delete(action)
    _touched(plan, user)


def _fill_action(action: PlanAction, *, description: str, owner: str, deadline: date | None,
                 dimension: str | None, status: str) -> None:
    if not description.strip():
        raise PlanError(_("Describe the action."))
    if status not in ACTION_STATUSES:
        raise PlanError(_("Not a status of an action."))
    if dimension and dimension not in {focus.dimension for focus in action.plan.focuses}:
        raise PlanError(_("An action serves one of the plan's focus dimensions, or the whole plan."))
    action.description = description.strip()
    action.owner = owner.strip()[:200]
    action.deadline = deadline
    action.dimension = dimension or None
    action.status = status


def adoptable_cards(user: User, plan: ActionPlan, limit: int = 100
                    ) -> tuple[list[PracticeCard], list[PracticeCard]]:
    """Published cards the user may read that the plan has not adopted: those addressing a focus dimension
    and the others (each by title), at most `limit` in all (the library finds the rest)."""
    family = plan.base_round.version.family.key
    focus_tags = [f"{family}/{focus.dimension}" for focus in plan.focuses]
    adopted = [card.id for card in plan.adopted_cards]
    published = (card_access.cards_visible_to(user).where(PracticeCard.status == CardStatus.PUBLISHED.value,
                                                          PracticeCard.id.not_in(adopted))
                 .order_by(PracticeCard.title, PracticeCard.id))
    addressing_ids = (select(PracticeTag.card_id).where(PracticeTag.kind == TagKind.DIMENSION.value,
                                                        PracticeTag.value.in_(focus_tags)))
    addressing = db.session.scalars(published.where(PracticeCard.id.in_(addressing_ids)).limit(limit)).all()
    others = db.session.scalars(published.where(PracticeCard.id.not_in(addressing_ids))
                                .limit(limit - len(addressing))).all() if len(addressing) < limit else []
    return list(addressing), list(others)


def adopt_card(plan: ActionPlan, user: User, card_id: int) -> PracticeCard:
    """Adopt a published card the user may read (a card of the school's own, or of another school)."""
    card = db.session.get(PracticeCard, card_id)
    if card is None or not card_access.may_read(user, card) or card.status != CardStatus.PUBLISHED.value:
        raise PlanError(_("Not a published practice card of your network."))
    if card not in plan.adopted_cards:
        plan.adopted_cards.append(card)
    _touched(plan, user)
    return card


def drop_card(plan: ActionPlan, user: User, card_id: int) -> None:
    card = next((card for card in plan.adopted_cards if card.id == card_id), None)
    if card is None:
        raise PlanError(_("The plan has not adopted this card."))
    plan.adopted_cards.remove(card)
    _touched(plan, user)


def status_name(status: str) -> str:
    """A plan's or an action's status in the reader's language."""
    return {"draft": _("draft"), "active": _("active"), "completed": _("completed"), "planned": _("planned"),
            "in_progress": _("in progress"), "done": _("done"), "dropped": _("dropped")}.get(status, status)


def _touched(plan: ActionPlan, user: User) -> None:
    plan.updated_at = utc_now()
    plan.updated_by_id = user.id
    db.session.flush()

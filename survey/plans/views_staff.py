"""A school's staff and their action plans (/school/plans): the list, a new plan from a closed round, and one
plan's page with its focus dimensions and goals, partner, actions and adopted practice cards.

The loader resolves the plan (and an action of it) once per request through `survey.plans.access`: another
school's plan, or an action of another plan, answers 404. Every change is a POST with its CSRF token; a refused
change flashes why and keeps nothing (`survey.portal.refuse`).
"""
from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sqlalchemy import select

from survey.extensions import db
from survey.plans import operations
from survey.plans.access import plan_for, plans_visible_to
from survey.plans.forms import (ActionForm, ActionStatusForm, AdoptCardForm, ConfirmForm, DropCardForm,
                                NewPlanForm, PartnerForm, PlanForm, focus_form, goal_fields)
from survey.plans.models import ActionPlan, PlanAction
from survey.plans.operations import PlanError
from survey.plans.pages import NUMBERS as numbers, plan_page
from survey.plans.baseline import base_dimensions
from survey.portal import refuse, staff_blueprint
from survey.results.dashboard.page import page_language
from survey.rounds.models import RoundState, SurveyRound

bp = staff_blueprint("plans_staff", __name__)


@bp.context_processor
def _language() -> dict[str, str]:
    return {"page_language": page_language()}


@bp.url_value_preprocessor
def _load(_endpoint, values) -> None:
    """The plan (the school's own), an action of that plan, or a round the school may start a plan from."""
    if not values:
        return
    if "plan_id" in values:
        g.plan = plan_for(current_user, values.pop("plan_id"), edit=True)
        if "action_id" in values:
            action = db.session.get(PlanAction, values.pop("action_id"))
            if action is None or action.plan_id != g.plan.id:
                abort(404)
            g.action = action
    if "round_id" in values:
        survey_round = db.session.get(SurveyRound, values.pop("round_id"))
        school = current_user.school
        if (survey_round is None or survey_round.network_id != school.network_id
                or school not in survey_round.schools or survey_round.state_on(date.today()) is not RoundState.CLOSED):
            abort(404)
        g.survey_round = survey_round


@bp.get("/plans")
def index():
    school = current_user.school
    plans = db.session.scalars(plans_visible_to(current_user).join(SurveyRound, ActionPlan.base_round_id == SurveyRound.id)
                               .order_by(SurveyRound.closes_on.desc(), ActionPlan.id.desc())).all()
    return render_template("plans/staff_index.html", school=school, plans=plans,
                           rounds=operations.plannable_rounds(school), status_name=operations.status_name)


@bp.route("/plans/new/<int:round_id>", methods=["GET", "POST"])
def new_plan():
    survey_round, school = g.survey_round, current_user.school
    language = page_language()
    planned = db.session.scalar(select(ActionPlan).where(ActionPlan.school_id == school.id,
                                                         ActionPlan.base_round_id == survey_round.id))
    if planned is not None:  # one plan per school and round: that one
        return redirect(url_for(".plan", plan_id=planned.id))
    try:
        results = operations.base_results(school, survey_round)
    except PlanError as error:
        refuse(str(error))
        return redirect(url_for(".index"))
    dimensions = base_dimensions(results, school.code, operations.dimension_labels(survey_round.version, language))
    form = NewPlanForm(prefix="plan")
    form.dimensions.choices = [(d.key, d.label) for d in dimensions]
    if request.method == "GET":
        form.dimensions.data = [d.key for d in dimensions if d.suggested]
        form.title.data = _("Action plan after %(round)s", round=survey_round.name)
    elif form.validate_on_submit():
        try:
            plan = operations.create_plan(school, survey_round, current_user, title=form.title.data or "",
                                          dimensions=form.dimensions.data)
        except PlanError as error:
            refuse(str(error))
        else:
            flash(_("The plan is saved as a draft: set a goal for each focus dimension and add actions."), "success")
            return redirect(url_for(".plan", plan_id=plan.id))
    return (render_template("plans/new.html", form=form, round=survey_round, dimensions=dimensions, fmt=numbers,
                            language=language),
            422 if form.errors or g.get("refused") else 200)


def _forms(plan: ActionPlan, page, formdata=None):
    """Every form of the plan's page, filled from the plan (or from `formdata` for the one being posted)."""
    keys = [d.key for d in page.dimensions]
    focus = focus_form(keys, [f.dimension for f in plan.focuses], {f.dimension: f.goal for f in plan.focuses},
                       formdata=formdata)
    focus.dimensions.choices = [(d.key, d.label) for d in page.dimensions]
    settings = PlanForm(formdata=None, prefix="plan", obj=plan)
    partner = PartnerForm(formdata=None, prefix="partner")
    partner.partner.choices = [("", _("None"))] + [(choice.value, choice.label) for choice in page.partners]
    partner.note.data = plan.partner_note
    focuses = [(f.key, f.label) for f in page.focuses]
    action = ActionForm(formdata=None, prefix="action", focuses=focuses)
    statuses = {a.id: ActionStatusForm(formdata=None, prefix=f"action{a.id}", status=a.status) for a in plan.actions}
    deletes = {a.id: ConfirmForm(formdata=None, prefix=f"delete{a.id}") for a in plan.actions}
    addressing, others = operations.adoptable_cards(current_user, plan)
    adopt = AdoptCardForm(formdata=None, prefix="adopt")
    adopt.card.choices = [(card.id, card.title) for card in addressing + others]
    drops = {card.id: DropCardForm(formdata=None, prefix=f"drop{card.id}", card=card.id) for card in plan.adopted_cards}
    return {"settings": settings, "focus": focus, "goals": goal_fields(focus, keys), "partner": partner,
            "action": action, "statuses": statuses, "deletes": deletes, "adopt": adopt, "drops": drops,
            "addressing": addressing, "others": others}


@bp.route("/plans/<int:plan_id>", methods=["GET", "POST"])
def plan():
    """The plan's page; its POST renames the plan and moves it along its lifecycle (the other forms of the page
    post to addresses of their own)."""
    if request.method == "POST":
        return _save_plan()
    page = plan_page(g.plan, page_language(), "school")
    forms = _forms(g.plan, page)
    forms["partner"].partner.data = page.partner_value
    return render_template("plans/plan.html", page=page, plan=g.plan, forms=forms, editable=True,
                           status_name=operations.status_name, fmt=numbers, language=page_language())


def _back() -> object:
    return redirect(url_for(".plan", plan_id=g.plan.id))


def _save_plan():
    form = PlanForm(prefix="plan")
    if not form.validate_on_submit():
        _refuse_form(form)
        return _back()
    try:
        operations.update_plan(g.plan, current_user, title=form.title.data or "", status=form.status.data)
    except PlanError as error:
        refuse(str(error))
    else:
        flash(_("Plan saved."), "success")
    return _back()


def _refuse_form(form) -> None:
    refuse(" ".join(str(message) for messages in form.errors.values() for message in messages)
           or _("The form could not be read: try again."))


@bp.post("/plans/<int:plan_id>/focus")
def save_focus():
    page = plan_page(g.plan, page_language(), "school")
    keys = [d.key for d in page.dimensions]
    form = focus_form(keys, [], {}, formdata=request.form)
    if not form.validate_on_submit():
        _refuse_form(form)
        return _back()
    goals = {key: field.data for key, field in goal_fields(form, keys).items() if key in form.dimensions.data}
    try:
        operations.set_focuses(g.plan, current_user, form.dimensions.data, goals)
    except PlanError as error:
        refuse(str(error))
    else:
        flash(_("Focus dimensions and goals saved."), "success")
    return _back()


@bp.post("/plans/<int:plan_id>/partner")
def save_partner():
    form = PartnerForm(prefix="partner")
    page = plan_page(g.plan, page_language(), "school")
    form.partner.choices = [("", "")] + [(choice.value, choice.label) for choice in page.partners]
    if not form.validate_on_submit():
        _refuse_form(form)
        return _back()
    try:
        operations.choose_partner(g.plan, current_user, form.partner.data or "", form.note.data or "")
    except PlanError as error:
        refuse(str(error))
    else:
        flash(_("Partner saved."), "success")
    return _back()


def _focus_choices(plan: ActionPlan) -> list[tuple[str, str]]:
    labels = operations.dimension_labels(plan.base_round.version, page_language())
    return [(focus.dimension, labels.get(focus.dimension, focus.dimension)) for focus in plan.focuses]


@bp.post("/plans/<int:plan_id>/actions")
def add_action():
    form = ActionForm(prefix="action", focuses=_focus_choices(g.plan))
    if not form.validate_on_submit():
        _refuse_form(form)
        return _back()
    try:
        operations.add_action(g.plan, current_user, description=form.description.data, owner=form.owner.data or "",
                              deadline=form.deadline.data, dimension=form.dimension.data or None,
                              status=form.status.data)
    except PlanError as error:
        refuse(str(error))
    else:
        flash(_("Action added."), "success")
    return _back()


@bp.route("/plans/<int:plan_id>/actions/<int:action_id>", methods=["GET", "POST"])
def edit_action():
    action = g.action
    form = ActionForm(prefix="action", obj=action if request.method == "GET" else None,
                      focuses=_focus_choices(g.plan))
    if request.method == "GET":
        form.dimension.data = action.dimension or ""
    elif form.validate_on_submit():
        try:
            operations.update_action(action, current_user, description=form.description.data,
                                     owner=form.owner.data or "", deadline=form.deadline.data,
                                     dimension=form.dimension.data or None, status=form.status.data)
        except PlanError as error:
            refuse(str(error))
        else:
            flash(_("Action saved."), "success")
            return _back()
    return (render_template("plans/action.html", form=form, plan=g.plan, action=action),
            422 if form.errors or g.get("refused") else 200)


@bp.post("/plans/<int:plan_id>/actions/<int:action_id>/status")
def action_status():
    form = ActionStatusForm(prefix=f"action{g.action.id}")
    if not form.validate_on_submit():
        _refuse_form(form)
        return _back()
    operations.set_action_status(g.action, current_user, form.status.data)
    flash(_("Status changed."), "success")
    return _back()


@bp.post("/plans/<int:plan_id>/actions/<int:action_id>/delete")
def delete_action():
    form = ConfirmForm(prefix=f"delete{g.action.id}")
    if not form.validate_on_submit():
        _refuse_form(form)
        return _back()
    operations.delete_action(g.action, current_user)
    flash(_("Action deleted."), "success")
    return _back()


@bp.post("/plans/<int:plan_id>/cards")
def adopt_card():
    form = AdoptCardForm(prefix="adopt")
    form.card.validate_choice = False  # any card id: the operation checks the card against the user
    if not form.validate_on_submit():
        _refuse_form(form)
        return _back()
    try:
        operations.adopt_card(g.plan, current_user, form.card.data)
    except PlanError as error:
        refuse(str(error))
    else:
        flash(_("Practice card adopted."), "success")
    return _back()


@bp.post("/plans/<int:plan_id>/cards/drop")
def drop_card():
    card_id = next((int(key[len("drop"):-len("-card")]) for key in request.form
                    if key.startswith("drop") and key.endswith("-card") and key[len("drop"):-len("-card")].isdigit()),
                   None)
    form = DropCardForm(prefix=f"drop{card_id}")
    if card_id is None or not form.validate_on_submit() or form.card.data != str(card_id):
        refuse(_("The form could not be read: try again."))
        return _back()
    try:
        operations.drop_card(g.plan, current_user, card_id)
    except PlanError as error:
        refuse(str(error))
    else:
        flash(_("Practice card removed from the plan."), "success")
    return _back()


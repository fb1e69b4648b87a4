"""A network's admins read the schools' action plans (/admin/plans), never change them, and only where the
network's settings say so (`Network.admins_read_plans`): otherwise every page answers 404, as if plans did not
exist (`survey.plans.access`)."""
from __future__ import annotations

from flask import abort, g, render_template
from flask_login import current_user

from survey.network.models import School
from survey.plans.access import plan_for, plans_visible_to
from survey.plans.models import ActionPlan
from survey.plans.operations import status_name
from survey.plans.pages import NUMBERS, plan_page
from survey.portal import admin_blueprint
from survey.results.dashboard.page import page_language
from survey.extensions import db
from survey.rounds.models import SurveyRound

bp = admin_blueprint("plans_admin", __name__)


@bp.context_processor
def _language() -> dict[str, str]:
    return {"page_language": page_language()}


@bp.url_value_preprocessor
def _load(_endpoint, values) -> None:
    if not current_user.network.admins_read_plans:
        abort(404)
    if values and "plan_id" in values:
        g.plan = plan_for(current_user, values.pop("plan_id"))


@bp.get("/plans")
def index():
    plans = db.session.scalars(
        plans_visible_to(current_user).join(SurveyRound, ActionPlan.base_round_id == SurveyRound.id)
        .order_by(School.name, SurveyRound.closes_on.desc(), ActionPlan.id)).all()
    return render_template("plans/admin_index.html", plans=plans, status_name=status_name)


@bp.get("/plans/<int:plan_id>")
def plan():
    return render_template("plans/plan.html", page=plan_page(g.plan, page_language(), "admin"), plan=g.plan,
                           forms=None, editable=False, status_name=status_name, fmt=NUMBERS, language=page_language())

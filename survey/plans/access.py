"""Who may read or change which action plan. Plans are the school's: its staff read and write them; the
network's admins read them (never write) only where `Network.admins_read_plans` is set; nobody else sees
that a plan exists (404)."""
from __future__ import annotations

from flask import abort
from sqlalchemy import Select, false, select

from survey.accounts.models import Role, User
from survey.extensions import db
from survey.network.models import School
from survey.plans.models import ActionPlan


def plans_visible_to(user: User) -> Select:
    query = select(ActionPlan)
    if user.role == Role.SCHOOL_STAFF and user.school_id is not None:
        return query.where(ActionPlan.school_id == user.school_id)
    if user.role == Role.NETWORK_ADMIN and user.network.admins_read_plans:
        return query.join(School, School.id == ActionPlan.school_id).where(School.network_id == user.network_id)
    return query.where(false())


def may_read(user: User, plan: ActionPlan) -> bool:
    if user.role == Role.SCHOOL_STAFF:
        return plan.school_id == user.school_id
    return (user.role == Role.NETWORK_ADMIN and user.network.admins_read_plans
            and plan.school.network_id == user.network_id)


def may_edit(user: User, plan: ActionPlan) -> bool:
    return user.role == Role.SCHOOL_STAFF and plan.school_id == user.school_id


def plan_for(user: User, plan_id: int, *, edit: bool = False) -> ActionPlan:
    plan = db.session.get(ActionPlan, plan_id)
    if plan is None or not (may_edit(user, plan) if edit else may_read(user, plan)):
        abort(404)
    return plan

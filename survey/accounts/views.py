"""The users admin pages: a network admin lists, invites, re-invites, re-places, deactivates and reactivates the
users of their own network. Each view is thin: load (once, checked against the admin's network), validate, call
an operation; the request commits in one place (survey.portal.end_transaction)."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from survey.audit import record
from survey.accounts.forms import ROLE_LABELS, EditUserForm, InviteUserForm
from survey.accounts.models import User, users_of_network
from survey.accounts.operations import (
    AccountError,
    change_role,
    deactivate,
    invite_user,
    reactivate,
    send_invitation,
)
from survey.extensions import db
from survey.network.models import School
from survey.portal import admin_blueprint, refuse

bp = admin_blueprint("accounts", __name__)


@bp.url_value_preprocessor
def _load_account(endpoint, values) -> None:
    """A user of another network is as absent as one that does not exist (the role was checked before)."""
    if values and "user_id" in values:
        account = db.session.get(User, values.pop("user_id"))
        if account is None or account.network_id != current_user.network_id:
            abort(404)
        g.account = account


def _schools() -> list[School]:
    return list(db.session.scalars(select(School).where(School.network_id == current_user.network_id)
                                   .order_by(School.code)))


@bp.get("/users/")
def index():
    users = db.session.scalars(users_of_network(current_user.network_id)).all()
    return render_template("accounts/list.html", users=users, role_labels=ROLE_LABELS)


@bp.route("/users/invite", methods=["GET", "POST"])
def invite():
    schools, organisers = _schools(), current_user.network.organisers
    form = InviteUserForm().with_schools(schools, organisers)
    if form.validate_on_submit() and not form.placement_errors():
        try:
            user = invite_user(form.email.data, form.role.data, current_user.network, form.chosen_school(schools),
                               organiser=form.chosen_organiser(organisers))
        except AccountError as error:
            form.email.errors.append(str(error))
        else:
            record(current_user, "user.change", f"user {user.email}", {"change": "invite", "role": user.role})
            flash(_("Invitation sent to %(email)s.", email=user.email), "success")
            return redirect(url_for("accounts.index"))
    return render_template("accounts/invite.html", form=form), (422 if form.errors else 200)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit():
    account = g.account
    schools, organisers = _schools(), current_user.network.organisers
    form = EditUserForm(data={"role": account.role, "school": str(account.school_id or ""),
                              "organiser": str(account.organiser_id or "")}).with_schools(schools, organisers)
    if form.validate_on_submit() and not form.placement_errors():
        try:
            change_role(account, form.role.data, form.chosen_school(schools), by=current_user,
                        organiser=form.chosen_organiser(organisers))
        except AccountError as error:
            form.role.errors.append(str(error))
        else:
            record(current_user, "user.change", f"user {account.email}",
                   {"change": "role", "role": account.role, "school_id": account.school_id})
            flash(_("%(email)s is saved.", email=account.email), "success")
            return redirect(url_for("accounts.index"))
    return render_template("accounts/edit.html", form=form, account=account, role_labels=ROLE_LABELS), (
        422 if form.errors else 200
    )


def _act(action, done: str, change: str):
    """Run `action` on the loaded user (CSRFProtect checked the form's token); say what happened or why not."""
    account = g.account
    try:
        action(account)
    except AccountError as error:
        refuse(str(error))
    else:
        record(current_user, "user.change", f"user {account.email}", {"change": change})
        flash(done % {"email": account.email}, "success")
    return redirect(url_for("accounts.edit", user_id=account.id))


@bp.post("/users/<int:user_id>/resend")
def resend():
    return _act(send_invitation, _("A new invitation was sent to %(email)s; the earlier link no longer works."),
                "resend invitation")


@bp.post("/users/<int:user_id>/deactivate")
def deactivate_user():
    return _act(lambda account: deactivate(account, by=current_user),
                _("%(email)s is deactivated and logged out everywhere."), "deactivate")


@bp.post("/users/<int:user_id>/reactivate")
def reactivate_user():
    return _act(reactivate, _("%(email)s can log in again."), "reactivate")

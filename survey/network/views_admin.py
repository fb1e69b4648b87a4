"""Admin pages of the network: its overview (the admin's home page), its settings, its schools."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from survey.accounts.models import User
from survey.audit import record
from survey.catalog.models import QuestionnaireVersion, versions_of_network
from survey.extensions import db
from survey.network.forms import NetworkSettingsForm
from survey.network.models import School
from survey.network.operations import NetworkSettingsError, update_network_settings
from survey.portal import admin_blueprint
from survey.rounds.models import SurveyRound

bp = admin_blueprint("network_admin", __name__)


@bp.get("/")
def index():
    network = current_user.network
    counts = {
        "schools": db.session.scalar(select(func.count(School.id)).where(School.network_id == network.id)),
        "users": db.session.scalar(select(func.count(User.id)).where(User.network_id == network.id)),
        "versions": db.session.scalar(versions_of_network(network.id).with_only_columns(func.count(QuestionnaireVersion.id))),
        "rounds": db.session.scalar(select(func.count(SurveyRound.id)).where(SurveyRound.network_id == network.id)),
    }
    return render_template("network/admin_index.html", network=network, counts=counts)


@bp.route("/settings", methods=["GET", "POST"])
def network_settings():
    network = current_user.network
    form = NetworkSettingsForm(obj=network)
    if form.validate_on_submit():
        try:
            update_network_settings(
                network,
                k_min=form.k_min.data,
                share_school_names=form.share_school_names.data,
                driver_min_cases=form.driver_min_cases.data,
                minimal_difference=form.minimal_difference.data,
                admins_read_comments=form.admins_read_comments.data,
                admins_read_plans=form.admins_read_plans.data,
            )
        except NetworkSettingsError as error:
            form.k_min.errors.append(str(error))
        else:
            record(current_user, "settings.change", "network settings",
                   {name: getattr(form, name).data for name in ("k_min", "share_school_names", "driver_min_cases",
                                                                "minimal_difference", "admins_read_comments",
                                                                "admins_read_plans")})
            flash(_("Settings saved. Results frozen earlier keep the settings they were computed with."), "success")
            return redirect(url_for("network_admin.index"))
    return render_template("network/settings.html", form=form, network=network), (422 if form.errors else 200)


@bp.get("/schools")
def schools():
    rows = db.session.scalars(select(School).where(School.network_id == current_user.network_id).order_by(School.code))
    staff = db.session.execute(
        select(User.school_id, func.count(User.id))
        .where(User.network_id == current_user.network_id, User.school_id.is_not(None))
        .group_by(User.school_id)
    ).all()
    return render_template("network/schools.html", schools=rows.all(), staff=dict(staff))

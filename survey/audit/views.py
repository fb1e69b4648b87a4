"""Admins' view of their network's audit log (/admin/audit): filter by action, user and dates, newest first,
a page at a time."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import func, select

from survey.audit.forms import AuditFilterForm
from survey.audit.models import AuditEntry
from survey.extensions import db
from survey.portal import admin_blueprint

bp = admin_blueprint("audit_admin", __name__)
PER_PAGE = 50


@bp.get("/audit")
def audit_log():
    network_id = current_user.network_id
    actors = db.session.scalars(select(AuditEntry.actor).where(AuditEntry.network_id == network_id)
                                .distinct().order_by(AuditEntry.actor)).all()
    form = AuditFilterForm(request.args).with_actors(actors)
    statement = select(AuditEntry).where(AuditEntry.network_id == network_id)
    if form.validate():
        if form.action.data:
            statement = statement.where(AuditEntry.action == form.action.data)
        if form.actor.data:
            statement = statement.where(AuditEntry.actor == form.actor.data)
        if form.since.data:
            statement = statement.where(AuditEntry.at >= datetime.combine(form.since.data, time(), timezone.utc))
        if form.until.data:
            statement = statement.where(AuditEntry.at < datetime.combine(form.until.data + timedelta(days=1), time(),
                                                                         timezone.utc))
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    entries = db.session.scalars(statement.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                                 .offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    filters = {name: value for name, value in request.args.items() if name != "page" and value}
    return render_template("audit/list.html", form=form, entries=entries, page=page, pages=pages, total=total,
                           filters=filters), (422 if form.errors else 200)

"""A school's staff read their notifications (newest first, the unread marked) and mark them read; the header
shows how many are unread (one COUNT, only on pages drawn for a logged-in staff member).

A GET never marks anything read: reading the list changes nothing, marking is a POST.
"""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey.accounts.models import Role
from survey.extensions import db
from survey.notifications import operations
from survey.notifications.forms import MarkAllReadForm, MarkReadForm
from survey.notifications.messages import shown
from survey.portal import staff_blueprint

bp = staff_blueprint("notifications", __name__)
PAGE_SIZE = 100


@bp.url_value_preprocessor
def _load(_endpoint, values) -> None:
    if values and "notification_id" in values:
        g.notification = operations.notification_for(current_user, values.pop("notification_id"))
        if g.notification is None:
            abort(404)


@bp.app_context_processor
def _unread_badge() -> dict:
    def unread_notifications() -> int:
        """Counted once per request, when the header asks for it (staff pages only)."""
        if "unread_notifications" not in g:
            g.unread_notifications = (operations.unread_count(current_user)
                                      if current_user.is_authenticated and current_user.role == Role.SCHOOL_STAFF
                                      else 0)
        return g.unread_notifications

    return {"unread_notifications": unread_notifications}


@bp.get("/notifications")
def index():
    notifications = db.session.scalars(operations.notifications_of(current_user).limit(PAGE_SIZE)).all()
    items = [shown(notification, current_user) for notification in notifications]
    newest = max((item.id for item in items), default=None)
    return render_template("notifications/index.html", items=items, read_form=MarkReadForm(formdata=None),
                           all_form=MarkAllReadForm(formdata=None, up_to=newest),
                           any_unread=any(item.unread for item in items))


@bp.post("/notifications/<int:notification_id>/read")
def mark_read():
    if not MarkReadForm().validate_on_submit():
        abort(400)
    operations.mark_read(g.notification)
    return redirect(url_for(".index"))


@bp.post("/notifications/read")
def mark_all_read():
    form = MarkAllReadForm()
    if not form.validate_on_submit():
        abort(400)
    marked = operations.mark_all_read(current_user, form.up_to.data)
    flash(_("All notifications are marked as read.") if marked else _("There was nothing unread."), "success")
    return redirect(url_for(".index"))

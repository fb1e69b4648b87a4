"""The notification e-mails' job: `notifications.mail` sends one e-mail per notification of one event, each in
its reader's language, after the request that caused them committed (survey/notifications/operations.py).

A message the mail server refuses is logged and counted, never retried: the notification itself waits in the
portal. The job's result holds counts only, never an address.
"""
from __future__ import annotations

import logging

from sqlalchemy import select

from survey.accounts.models import User
from survey.extensions import db
from survey.jobs import job
from survey.jobs.registry import Progress
from survey.notifications.messages import mail_of
from survey.notifications.models import Notification
from survey.notifications.operations import MAIL_JOB
from survey.rounds.mail import MailError, send_mail

log = logging.getLogger(__name__)


@job(MAIL_JOB)
def mail_notifications(progress: Progress, notification_ids: list[int], network_id: int | None = None) -> dict:
    notifications = db.session.scalars(select(Notification).where(Notification.id.in_(notification_ids))
                                       .order_by(Notification.id)).all()
    sent = failed = 0
    for notification in notifications:
        user = db.session.get(User, notification.user_id)
        if user is None or not user.active:
            continue
        subject, body = mail_of(notification, user)
        try:
            send_mail(user.email, subject, body)
            sent += 1
        except MailError:
            log.exception("notification %s could not be e-mailed", notification.id)
            failed += 1
    return {"sent": sent, "failed": failed}

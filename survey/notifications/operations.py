"""Notifying users: a row per user for the portal, and an e-mail per user sent by a job after the request commits.

`notify` stores what happened (`kind`, `params`, `link`), never a sentence: the portal and the e-mail write it in
each reader's language when it is read (survey/notifications/messages.py). The e-mail leaves through the job
runner (`notifications.mail`), which `enqueue` hands the job to only once the request's transaction commits: a
request that is refused or fails sends nothing, and no web request waits on the mail server. Like every operation
these flush and never commit.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

from sqlalchemy import Select, func, select, update

from survey.accounts.models import Role, User
from survey.extensions import db
from survey.jobs import enqueue
from survey.network.models import School
from survey.notifications.models import Notification

MAIL_JOB = "notifications.mail"


def now() -> datetime:
    return datetime.now(timezone.utc)


def notify(users: Iterable[User], kind: str, params: dict, link: str) -> list[Notification]:
    """One notification for each of `users` (the inactive left out), and one job that e-mails them."""
    created = [Notification(user_id=user.id, kind=kind, params=dict(params), link=link, created_at=now())
               for user in users if user.active]
    if not created:
        return []
    db.session.add_all(created)
    db.session.flush()
    enqueue(MAIL_JOB, notification_ids=[notification.id for notification in created],
            network_id=_network_of(created[0]))
    return created


def _network_of(notification: Notification) -> int | None:
    """The network whose job list shows the mail job: the notified users'."""
    user = db.session.get(User, notification.user_id)
    return user.network_id if user else None


def school_staff(school: School) -> list[User]:
    """Every active staff user of `school`: whom a school's notification reaches."""
    return list(db.session.scalars(select(User).where(User.school_id == school.id, User.role == Role.SCHOOL_STAFF,
                                                      User.active.is_(True)).order_by(User.id)))


def notify_school(school: School, kind: str, params: dict, link: str) -> list[Notification]:
    return notify(school_staff(school), kind, params, link)


def notifications_of(user: User) -> Select:
    """The user's own notifications, newest first."""
    return (select(Notification).where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc()))


def unread_count(user: User) -> int:
    """One COUNT on the (user_id, read_at) index: the header's badge."""
    return db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None)))


def notification_for(user: User, notification_id: int) -> Notification | None:
    """The user's own notification, or None (someone else's is as good as missing)."""
    found = db.session.get(Notification, notification_id)
    return found if found is not None and found.user_id == user.id else None


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = now()
        db.session.flush()


def mark_all_read(user: User, up_to: int) -> int:
    """Mark read the user's unread notifications up to id `up_to` (the newest the page showed: one arriving
    after the page was drawn stays unread). How many were marked."""
    result = db.session.execute(update(Notification)
                                .where(Notification.user_id == user.id, Notification.read_at.is_(None),
                                       Notification.id <= up_to)
                                .values(read_at=now()).execution_options(synchronize_session=False))
    return result.rowcount

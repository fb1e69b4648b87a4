"""Each kind of notification in words, written when it is read, in the reader's language (the page's, or for an
e-mail the user's chosen language, else their school's).

A request's notification holds only the request's id: the text names the dimension in the reader's language and
the other school as the reader may know it at the time of reading (survey.partnering.labels.counterpart), so a
notification written before both schools agreed to reveal themselves never holds a name, and one read after
shows it. No staff name or e-mail of the other school ever appears in a notification.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale, format_date, get_locale, gettext as _

from survey.accounts.models import User
from survey.extensions import db
from survey.notifications.models import Notification
from survey.partnering.labels import counterpart, dimension_title, meeting_label
from survey.partnering.models import BenchlearningRequest


@dataclass(frozen=True)
class Shown:
    """A notification as its reader sees it."""

    id: int
    text: str
    link: str
    created_at: datetime
    unread: bool


def _request_text(kind: str, request: BenchlearningRequest, reader: User, language: str) -> str:
    values = {"school": counterpart(request, reader.school_id),
              "dimension": dimension_title(request.round, request.dimension, language)}
    requester = reader.school_id == request.from_school_id
    if kind == "request.received":
        return _("New benchlearning request from %(school)s about “%(dimension)s”.", **values)
    if kind == "request.accepted":
        return _("Your benchlearning request about “%(dimension)s” was accepted by %(school)s.", **values)
    if kind == "request.declined":
        return _("Your benchlearning request about “%(dimension)s” was declined by %(school)s.", **values)
    if kind == "request.withdrawn":
        return _("The benchlearning request from %(school)s about “%(dimension)s” was withdrawn.", **values)
    if kind == "request.meeting":
        return _("A visit or meeting with %(school)s about “%(dimension)s” is planned for %(date)s: %(kind)s.",
                 date=format_date(request.meeting_on, "long") if request.meeting_on else "–",
                 kind=meeting_label(request.meeting_kind, requester), **values)
    if kind == "request.completed":
        return _("The benchlearning request with %(school)s about “%(dimension)s” was marked as completed.",
                 **values)
    if kind == "request.note":
        return _("%(school)s added a note to the benchlearning request about “%(dimension)s”.", **values)
    if kind == "request.reveal_offered":
        return _("The partner school in the benchlearning request about “%(dimension)s” agreed to show its name. "
                 "The names are shown once your school agrees too.", **values)
    if kind == "request.revealed":
        return _("Both schools agreed to show their names: the benchlearning request about “%(dimension)s” is "
                 "with %(school)s.", **values)
    return _("A benchlearning request about “%(dimension)s” changed.", **values)


def text_of(notification: Notification, reader: User, language: str | None = None) -> str:
    """The notification's sentence in `language` (default: the current one)."""
    language = language or str(get_locale() or "da")
    if notification.kind.startswith("request."):
        request = db.session.get(BenchlearningRequest, notification.params.get("request"))
        if request is None or reader.school_id not in (request.from_school_id, request.to_school_id):
            return _("A benchlearning request that no longer exists.")
        return _request_text(notification.kind, request, reader, language)
    return notification.kind


def shown(notification: Notification, reader: User) -> Shown:
    return Shown(notification.id, text_of(notification, reader), notification.link, notification.created_at,
                 notification.read_at is None)


def mail_language(user: User) -> str:
    """The user's chosen language, else their school's (its reports' language), else Danish."""
    if user.locale:
        return user.locale
    return user.school.report_language if user.school is not None else "da"


def mail_of(notification: Notification, user: User) -> tuple[str, str]:
    """Subject and body of the e-mail for `notification`, in the user's language."""
    language = mail_language(user)
    url = current_app.config["PUBLIC_URL"].rstrip("/") + notification.link
    with force_locale(language):
        text = text_of(notification, user, language)
        subject = _("Benchlearn: %(text)s", text=text)
        if len(subject) > 150:
            subject = subject[:149] + "…"
        body = "\n\n".join([
            _("Hello,"),
            text,
            _("Read more and answer in Benchlearn:"),
            url,
            _("You receive this e-mail as staff of %(school)s in %(network)s.",
              school=user.school.name if user.school else "", network=user.network.name),
        ])
    return subject, body + "\n"

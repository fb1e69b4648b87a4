"""The records of processing (GDPR art. 30) of a network, drawn from its settings at the moment they are read:
the retention limits from its schedule, who reads comments and plans from its network settings, hosting from the
deployment's `HOSTING_LOCATION`. The wording is in the templates (da/sv/en); this module only gathers the facts,
so the HTML page and the PDF say the same."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app, render_template
from flask_babel import force_locale

from survey.network.models import Network
from survey.privacy.models import RetentionSchedule, schedule_of

RECORD_LANGUAGES = ("da", "sv", "en")


@dataclass(frozen=True)
class Records:
    network: str
    contact_email: str | None
    hosting: str
    k_min: int
    share_school_names: bool
    admins_read_comments: bool
    admins_read_plans: bool
    schedule: RetentionSchedule
    as_of: date


def records_of(network: Network, today: date | None = None) -> Records:
    schedule = schedule_of(network)
    return Records(network=network.name, contact_email=schedule.contact_email,
                   hosting=current_app.config["HOSTING_LOCATION"], k_min=network.k_min,
                   share_school_names=network.share_school_names, admins_read_comments=network.admins_read_comments,
                   admins_read_plans=network.admins_read_plans,
                   schedule=schedule, as_of=today or date.today())


def records_html(records: Records, language: str) -> str:
    """The standalone document (its style inline, nothing fetched) in `language`, for the PDF and the download."""
    with force_locale(language):
        return render_template("privacy/records_document.html", records=records, language=language)


def records_pdf(records: Records, language: str) -> bytes:
    from survey.reporting.pdf import html_to_pdf  # WeasyPrint with the fetcher that refuses outside URLs

    return html_to_pdf(records_html(records, language))

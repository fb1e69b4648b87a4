"""The pages both audiences read the same way: a card, its history, an attachment's download. The views have
loaded the card through `access.card_for` before they get here."""
from __future__ import annotations

from flask import abort, render_template, send_file
from flask_babel import gettext as _
from flask_login import current_user

from survey.accounts.models import Role
from survey.audit import record
from survey.learning.evidence import card_evidence
from survey.practices.attachments import path_of
from survey.practices.display import TagLabels, action_labels, field_labels, page_helpers, school_label
from survey.practices.forms import ActionForm
from survey.practices.models import PracticeAttachment, PracticeCard
from survey.practices.operations import ADMIN_ACTIONS, revisions_with_changes
from survey.practices.tags import CARD_LANGUAGES


def card_page(card: PracticeCard, *, audience: str):
    return render_template("practices/card.html", card=card, audience=audience,
                           tags=TagLabels.of(card.network).of_card(card), school=school_label(current_user, card),
                           language_name=CARD_LANGUAGES.get(card.language), action_form=ActionForm(),
                           card_evidence=card_evidence(card), **page_helpers(current_user))


def history_page(card: PracticeCard, *, audience: str):
    """Who changed what when. Staff of other schools read "the card's school" and "the network's admins"
    instead of e-mail addresses, which would name the school where the network does not share names."""
    sees_people = current_user.role == Role.NETWORK_ADMIN or current_user.school_id == card.school_id
    rows = [(revision, changed, revision.saved_by if sees_people else
             (_("the network's admins") if revision.action in ADMIN_ACTIONS else _("the card's school")))
            for revision, changed in revisions_with_changes(card)]
    return render_template("practices/history.html", card=card, audience=audience, revisions=rows,
                           fields=field_labels(), actions=action_labels(), **page_helpers(current_user))


def attachment_download(attachment: PracticeAttachment):
    """The file, as a download (never shown in the browser, never sniffed as another type); recorded in the
    audit log."""
    path = path_of(attachment)
    if not path.is_file():
        abort(404)
    record(current_user, "attachment.download", f"practice card {attachment.card_id}: {attachment.filename}"[:300],
           {"card_id": attachment.card_id, "attachment_id": attachment.id})
    response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response

"""The practice library for a network's admins: the network's published cards (drafts are the schools'), each
card's page and history, and featuring a card so that it comes first in every school's library."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey.extensions import db
from survey.portal import admin_blueprint, refuse
from survey.practices.access import card_for
from survey.practices.display import TagLabels, library_search, page_helpers
from survey.practices.forms import ActionForm
from survey.practices.models import PracticeAttachment
from survey.practices.operations import CardError, set_featured
from survey.practices.pages import attachment_download, card_page, history_page

bp = admin_blueprint("practices_admin", __name__)


@bp.url_value_preprocessor
def load_card(_endpoint: str | None, values: dict | None) -> None:
    """A published card of the admin's network (and one of its attachments), else 404."""
    if not values or "card_id" not in values:
        return
    g.card = card_for(current_user, values.pop("card_id"))
    if "attachment_id" in values:
        g.attachment = db.session.get(PracticeAttachment, values.pop("attachment_id"))
        if g.attachment is None or g.attachment.card_id != g.card.id:
            abort(404)


@bp.get("/practices")
def library():
    form, page, page_number = library_search(current_user)
    return render_template("practices/library.html", form=form, page=page, page_number=page_number,
                           labels=TagLabels.of(current_user.network), audience="admin",
                           **page_helpers(current_user))


@bp.get("/practices/<int:card_id>")
def show_card():
    return card_page(g.card, audience="admin")


@bp.get("/practices/<int:card_id>/history")
def card_history():
    return history_page(g.card, audience="admin")


@bp.get("/practices/<int:card_id>/attachments/<int:attachment_id>")
def download_attachment():
    return attachment_download(g.attachment)


def _feature(featured: bool, success: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        set_featured(current_user, g.card, featured)
    except CardError as error:
        refuse(str(error))
    else:
        flash(success, "success")
    return redirect(url_for(".show_card", card_id=g.card.id))


@bp.post("/practices/<int:card_id>/feature")
def feature_card():
    return _feature(True, _("The card is featured: it comes first in every school's library."))


@bp.post("/practices/<int:card_id>/unfeature")
def unfeature_card():
    return _feature(False, _("The card is no longer featured."))

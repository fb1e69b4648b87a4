"""The practice library for a school's staff: find the network's cards, write and publish their school's own,
attach files, read a card's history. Every card is loaded once, through `access.card_for`: another school's
draft, another network's card, or (for a change) another school's card answers 404."""
from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from survey.extensions import db
from survey.network.school_types import school_types
from survey.portal import refuse, staff_blueprint
from survey.practices import attachments
from survey.practices.access import card_for
from survey.practices.attachments import AttachmentError
from survey.practices.display import TagLabels, library_search, page_helpers, reader_language
from survey.practices.forms import ActionForm, AttachmentForm, CardForm
from survey.practices.models import PracticeAttachment
from survey.practices.operations import (CardError, content_of, create_card, delete_card, publish, unpublish,
                                         update_card)
from survey.practices.pages import attachment_download, card_page, history_page
from survey.practices.tags import dimension_titles, item_texts, labelled, program_codes

bp = staff_blueprint("practices_staff", __name__)

CHANGES = frozenset({"edit_card", "publish_card", "unpublish_card", "delete_card", "upload_attachment",
                     "delete_attachment"})
"""The endpoints that change a card: only its own school reaches them."""
UPLOAD_SLACK = 64 * 1024  # the form's other fields and the multipart framing around the file


@bp.url_value_preprocessor
def load_card(endpoint: str | None, values: dict | None) -> None:
    """The card (and attachment) of the URL, if the user may read it (or, to change it, edit it); else 404.
    The upload takes a body as large as an attachment may be, beyond the portal's usual upload limit."""
    if endpoint and endpoint.endswith(".upload_attachment"):
        request.max_content_length = current_app.config["ATTACHMENT_MAX_BYTES"] + UPLOAD_SLACK
    if not values or "card_id" not in values:
        return
    g.card = card_for(current_user, values.pop("card_id"), edit=endpoint.rsplit(".", 1)[-1] in CHANGES)
    if "attachment_id" in values:
        g.attachment = db.session.get(PracticeAttachment, values.pop("attachment_id"))
        if g.attachment is None or g.attachment.card_id != g.card.id:
            abort(404)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    """An upload larger than any attachment may be: said on the card's edit page, where everything else is as
    it was."""
    refuse(attachments.too_large_message())
    card = g.get("card")
    return redirect(url_for(".edit_card", card_id=card.id) if card else url_for(".library"))


def _card_form(school, formdata=None) -> CardForm:
    language = reader_language()
    form = CardForm(formdata=formdata) if formdata is not None else CardForm()
    return form.for_choices(dimensions=labelled(dimension_titles(school.network_id), language),
                            items=labelled(item_texts(school.network_id), language),
                            programs=program_codes(school), school_types=school_types(school.network))


@bp.get("/practices")
def library():
    form, page, page_number = library_search(current_user)
    return render_template("practices/library.html", form=form, page=page, page_number=page_number,
                           labels=TagLabels.of(current_user.network), audience="staff",
                           **page_helpers(current_user))


@bp.route("/practices/new", methods=["GET", "POST"])
def new_card():
    form = _card_form(current_user.school)
    if request.method == "GET":
        form.contact_email.data = current_user.email
        form.language.data = reader_language() if reader_language() in ("da", "sv", "en") else "da"
    if form.validate_on_submit():
        try:
            card = create_card(current_user, form.content())
        except CardError as error:
            form.title.errors = [*form.title.errors, str(error)]
        else:
            flash(_("The card is saved as a draft: only your school sees it until you publish it."), "success")
            return redirect(url_for(".edit_card", card_id=card.id))
    return render_template("practices/form.html", form=form, card=None), (422 if form.errors else 200)


@bp.get("/practices/<int:card_id>")
def show_card():
    return card_page(g.card, audience="staff")


@bp.get("/practices/<int:card_id>/history")
def card_history():
    return history_page(g.card, audience="staff")


@bp.route("/practices/<int:card_id>/edit", methods=["GET", "POST"])
def edit_card():
    card = g.card
    form = _card_form(card.school)
    if request.method == "GET":
        form.fill_from(content_of(card))
    if form.validate_on_submit():
        try:
            update_card(current_user, card, form.content())
        except CardError as error:
            form.title.errors = [*form.title.errors, str(error)]
        else:
            flash(_("Card saved."), "success")
            return redirect(url_for(".show_card", card_id=card.id))
    return render_template("practices/form.html", form=form, card=card, attachment_form=AttachmentForm(),
                           action_form=ActionForm(), max_size=attachments.megabytes(attachments.max_bytes()),
                           accepted=attachments.ACCEPTED), (422 if form.errors else 200)


def _act(operation, success: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        operation(current_user, g.card)
    except CardError as error:
        refuse(str(error))
    else:
        flash(success, "success")
    return redirect(url_for(".show_card", card_id=g.card.id))


@bp.post("/practices/<int:card_id>/publish")
def publish_card():
    return _act(publish, _("The card is published: every school of the network can read it."))


@bp.post("/practices/<int:card_id>/unpublish")
def unpublish_card():
    return _act(unpublish, _("The card is a draft again: only your school sees it."))


@bp.post("/practices/<int:card_id>/delete", endpoint="delete_card")
def delete_draft():
    if not ActionForm().validate_on_submit():
        abort(400)
    if delete_card(current_user, g.card):
        flash(_("The draft is deleted."), "success")
        return redirect(url_for(".library"))
    flash(_("A published card is not deleted: it is a draft again, which only your school sees."), "success")
    return redirect(url_for(".show_card", card_id=g.card.id))


@bp.post("/practices/<int:card_id>/attachments")
def upload_attachment():
    form = AttachmentForm()
    if not form.validate_on_submit():
        refuse(" ".join(error for errors in form.errors.values() for error in errors))
    else:
        upload = form.file.data
        try:
            attachments.add_attachment(current_user, g.card, upload.filename or "", upload.read())
        except AttachmentError as error:
            refuse(str(error))
        else:
            flash(_("File attached."), "success")
    return redirect(url_for(".edit_card", card_id=g.card.id))


@bp.get("/practices/<int:card_id>/attachments/<int:attachment_id>")
def download_attachment():
    return attachment_download(g.attachment)


@bp.post("/practices/<int:card_id>/attachments/<int:attachment_id>/delete")
def delete_attachment():
    if not ActionForm().validate_on_submit():
        abort(400)
    attachments.remove_attachment(current_user, g.attachment)
    flash(_("Attachment removed."), "success")
    return redirect(url_for(".edit_card", card_id=g.card.id))

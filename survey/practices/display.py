"""What both audiences' pages show of cards: tag labels in the reader's language, which school a card is
from (its name only where the network shares names), the library's filter choices and search."""
from __future__ import annotations

from dataclasses import dataclass

from flask import request
from flask_babel import format_date, format_datetime, get_locale, gettext as _
from sqlalchemy import select

from survey.accounts.models import Role, User
from survey.extensions import db
from survey.network.models import Program, School
from survey.network.school_types import school_types
from survey.portal.language import DEFAULT_PORTAL_LANGUAGE
from survey.practices.attachments import megabytes
from survey.practices.forms import LibraryFilterForm
from survey.practices.models import PracticeCard, TagKind
from survey.practices.search import CardFilters, CardPage, search_cards
from survey.practices.tags import CARD_LANGUAGES, PARTICIPANT_LABELS, dimension_titles, item_texts, labelled

PAGE_SIZE = 20


def reader_language() -> str:
    return str(get_locale() or DEFAULT_PORTAL_LANGUAGE)


@dataclass
class TagLabels:
    """Every tag of the network with its label in the reader's language."""

    dimensions: dict[str, str]
    items: dict[str, str]
    school_types: dict[str, str]

    @classmethod
    def of(cls, network) -> TagLabels:
        language = reader_language()
        return cls(dimensions=dict(labelled(dimension_titles(network.id), language)),
                   items=dict(labelled(item_texts(network.id), language)),
                   school_types=dict(school_types(network)))

    def of_card(self, card: PracticeCard) -> dict[str, list[str]]:
        """The card's tags as the reader reads them, by kind."""
        programs = {program.code: program.name for program in card.school.programs}
        return {
            "dimensions": [self.dimensions.get(v, v) for v in card.tag_values(TagKind.DIMENSION)],
            "items": [self.items.get(v, v) for v in card.tag_values(TagKind.ITEM)],
            "programs": [programs.get(v, v) for v in card.tag_values(TagKind.PROGRAM)],
            "school_types": [self.school_types.get(v, v) for v in card.tag_values(TagKind.SCHOOL_TYPE)],
            "participants": [str(label) for key, label in PARTICIPANT_LABELS.items()
                             if key in card.tag_values(TagKind.PARTICIPANT)],
        }


def school_label(user: User, card: PracticeCard) -> str:
    """Whom the card is from, as the reader may know it: the school's name for its own staff, for the
    network's admins and where the network shares names; else "a school in the network"."""
    if (card.school_id == user.school_id or user.role == Role.NETWORK_ADMIN
            or card.network.share_school_names):
        return card.school.name
    return _("a school in the network")


def field_labels() -> dict[str, str]:
    """The names of a card's fields and tag lists, as the history page names what changed."""
    return {
        "title": _("Title"), "summary": _("Summary"), "what": _("What you do"), "why": _("Why you do it"),
        "participants_note": _("Who takes part, in your words"), "contact_name": _("Contact name"),
        "contact_role": _("Contact role"), "contact_email": _("Contact e-mail"),
        "language": _("Language of the card"), "started_on": _("Since when"),
        "dimensions": _("Dimensions it addresses"), "items": _("Questions it addresses"),
        "programs": _("Programs where it runs"), "school_types": _("School types where it runs"),
        "participants": _("Who takes part"), "status": _("Published"), "featured": _("Featured"),
    }


def action_labels() -> dict[str, str]:
    return {"create": _("created"), "edit": _("edited"), "publish": _("published"), "unpublish": _("unpublished"),
            "feature": _("featured"), "unfeature": _("no longer featured")}


def network_programs(network_id: int) -> list[tuple[str, str]]:
    """(code, "code – name") of every program code in the network, one per code."""
    rows = db.session.execute(
        select(Program.code, Program.name).join(School).where(School.network_id == network_id)
        .order_by(Program.code, Program.name)
    ).all()
    return list({code: (code, f"{code} – {name}") for code, name in rows}.values())


def library_search(user: User) -> tuple[LibraryFilterForm, CardPage, int]:
    """The library's filter form read from the query string, the page of cards it finds, and the page number."""
    network = user.network
    language = reader_language()
    form = LibraryFilterForm(request.args).for_choices(
        dimensions=labelled(dimension_titles(network.id), language),
        items=labelled(item_texts(network.id), language),
        school_types=school_types(network), programs=network_programs(network.id))
    form.validate()
    page_number = max(request.args.get("page", 1, type=int) or 1, 1)
    filters = CardFilters(
        text=(form.q.data or "")[:200] or None, dimension=form.dimension.data or None, item=form.item.data or None,
        school_type=form.school_type.data or None, program=form.program.data or None,
        language=form.language.data if form.language.data in CARD_LANGUAGES else None,
        featured=True if form.featured.data else None,
        school_id=user.school_id if form.own.data and user.school_id else None)
    return form, search_cards(user, filters, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE), page_number


def page_helpers(user: User) -> dict:
    """What the library's templates call: whom a card is from, and dates in the reader's language."""
    return {
        "school_of": lambda card: school_label(user, card),
        "month_year": lambda day: format_date(day, "MMMM y") if day else "",
        "day": lambda moment: format_date(moment, "medium") if moment else "",
        "moment": lambda moment: format_datetime(moment, "medium") if moment else "",
        "size_of": megabytes,
        "page_size": PAGE_SIZE,
    }

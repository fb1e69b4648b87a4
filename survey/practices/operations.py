"""Writing practice cards: create, edit, publish, unpublish, feature, delete. They flush, never commit.

Every write adds a revision holding the card's fields and tags as they are after it, so the history page can
say who changed which field when. Who may write is checked here too (`access.may_edit`), not only in the views:
the API and the command line call the same functions.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date

from flask_babel import gettext as _
from survey.accounts.models import Role, User
from survey.extensions import db
from survey.network.school_types import school_types
from survey.practices.access import may_edit
from survey.practices.attachments import forget_files
from survey.practices.models import (PARTICIPANTS, CardStatus, PracticeCard, PracticeRevision, PracticeTag, TagKind,
                                     utc_now)
from survey.practices.tags import CARD_LANGUAGES, dimension_titles, item_texts


ADMIN_ACTIONS = ("feature", "unfeature")
"""The revisions a network admin makes; every other one is the card's school's."""


class CardError(ValueError):
    """A write was refused; the message says why, in the reader's language."""


@dataclass
class CardContent:
    """What the card's school writes: its fields and its tags (values as stored, see TagKind)."""

    title: str
    summary: str = ""
    what: str = ""
    why: str = ""
    participants_note: str = ""
    started_on: date | None = None
    contact_name: str = ""
    contact_role: str = ""
    contact_email: str = ""
    language: str = "da"
    dimensions: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    school_types: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)


TEXT_FIELDS = ("title", "summary", "what", "why", "participants_note", "contact_name", "contact_role",
               "contact_email", "language")
TAG_FIELDS = {"dimensions": TagKind.DIMENSION, "items": TagKind.ITEM, "programs": TagKind.PROGRAM,
              "school_types": TagKind.SCHOOL_TYPE, "participants": TagKind.PARTICIPANT}
assert {f.name for f in fields(CardContent)} == {*TEXT_FIELDS, "started_on", *TAG_FIELDS}


def content_of(card: PracticeCard) -> CardContent:
    """The card as its form shows it."""
    return CardContent(**{name: getattr(card, name) for name in TEXT_FIELDS}, started_on=card.started_on,
                       **{name: card.tag_values(kind) for name, kind in TAG_FIELDS.items()})


def snapshot(card: PracticeCard) -> dict:
    """The card's fields, tags and state as a revision keeps them (JSON)."""
    content = {name: getattr(card, name) for name in TEXT_FIELDS}
    content["started_on"] = card.started_on.isoformat() if card.started_on else None
    content.update({name: sorted(card.tag_values(kind)) for name, kind in TAG_FIELDS.items()})
    content.update(status=card.status, featured=card.featured)
    return content


def changed_fields(before: dict | None, after: dict) -> list[str]:
    """The names of the fields (and tag lists, status, featured) a revision changed against the one before."""
    if before is None:
        return []
    return [name for name in after if before.get(name) != after[name]]


def _allowed_tags(card_school, network) -> dict[str, set[str]]:
    return {
        "dimensions": set(dimension_titles(network.id)),
        "items": set(item_texts(network.id)),
        "programs": {program.code for program in card_school.programs},
        "school_types": {code for code, _name in school_types(network)},
        "participants": set(PARTICIPANTS),
    }


def _check(content: CardContent, school) -> None:
    if not content.title.strip():
        raise CardError(_("A card needs a title."))
    if content.language not in CARD_LANGUAGES:
        raise CardError(_("Unknown language %(language)s.", language=content.language))
    allowed = _allowed_tags(school, school.network)
    for name in TAG_FIELDS:
        unknown = sorted(set(getattr(content, name)) - allowed[name])
        if unknown:
            raise CardError(_("Unknown tags: %(tags)s.", tags=", ".join(unknown)))


def _write(card: PracticeCard, content: CardContent) -> None:
    for name in TEXT_FIELDS:
        setattr(card, name, getattr(content, name).strip())
    card.started_on = content.started_on.replace(day=1) if content.started_on else None
    wanted = {(kind.value, value) for name, kind in TAG_FIELDS.items() for value in set(getattr(content, name))}
    card.tags = [tag for tag in card.tags if (tag.kind, tag.value) in wanted]
    present = {(tag.kind, tag.value) for tag in card.tags}
    card.tags.extend(PracticeTag(kind=kind, value=value) for kind, value in sorted(wanted - present))


def _revise(card: PracticeCard, user: User | None, action: str) -> PracticeRevision:
    db.session.flush()  # tags written, so that the snapshot sees them
    number = len(card.revisions) + 1
    revision = PracticeRevision(number=number, saved_by_id=user.id if user else None,
                                saved_by=user.email if user else "", action=action, content=snapshot(card),
                                saved_at=utc_now())
    card.revisions.append(revision)
    db.session.flush()
    return revision


def _require_editor(user: User, card: PracticeCard) -> None:
    if not may_edit(user, card):
        raise CardError(_("Only the card's own school may change it."))


def create_card(user: User, content: CardContent) -> PracticeCard:
    """A new draft of the user's school (revision 1, "create")."""
    if user.role != Role.SCHOOL_STAFF or user.school is None:
        raise CardError(_("Only a school's staff write practice cards."))
    _check(content, user.school)
    now = utc_now()
    card = PracticeCard(network_id=user.network_id, school_id=user.school_id, created_at=now, updated_at=now,
                        created_by_id=user.id, updated_by_id=user.id, status=CardStatus.DRAFT.value,
                        featured=False, title=content.title.strip())
    db.session.add(card)
    _write(card, content)
    _revise(card, user, "create")
    return card


def update_card(user: User, card: PracticeCard, content: CardContent) -> PracticeCard:
    """Save the card's new content (a revision "edit"); a published card stays published."""
    _require_editor(user, card)
    _check(content, card.school)
    _write(card, content)
    card.updated_at, card.updated_by_id = utc_now(), user.id
    _revise(card, user, "edit")
    return card


def publish(user: User, card: PracticeCard) -> None:
    """Show the card, its contact and the school's measured indices on its dimensions to the whole network."""
    _require_editor(user, card)
    if card.status == CardStatus.PUBLISHED.value:
        raise CardError(_("The card is already published."))
    card.status = CardStatus.PUBLISHED.value
    card.published_at = card.updated_at = utc_now()
    card.updated_by_id = user.id
    _revise(card, user, "publish")


def unpublish(user: User, card: PracticeCard) -> None:
    """Take the card back to a draft only its school sees (it is no longer featured)."""
    _require_editor(user, card)
    if card.status != CardStatus.PUBLISHED.value:
        raise CardError(_("The card is not published."))
    card.status, card.featured = CardStatus.DRAFT.value, False
    card.updated_at, card.updated_by_id = utc_now(), user.id
    _revise(card, user, "unpublish")


def set_featured(admin: User, card: PracticeCard, featured: bool) -> None:
    """A network admin features a published card of the network (or stops featuring it)."""
    if admin.role != Role.NETWORK_ADMIN or admin.network_id != card.network_id:
        raise CardError(_("Only the network's admins feature cards."))
    if featured and card.status != CardStatus.PUBLISHED.value:
        raise CardError(_("Only a published card can be featured."))
    if card.featured == featured:
        return
    card.featured = featured
    _revise(card, admin, "feature" if featured else "unfeature")


def delete_card(user: User, card: PracticeCard) -> bool:
    """Delete a draft (with its attachments' files, once the deletion is committed). A published card is
    unpublished instead, so that what the network read is not lost without a trace: True when deleted."""
    _require_editor(user, card)
    if card.status == CardStatus.PUBLISHED.value:
        unpublish(user, card)
        return False
    forget_files(card.attachments)
    db.session.delete(card)
    db.session.flush()
    return True


def revisions_with_changes(card: PracticeCard) -> list[tuple[PracticeRevision, list[str]]]:
    """The card's revisions, newest first, each with the fields it changed."""
    before = None
    rows = []
    for revision in card.revisions:
        rows.append((revision, changed_fields(before, revision.content)))
        before = revision.content
    return rows[::-1]

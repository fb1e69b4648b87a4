"""Finding practice cards: the library's search box and filters, the API's card list and "Learn from" ask here.

Every search starts from `access.cards_visible_to(user)`, so nothing a user may not read is ever counted or
listed. Filters are EXISTS on `practice_tag` (one indexed lookup per filter on both databases). Featured cards
come first, then the best matches when there is text to match, else the most recently updated.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, func, or_

from survey.accounts.models import User
from survey.extensions import db
from survey.practices.access import cards_visible_to
from survey.practices.models import PracticeCard, PracticeTag, TagKind


@dataclass(frozen=True)
class CardFilters:
    """What the reader asks for; None (or "") leaves a filter out. `dimension`: "<family key>/<dimension key>",
    `item`: an item's lineage, `school_type`: a type code, `program`: a program code, `language`: ISO 639-1,
    `featured`: True for featured cards only, `school_id`: one school's cards."""

    text: str | None = None
    dimension: str | None = None
    item: str | None = None
    school_type: str | None = None
    program: str | None = None
    language: str | None = None
    featured: bool | None = None
    school_id: int | None = None


@dataclass(frozen=True)
class CardPage:
    """One page of results and how many cards match in all."""

    cards: list[PracticeCard]
    total: int


def _has_tag(kind: TagKind, value: str):
    return exists().where(PracticeTag.card_id == PracticeCard.id, PracticeTag.kind == kind.value,
                          PracticeTag.value == value)


def search_cards(user: User, filters: CardFilters, *, limit: int = 20, offset: int = 0) -> CardPage:
    """The cards `user` may read that match `filters`, featured first, then by relevance or recency."""
    query = cards_visible_to(user)
    for kind, value in ((TagKind.DIMENSION, filters.dimension), (TagKind.ITEM, filters.item),
                        (TagKind.SCHOOL_TYPE, filters.school_type), (TagKind.PROGRAM, filters.program)):
        if value:
            query = query.where(_has_tag(kind, value))
    if filters.language:
        query = query.where(PracticeCard.language == filters.language)
    if filters.featured:
        query = query.where(PracticeCard.featured.is_(True))
    if filters.school_id is not None:
        query = query.where(PracticeCard.school_id == filters.school_id)
    text = (filters.text or "").strip()
    if text:
        query = query.where(or_(*(func.lower(column).contains(text.lower(), autoescape=True)
                                  for column in (PracticeCard.title, PracticeCard.summary, PracticeCard.what,
                                                 PracticeCard.why, PracticeCard.participants_note))))
    total = db.session.scalar(query.with_only_columns(func.count(PracticeCard.id)).order_by(None))
    cards = db.session.scalars(
        query.order_by(PracticeCard.featured.desc(), PracticeCard.updated_at.desc(), PracticeCard.id.desc())
        .limit(limit).offset(offset)
    ).all()
    return CardPage(cards=list(cards), total=total or 0)

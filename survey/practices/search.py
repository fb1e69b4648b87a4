"""Finding practice cards: the library's search box and filters, the API's card list and "Learn from" ask here.

Every search starts from `access.cards_visible_to(user)`, so nothing a user may not read is ever counted or
listed. Filters are EXISTS on `practice_tag` (one indexed lookup per filter on both databases). Featured cards
come first, then the best matches when there is text to match, else the most recently updated.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Select, column, exists, func, literal_column, table
from sqlalchemy.dialects.postgresql import TSVECTOR

from survey.accounts.models import User
from survey.extensions import db
from survey.practices.access import cards_visible_to
from survey.practices.fulltext import FTS_TABLE, VECTOR_COLUMN
from survey.practices.models import PracticeCard, PracticeTag, TagKind


WORD = re.compile(r"\w+")


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


def words_of(text: str | None) -> list[str]:
    """The words of a search text: what SQLite's tokenizer would find in it (letters and digits)."""
    return WORD.findall(text or "")


def fts5_query(text: str) -> str:
    """An FTS5 MATCH expression finding cards holding every word of `text`, each as a prefix (SQLite has no
    Danish or Swedish stemmer: "elev" finds "eleverne"). Each word is quoted, so nothing a user types (quotes,
    AND/OR/NOT/NEAR, column filters, "*", "^") is read as query syntax."""
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words_of(text))


def _matching(query: Select, text: str) -> tuple[Select, list]:
    """`query` narrowed to the cards matching `text`, and the ORDER BY terms ranking them best first."""
    if db.session.get_bind().dialect.name == "postgresql":
        vector = literal_column(f"practice_card.{VECTOR_COLUMN}", type_=TSVECTOR)
        # The card's words are stemmed in its own language; the search text in each language of the library,
        # so that "eleverne" finds a Danish card and "eleverna" a Swedish one. websearch_to_tsquery takes any
        # input ("quoted phrases", or, -word) and never fails on syntax.
        wanted = None
        for config in ("danish", "swedish", "english", "simple"):
            part = func.websearch_to_tsquery(literal_column(f"'{config}'::regconfig"), text)
            wanted = part if wanted is None else wanted.op("||")(part)
        return query.where(vector.op("@@")(wanted)), [func.ts_rank(vector, wanted).desc()]
    index = table(FTS_TABLE, column("rowid"))
    query = query.join(index, index.c.rowid == PracticeCard.id).where(
        literal_column(FTS_TABLE).op("MATCH")(fts5_query(text)))
    # bm25: lower is better; the title weighs most, then the summary (as the tsvector's weights A, B, C)
    return query, [func.bm25(literal_column(FTS_TABLE), 10.0, 4.0, 1.0, 1.0, 1.0).asc()]


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
    relevance = []
    if words_of(filters.text):
        query, relevance = _matching(query, filters.text)
    total = db.session.scalar(query.with_only_columns(func.count(PracticeCard.id)).order_by(None))
    cards = db.session.scalars(
        query.order_by(PracticeCard.featured.desc(), *relevance, PracticeCard.updated_at.desc(),
                       PracticeCard.id.desc())
        .limit(limit).offset(offset)
    ).all()
    return CardPage(cards=list(cards), total=total or 0)

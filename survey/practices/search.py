"""Finding practice cards: the library's search box and filters, the API's card list and "Learn from" ask here.

Every search starts from `access.cards_visible_to(user)`, so nothing a user may not read is ever counted or
listed. Filters are EXISTS on `practice_tag` (one indexed lookup per filter on both databases). Featured cards
come first, then the best matches when there is text to match, else the most recently updated.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Select, column, exists, func, literal_column, select, table
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


def _matching(query: Select, text: str) -> tuple[Select, Select, list]:
    """`query` narrowed to the cards matching `text` (to count them), the same joined to what ranks them (to
    list them), and the ORDER BY terms putting the best first."""
    if db.session.get_bind().dialect.name == "postgresql":
        vector = literal_column(f"practice_card.{VECTOR_COLUMN}", type_=TSVECTOR)
        # The card's words are stemmed in its own language; the search text in each language of the library,
        # so that "eleverne" finds a Danish card and "eleverna" a Swedish one. websearch_to_tsquery takes any
        # input ("quoted phrases", or, -word) and never fails on syntax.
        # A scalar subquery (an InitPlan), so that the query is parsed once per search, not once per card as in
        # a generic plan of a prepared statement.
        wanted = None
        for config in ("danish", "swedish", "english", "simple"):
            part = func.websearch_to_tsquery(literal_column(f"'{config}'::regconfig"), text)
            wanted = part if wanted is None else wanted.op("||")(part)
        wanted = select(wanted).scalar_subquery()
        matching = query.where(vector.op("@@")(wanted))
        return matching, matching, [func.ts_rank(vector, wanted).desc()]
    # SQLite: the index answers once, first. Left to itself, the planner may walk the cards and ask the index
    # once per card: thousands of full-text queries for one count. bm25: lower is better; the title weighs most,
    # then the summary (as the tsvector's weights A, B, C).
    index = table(FTS_TABLE, column("rowid"))
    match = literal_column(FTS_TABLE).op("MATCH")(fts5_query(text))
    ranks = (select(index.c.rowid.label("card_id"),
                    func.bm25(literal_column(FTS_TABLE), 10.0, 4.0, 1.0, 1.0, 1.0).label("rank"))
             .where(match).cte("matches").prefix_with("MATERIALIZED"))
    return (query.where(PracticeCard.id.in_(select(index.c.rowid).where(match))),
            query.join(ranks, ranks.c.card_id == PracticeCard.id), [ranks.c.rank.asc()])


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
    counted, listed, relevance = query, query, []
    if words_of(filters.text):
        counted, listed, relevance = _matching(query, filters.text)
    total = db.session.scalar(counted.with_only_columns(func.count(PracticeCard.id)).order_by(None))
    # The page's ids first, then their cards: the sort then carries ids and keys, not every card's text.
    ids = db.session.scalars(
        listed.with_only_columns(PracticeCard.id)
        .order_by(PracticeCard.featured.desc(), *relevance, PracticeCard.updated_at.desc(), PracticeCard.id.desc())
        .limit(limit).offset(offset)
    ).all()
    by_id = {card.id: card for card in db.session.scalars(select(PracticeCard).where(PracticeCard.id.in_(ids)))}
    return CardPage(cards=[by_id[card_id] for card_id in ids], total=total or 0)

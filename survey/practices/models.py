"""A practice card, what it addresses (tags), its edit history and its attachments.

A card belongs to its school; it is a draft until the school publishes it to the network, and an admin may
feature a published card. What a card addresses and where it runs (dimensions, items, programs, school types,
who takes part) are tags: one table, so that every filter of the library is the same indexed lookup on both
databases. Full-text search lives beside the table (survey/practices/search.py): a tsvector on PostgreSQL, an
FTS5 table on SQLite, both kept by the operations that write a card.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.network.models import Network, School


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class CardStatus(StrEnum):
    DRAFT = "draft"  # seen by its own school's staff only
    PUBLISHED = "published"  # seen by every school's staff and the admins of the network


class TagKind(StrEnum):
    """What a tag's `value` names."""

    DIMENSION = "dimension"  # "<family key>/<dimension key>": comparable across the family's versions
    ITEM = "item"  # an item's lineage (Item.lineage)
    PROGRAM = "program"  # a Program.code of the card's school
    SCHOOL_TYPE = "school_type"  # a school type code of the network (survey/network/school_types.py)
    PARTICIPANT = "participant"  # one of PARTICIPANTS


PARTICIPANTS = ("teachers", "students", "counsellors", "management", "companies", "parents", "other_staff")
CARD_STATUSES = tuple(status.value for status in CardStatus)
TAG_KINDS = tuple(kind.value for kind in TagKind)


class PracticeCard(db.Model):
    __tablename__ = "practice_card"
    __table_args__ = (
        CheckConstraint(f"status IN {CARD_STATUSES!r}", name="known_status"),
        CheckConstraint("length(title) > 0", name="title_not_empty"),
        CheckConstraint("featured = false OR status = 'published'", name="only_published_featured"),
        Index("ix_practice_card_network_status", "network_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="RESTRICT"))
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")  # one or two sentences for lists and reports
    what: Mapped[str] = mapped_column(Text, default="")  # what they do
    why: Mapped[str] = mapped_column(Text, default="")  # why they do it
    participants_note: Mapped[str] = mapped_column(String(500), default="")  # who takes part, beyond the tags
    started_on: Mapped[date | None]  # since when (the first of the month it began); evidence counts from it
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_role: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    language: Mapped[str] = mapped_column(String(2), default="da")  # ISO 639-1 of the card's text
    status: Mapped[str] = mapped_column(String(16), default=CardStatus.DRAFT.value)
    featured: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    network: Mapped[Network] = relationship()
    school: Mapped[School] = relationship()
    tags: Mapped[list[PracticeTag]] = relationship(back_populates="card", cascade="all, delete-orphan",
                                                   order_by="(PracticeTag.kind, PracticeTag.value)")
    revisions: Mapped[list[PracticeRevision]] = relationship(back_populates="card", cascade="all, delete-orphan",
                                                             order_by="PracticeRevision.number")
    attachments: Mapped[list[PracticeAttachment]] = relationship(back_populates="card", cascade="all, delete-orphan",
                                                                 order_by="PracticeAttachment.id")

    def tag_values(self, kind: TagKind | str) -> list[str]:
        return [tag.value for tag in self.tags if tag.kind == str(kind)]

    def __repr__(self) -> str:
        return f"<PracticeCard {self.id} {self.title!r} ({self.status})>"


class PracticeTag(db.Model):
    __tablename__ = "practice_tag"
    __table_args__ = (
        UniqueConstraint("card_id", "kind", "value"),
        CheckConstraint(f"kind IN {TAG_KINDS!r}", name="known_kind"),
        Index("ix_practice_tag_kind_value", "kind", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("practice_card.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(200))

    card: Mapped[PracticeCard] = relationship(back_populates="tags")


class PracticeRevision(db.Model):
    """One saved state of a card: every save (and publish, unpublish, feature) adds one, so the history shows
    who changed what and when. `content`: the card's fields and tags as they were after that save."""

    __tablename__ = "practice_revision"
    __table_args__ = (UniqueConstraint("card_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("practice_card.id", ondelete="CASCADE"))
    number: Mapped[int]  # 1, 2, ... per card
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    saved_by: Mapped[str] = mapped_column(String(254), default="")  # the e-mail, kept if the user goes
    action: Mapped[str] = mapped_column(String(16), default="edit")  # create, edit, publish, unpublish, feature, ...
    content: Mapped[dict] = mapped_column(JSON)

    card: Mapped[PracticeCard] = relationship(back_populates="revisions")


class PracticeAttachment(db.Model):
    """A file attached to a card, stored under the app's ATTACHMENT_DIR (outside the web root) by a random
    `stored_name`; downloaded only through a view that checks the reader may see the card."""

    __tablename__ = "practice_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("practice_card.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))  # as the uploader named it, made safe
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    card: Mapped[PracticeCard] = relationship(back_populates="attachments")

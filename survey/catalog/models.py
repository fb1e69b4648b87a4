"""The questionnaire catalog: families and their published, immutable versions.

Each network has its own catalog: a family belongs to one network, and so do its versions, so two networks may
publish the same file (or different content under the same version label) without touching each other.
A `QuestionnaireVersion` row exists only once published; its content and every dimension, item and question
under it can never change again (enforced here before each flush and by triggers in the database). The only
change a version knows is being withdrawn, and only while no round uses it.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, String, Text, UniqueConstraint, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from survey.catalog.rules import VERSION_LENGTH
from survey.extensions import db

if TYPE_CHECKING:
    from survey.network.models import Network

FAMILY_KEYS = ("student", "staff", "company")


class ImmutableVersionError(Exception):
    """A write tried to change or delete published questionnaire content."""


class QuestionnaireFamily(db.Model):
    """A network's family of questionnaire versions (student, staff or company)."""

    __tablename__ = "questionnaire_family"
    __table_args__ = (
        UniqueConstraint("network_id", "key"),
        CheckConstraint(f"key IN {FAMILY_KEYS!r}", name="known_family"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="RESTRICT"))
    key: Mapped[str] = mapped_column(String(20))

    network: Mapped[Network] = relationship()

    versions: Mapped[list[QuestionnaireVersion]] = relationship(
        back_populates="family", order_by="QuestionnaireVersion.published_at"
    )

    def __repr__(self) -> str:
        return f"<QuestionnaireFamily {self.key}>"


class QuestionnaireVersion(db.Model):
    __tablename__ = "questionnaire_version"
    __table_args__ = (
        UniqueConstraint("family_id", "version"),
        CheckConstraint("length(checksum) = 64", name="checksum_is_sha256"),
        CheckConstraint("scale_points BETWEEN 2 AND 11", name="scale_points_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_family.id", ondelete="RESTRICT"), index=True)
    version: Mapped[str] = mapped_column(String(VERSION_LENGTH))
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire_version.id", ondelete="RESTRICT"))
    title: Mapped[dict] = mapped_column(JSON)
    languages: Mapped[list] = mapped_column(JSON)
    scale_points: Mapped[int]  # the most points of any of its scales
    content: Mapped[str] = mapped_column(Text)  # canonical JSON of the definition; the checksum is over it
    source: Mapped[str] = mapped_column(Text)  # the YAML as published, for download and audit
    checksum: Mapped[str] = mapped_column(String(64))  # two networks may publish the same content
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str] = mapped_column(String(254))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    family: Mapped[QuestionnaireFamily] = relationship(back_populates="versions")
    previous: Mapped[QuestionnaireVersion | None] = relationship(remote_side=[id])
    dimensions: Mapped[list[Dimension]] = relationship(back_populates="version", order_by="Dimension.position")
    items: Mapped[list[Item]] = relationship(back_populates="version", order_by="Item.position")
    background_questions: Mapped[list[BackgroundQuestion]] = relationship(order_by="BackgroundQuestion.position")
    free_text_questions: Mapped[list[FreeTextQuestion]] = relationship(order_by="FreeTextQuestion.position")

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def network_id(self) -> int:
        return self.family.network_id

    @property
    def label(self) -> str:
        return f"{self.family.key} {self.version}"

    def __repr__(self) -> str:
        return f"<QuestionnaireVersion {self.family.key} {self.version} {self.checksum[:12]}>"


class Dimension(db.Model):
    __tablename__ = "dimension"
    __table_args__ = (UniqueConstraint("version_id", "key"), UniqueConstraint("version_id", "position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id", ondelete="RESTRICT"))
    key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int]
    title: Mapped[dict] = mapped_column(JSON)
    is_overall: Mapped[bool] = mapped_column(default=False)

    version: Mapped[QuestionnaireVersion] = relationship(back_populates="dimensions")
    items: Mapped[list[Item]] = relationship(back_populates="dimension", order_by="Item.position")

    def __repr__(self) -> str:
        return f"<Dimension {self.key}>"


class Item(db.Model):
    """A rating item. `key` is stable within a version; `lineage` is shared by the same item across versions."""

    __tablename__ = "item"
    __table_args__ = (UniqueConstraint("version_id", "key"), UniqueConstraint("version_id", "position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id", ondelete="RESTRICT"))
    dimension_id: Mapped[int] = mapped_column(ForeignKey("dimension.id", ondelete="RESTRICT"), index=True)
    key: Mapped[str] = mapped_column(String(128))
    position: Mapped[int]
    text: Mapped[dict] = mapped_column(JSON)
    reverse: Mapped[bool] = mapped_column(default=False)
    required: Mapped[bool] = mapped_column(default=True)
    lineage: Mapped[str] = mapped_column(String(200), index=True)

    version: Mapped[QuestionnaireVersion] = relationship(back_populates="items")
    dimension: Mapped[Dimension] = relationship(back_populates="items")

    def __repr__(self) -> str:
        return f"<Item {self.key} lineage={self.lineage}>"


class BackgroundQuestion(db.Model):
    __tablename__ = "background_question"
    __table_args__ = (
        UniqueConstraint("version_id", "key"),
        UniqueConstraint("version_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id", ondelete="RESTRICT"))
    key: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(16), default="single")  # single, multiple or numeric
    position: Mapped[int]
    text: Mapped[dict] = mapped_column(JSON)
    source: Mapped[str | None] = mapped_column(String(20))
    options: Mapped[list | None] = mapped_column(JSON(none_as_null=True))  # [{"key": ..., "label": {lang: text}}]
    required: Mapped[bool] = mapped_column(default=False)


class FreeTextQuestion(db.Model):
    __tablename__ = "free_text_question"
    __table_args__ = (UniqueConstraint("version_id", "key"), UniqueConstraint("version_id", "position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id", ondelete="RESTRICT"))
    key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int]
    text: Mapped[dict] = mapped_column(JSON)


IMMUTABLE_MODELS = (QuestionnaireVersion, Dimension, Item, BackgroundQuestion, FreeTextQuestion)
MUTABLE_COLUMNS = {QuestionnaireVersion: {"withdrawn_at"}}


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_published_content(session: Session, _context, _instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, IMMUTABLE_MODELS):
            raise ImmutableVersionError(f"{obj!r} belongs to a published questionnaire version and cannot be deleted")
    for obj in session.dirty:
        if not isinstance(obj, IMMUTABLE_MODELS) or not session.is_modified(obj, include_collections=False):
            continue
        allowed = MUTABLE_COLUMNS.get(type(obj), set())
        state = db.inspect(obj)
        changed = {attr.key for attr in state.attrs if attr.history.has_changes()} - allowed
        changed = {key for key in changed if key in state.mapper.columns}
        if changed:
            raise ImmutableVersionError(
                f"{obj!r} belongs to a published questionnaire version: {', '.join(sorted(changed))} cannot change"
            )


def family_by_key(network_id: int, key: str):
    return select(QuestionnaireFamily).where(QuestionnaireFamily.network_id == network_id, QuestionnaireFamily.key == key)


def versions_of_network(network_id: int):
    """Every version of the network's catalog, as a statement to refine (order, filters)."""
    return select(QuestionnaireVersion).join(QuestionnaireFamily).where(QuestionnaireFamily.network_id == network_id)


def version_by_label(network_id: int, family_key: str, version: str):
    return versions_of_network(network_id).where(
        QuestionnaireFamily.key == family_key, QuestionnaireVersion.version == version
    )


def latest_version(network_id: int, family_key: str):
    """The network's most recently published version of a family that is not withdrawn."""
    return (
        versions_of_network(network_id)
        .where(QuestionnaireFamily.key == family_key, QuestionnaireVersion.withdrawn_at.is_(None))
        .order_by(QuestionnaireVersion.published_at.desc(), QuestionnaireVersion.id.desc())
        .limit(1)
    )

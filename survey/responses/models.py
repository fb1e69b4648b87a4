"""Submitted responses and the drafts that become them.

A `Response` keeps no token, IP address or exact time: only its round, school, program, questionnaire
version, language and the date. Answers are packed for analysis: `answers` holds one byte per rating item in
the version's `rating_items()` order (0 = not answered, 1..k = the answer code as given, before any reverse
flip, 255 - j = the scale's j-th non-substantive option, 255 the first, as format 1's "don't know";
240 = not asked: the respondent's route did not show it), so a round's answers load as one numpy matrix.
`background` holds each single, multiple and numeric question's bytes in `background_questions()` order, as
its type encodes them (survey/questions/, "storage" sections; MODEL2): single 1 byte (0, i = the i-th option,
240), multiple a status byte and a bit per option, numeric a status byte and a float64. A question with
`source: program` is answered by `program_id` and holds 0.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.catalog.rules import LANGUAGE_CODE_LENGTH
from survey.extensions import db
from survey.questions.base import NON_SUBSTANTIVE_BASE, NOT_ANSWERED, NOT_ASKED  # noqa: F401  (every type's bytes)

DONT_KNOW = NON_SUBSTANTIVE_BASE  # format 1's one non-substantive option
BigId = BigInteger().with_variant(Integer, "sqlite")  # SQLite autoincrements only INTEGER primary keys


class Response(db.Model):
    __tablename__ = "response"
    __table_args__ = (Index("ix_response_round_school", "round_id", "school_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="RESTRICT"))
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="RESTRICT"))
    program_id: Mapped[int | None] = mapped_column(ForeignKey("program.id", ondelete="RESTRICT"))
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id", ondelete="RESTRICT"))
    language: Mapped[str] = mapped_column(String(LANGUAGE_CODE_LENGTH))
    submitted_on: Mapped[date]
    answers: Mapped[bytes] = mapped_column(LargeBinary)
    background: Mapped[bytes] = mapped_column(LargeBinary)

    free_text_answers: Mapped[list[FreeTextAnswer]] = relationship(cascade="all, delete-orphan")


class FreeTextAnswer(db.Model):
    """Kept apart from the packed answers: shown only to the respondent's own school, never network-wide."""

    __tablename__ = "free_text_answer"
    __table_args__ = (UniqueConstraint("response_id", "question_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), index=True)
    question_key: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)


class ResponseDraft(db.Model):
    """Answers saved page by page, found again through a resume cookie (only its hash is stored), so a closed
    tab or a dropped connection loses nothing. Deleted in the same transaction that stores the Response."""

    __tablename__ = "response_draft"
    # updated on every page a respondent sends: room on each page for HOT updates (migration 0005)
    __table_args__ = {"postgresql_with": {"fillfactor": 50}}

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    resume_hash: Mapped[str] = mapped_column(String(64), unique=True)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("survey_link.id", ondelete="CASCADE"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("personal_invitation.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="RESTRICT"))
    program_id: Mapped[int | None] = mapped_column(ForeignKey("program.id", ondelete="RESTRICT"))
    language: Mapped[str] = mapped_column(String(LANGUAGE_CODE_LENGTH))
    page: Mapped[int] = mapped_column(default=0)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # item key -> code (1..k) or non-substantive key
    background: Mapped[dict] = mapped_column(JSON, default=dict)  # key -> option key, option keys or number
    free_text: Mapped[dict] = mapped_column(JSON, default=dict)  # question key -> text
    updated_on: Mapped[date]

    round = relationship("SurveyRound")
    school = relationship("School")
    program = relationship("Program")

"""Writes on drafts and responses: start a draft, save it page by page, submit it as exactly one Response.

Functions flush, never commit: the request commits once. The resume token is returned to the caller (for the
cookie) and only its SHA-256 is stored. A draft is handled as a plain `Draft` (its row's values), read and
written with statements prepared once (`survey.prepared`): a respondent's every request reads it and most write
it, and the ORM's unit of work would cost several times the statements themselves.

Exactly once: `submit_draft` deletes the draft row first and stores the Response only when that DELETE removed
one row. Two submits of the same draft (a double click, a retried request, Back then Submit) race for that one
row: on PostgreSQL the second DELETE waits for the first transaction and then finds nothing; on SQLite writers
are serialised by the database lock. Whoever removes nothing stores nothing.
"""
from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm.exc import StaleDataError

from survey.catalog.definition import QuestionnaireDefinition
from survey.prepared import Prepared
from survey.questions.base import NOT_ASKED_VALUE
from survey.responses.models import FreeTextAnswer, Response, ResponseDraft
from survey.rounds.models import PersonalInvitation
from survey.tokens import token_hash


class InvitationAlreadyUsed(Exception):
    """A personal invitation was used to submit once already; nothing more is stored through it."""


DRAFT_COLUMNS = ("id", "round_id", "school_id", "program_id", "link_id", "invitation_id", "language", "page",
                 "answers", "background", "free_text", "updated_on")
SAVED_COLUMNS = ("program_id", "language", "page", "answers", "background", "free_text", "updated_on")


@dataclass
class Draft:
    """A respondent's saved answers (a `response_draft` row): rating item key -> code 1..k or non-substantive
    option key in `answers` ("dk" in drafts saved before model 2: the first); question key -> option key, list
    of option keys or number in `background`; question key -> text in `free_text`. Whether a question was
    asked is never kept: the route decides it from these answers whenever the draft is read."""

    id: int
    round_id: int
    school_id: int
    program_id: int | None
    link_id: int | None
    invitation_id: int | None
    language: str
    page: int
    answers: dict = field(default_factory=dict)
    background: dict = field(default_factory=dict)
    free_text: dict = field(default_factory=dict)
    updated_on: date | None = None

    @classmethod
    def from_row(cls, values) -> Draft:
        return cls(*values)


def _insert(table, names, returning=None) -> Prepared:
    statement = insert(table).values({name: bindparam(name, type_=table.c[name].type) for name in names})
    return Prepared(statement.returning(returning) if returning is not None else statement)


_table = ResponseDraft.__table__
_BY_RESUME_HASH = Prepared(select(*(_table.c[name] for name in DRAFT_COLUMNS))
                           .where(_table.c.resume_hash == bindparam("resume_hash")))
_SAVE = Prepared(
    update(_table)
    .where(_table.c.id == bindparam("draft_id"))
    .values({name: bindparam(name, type_=_table.c[name].type) for name in SAVED_COLUMNS})
)


_START = _insert(_table, ("resume_hash", *DRAFT_COLUMNS[1:]), returning=_table.c.id)
_DISCARD = Prepared(delete(_table).where(_table.c.id == bindparam("draft_id")))


def draft_by_resume_token(token: str) -> Draft | None:
    row = _BY_RESUME_HASH.one(resume_hash=token_hash(token))
    return None if row is None else Draft.from_row(row)


def start_draft(
    *,
    round_id: int,
    school_id: int,
    language: str,
    today: date,
    link_id: int | None = None,
    invitation_id: int | None = None,
    program_id: int | None = None,
) -> tuple[Draft, str]:
    """A new empty draft; returns it and the resume token for the respondent's cookie (never stored)."""
    resume_token = secrets.token_urlsafe(32)
    draft = Draft(id=0, round_id=round_id, school_id=school_id, program_id=program_id, link_id=link_id,
                  invitation_id=invitation_id, language=language, page=1, updated_on=today)
    values = {name: getattr(draft, name) for name in DRAFT_COLUMNS[1:]}
    (draft.id,) = _START.one(resume_hash=token_hash(resume_token), **values)
    return draft, resume_token


def discard_draft(draft: Draft) -> None:
    _DISCARD.run(draft_id=draft.id)


def save_draft(
    draft: Draft,
    *,
    today: date,
    answers: dict | None = None,
    background: dict | None = None,
    free_text: dict | None = None,
    program_id: int | None = None,
    page: int | None = None,
    language: str | None = None,
) -> None:
    """Merge a page's answers into the draft (None in a mapping removes that answer) and note where it is.

    One UPDATE of the draft's row, none when nothing changed; `draft` is brought up to date with it."""

    def merged(old: dict, new: dict | None) -> dict:
        if not new:
            return old
        result = {**old, **new}
        return {key: value for key, value in result.items() if value is not None}

    changes = {}
    for name, new in (("answers", answers), ("background", background), ("free_text", free_text)):
        old = getattr(draft, name)
        value = merged(old, new)
        if value != old:
            changes[name] = value
    for name, value in (("program_id", program_id), ("page", page), ("language", language), ("updated_on", today)):
        if value is not None and value != getattr(draft, name):
            changes[name] = value
    if not changes:
        return
    for name, value in changes.items():
        setattr(draft, name, value)
    updated = _SAVE.run(draft_id=draft.id, **{name: getattr(draft, name) for name in SAVED_COLUMNS})
    if updated != 1:  # as the ORM's flush would: the draft was submitted or discarded meanwhile
        raise StaleDataError(f"UPDATE statement on table 'response_draft' expected to update 1 row(s); {updated} were matched.")


def pack_answers(definition: QuestionnaireDefinition, answers: dict, asked: Collection[str] | None = None) -> bytes:
    """`Response.answers`: each rating item's bytes in `rating_items()` order (its type's `encode`); an item
    not in `asked` (when given) is NOT_ASKED whatever the draft kept for it."""
    return b"".join(
        item.encode(answers.get(item.key) if asked is None or item.key in asked else NOT_ASKED_VALUE, definition)
        for item in definition.rating_items()
    )


def pack_background(definition: QuestionnaireDefinition, background: dict,
                    asked: Collection[str] | None = None) -> bytes:
    """`Response.background`: each single, multiple and numeric question's bytes in `background_questions()`
    order (its type's `encode`); a question not in `asked` (when given) is NOT_ASKED."""
    return b"".join(
        question.encode(background.get(question.key) if asked is None or question.key in asked else NOT_ASKED_VALUE,
                        definition)
        for question in definition.background_questions()
    )


_responses, _invitations, _free_texts = Response.__table__, PersonalInvitation.__table__, FreeTextAnswer.__table__
_MARK_USED = Prepared(update(_invitations).where(_invitations.c.id == bindparam("invitation_id"),
                                                 _invitations.c.used.is_(False)).values(used=True))
_STORE = _insert(_responses, ("round_id", "school_id", "program_id", "version_id", "language", "submitted_on",
                              "answers", "background"), returning=_responses.c.id)
_STORE_TEXT = _insert(_free_texts, ("response_id", "question_key", "text"))


def submit_draft(draft: Draft, definition: QuestionnaireDefinition, version_id: int, today: date,
                 asked: Collection[str] | None = None) -> int | None:
    """Turn the draft into one Response in the caller's transaction and return its id; None when the draft was
    already submitted. `asked` holds the keys of the questions the respondent's route showed (None: all): the
    others are stored as not asked, and their free texts not at all, whatever the draft kept from before the
    route changed.

    The draft row is deleted first and the Response is stored only if that DELETE removed exactly one row. A
    personal invitation is marked used (a flag only) under the same rule; nothing links it to the Response.
    Raises InvitationAlreadyUsed when another draft of the same invitation was submitted first.
    """
    if _DISCARD.run(draft_id=draft.id) != 1:
        return None
    if draft.invitation_id is not None and _MARK_USED.run(invitation_id=draft.invitation_id) != 1:
        raise InvitationAlreadyUsed()
    (response_id,) = _STORE.one(
        round_id=draft.round_id,
        school_id=draft.school_id,
        program_id=draft.program_id,
        version_id=version_id,
        language=draft.language,
        submitted_on=today,
        answers=pack_answers(definition, draft.answers, asked),
        background=pack_background(definition, draft.background, asked),
    )
    for question in definition.text_questions():
        if draft.free_text.get(question.key) and (asked is None or question.key in asked):
            _STORE_TEXT.run(response_id=response_id, question_key=question.key, text=draft.free_text[question.key])
    return response_id

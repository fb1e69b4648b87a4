"""Statements prepared on the driver's cursor give values as the ORM would, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, insert, select, update

from survey.prepared import Prepared
from survey.responses.models import ResponseDraft
from survey.rounds.models import PersonalInvitation
from tests.respond.conftest import TODAY, create_invitation, create_round, publish_questionnaire

drafts = ResponseDraft.__table__
invitations = PersonalInvitation.__table__


def test_rows_come_back_typed_and_writes_count_their_rows(db_session, network, school):
    survey_round = create_round(network, publish_questionnaire(network, "student"), [school])
    new_draft = Prepared(
        insert(drafts)
        .values({name: bindparam(name, type_=drafts.c[name].type)
                 for name in ("resume_hash", "round_id", "school_id", "language", "page", "answers", "background",
                              "free_text", "updated_on")})
        .returning(drafts.c.id)
    )
    (draft_id,) = new_draft.one(resume_hash="h" * 64, round_id=survey_round.id, school_id=school.id, language="da",
                                page=2, answers={"a.b": 3, "c.d": "dk"}, background={}, free_text={"best": "Æble"},
                                updated_on=TODAY)
    read = Prepared(select(drafts.c.answers, drafts.c.free_text, drafts.c.updated_on, drafts.c.page)
                    .where(drafts.c.id == bindparam("draft_id")))
    assert read.one(draft_id=draft_id) == ({"a.b": 3, "c.d": "dk"}, {"best": "Æble"}, TODAY, 2)
    assert read.one(draft_id=draft_id + 1) is None
    assert isinstance(read.one(draft_id=draft_id)[2], date)

    create_invitation(survey_round, school)
    mark_used = Prepared(update(invitations).where(invitations.c.used.is_(False)).values(used=True))
    assert mark_used.run() == 1  # the value the statement holds (used=True) needs no parameter
    assert mark_used.run() == 0
    used = Prepared(select(invitations.c.used).where(invitations.c.round_id == bindparam("round_id")))
    assert used.all(round_id=survey_round.id) == [(True,)]

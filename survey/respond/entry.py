"""How a respondent came in: an anonymous link `/s/<token>` or a personal invitation `/p/<token>`.

One query resolves the token to everything a respondent page needs: the round and its dates, the school's name,
the program when the link is per program, whether the school has programs to ask about, and the checksum that
names the questionnaire version's content (the parsed questionnaire itself is cached in memory); the same query
brings the respondent's draft when the request carries a resume cookie. It runs on every respondent request, so
it selects plain values and runs prepared (`survey.prepared`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

from sqlalchemy import and_, bindparam, select

from survey.catalog.models import QuestionnaireVersion
from survey.network.models import Program, School
from survey.prepared import Prepared
from survey.respond.pages import Questionnaire, questionnaire_for
from survey.responses.models import ResponseDraft
from survey.responses.operations import DRAFT_COLUMNS, Draft
from survey.rounds.models import PersonalInvitation, RoundState, SurveyLink, SurveyRound, round_state
from survey.tokens import token_hash

LINK, INVITATION = "s", "p"
MAX_TOKEN_LENGTH = 100


@dataclass(frozen=True)
class EntryRound:
    """What a respondent page needs of the round."""

    id: int
    version_id: int
    opens_on: date
    closes_on: date

    def state_on(self, day: date) -> RoundState:
        return round_state(self.opens_on, self.closes_on, day)


@dataclass
class Entry:
    kind: str  # LINK or INVITATION
    token: str
    round: EntryRound
    school_id: int
    school_name: str
    program_id: int | None
    has_programs: bool
    checksum: str
    link_id: int | None = None
    invitation_id: int | None = None
    invitation_used: bool = False

    @cached_property
    def questionnaire(self) -> Questionnaire:
        return questionnaire_for(self.round.version_id, self.checksum)

    @property
    def ask_program(self) -> bool:
        """The program question is asked only on a school-wide link of a school that has programs."""
        return self.program_id is None and self.has_programs

    def state(self, today: date) -> RoundState:
        return self.round.state_on(today)

    # Cookies: one resume cookie per round, valid where the respondent answers (/s or /p) until the round closes.
    @property
    def resume_cookie(self) -> str:
        return f"bl_resume_{self.round.id}"

    @property
    def done_cookie(self) -> str:
        return f"bl_done_{self.round.id}"

    @property
    def closes_on(self) -> date:
        return self.round.closes_on

    @property
    def cookie_path(self) -> str:
        return f"/{self.kind}"

    def cookie_max_age(self, now: datetime) -> int:
        closes = datetime.combine(self.closes_on + timedelta(days=1), time())
        return max(int((closes - now).total_seconds()), 60)


def _has_programs(school_id_column):
    return select(Program.id).where(Program.school_id == school_id_column).exists()


ROUND_COLUMNS = (SurveyRound.id, SurveyRound.version_id, SurveyRound.opens_on, SurveyRound.closes_on)


def _entry_statement(kind: str, with_draft: bool):
    """The one query behind `resolve_with_draft`, built once per shape (token and resume hash are bound parameters).

    With `with_draft`, the respondent's draft (found by the resume cookie's hash) comes in the same round trip
    through an outer join; the caller still checks that it belongs to this entry."""
    if kind == LINK:
        statement = (
            select(
                SurveyLink.id,
                SurveyLink.school_id,
                SurveyLink.program_id,
                School.name,
                QuestionnaireVersion.checksum,
                _has_programs(SurveyLink.school_id),
                *ROUND_COLUMNS,
            )
            .join(SurveyRound, SurveyRound.id == SurveyLink.round_id)
            .join(School, School.id == SurveyLink.school_id)
            .join(QuestionnaireVersion, QuestionnaireVersion.id == SurveyRound.version_id)
            .where(SurveyLink.token == bindparam("token"))
        )
    else:
        statement = (
            select(
                PersonalInvitation.id,
                PersonalInvitation.school_id,
                PersonalInvitation.used,
                School.name,
                QuestionnaireVersion.checksum,
                _has_programs(PersonalInvitation.school_id),
                *ROUND_COLUMNS,
            )
            .join(SurveyRound, SurveyRound.id == PersonalInvitation.round_id)
            .join(School, School.id == PersonalInvitation.school_id)
            .join(QuestionnaireVersion, QuestionnaireVersion.id == SurveyRound.version_id)
            .where(PersonalInvitation.token_hash == bindparam("token"))
        )
    if with_draft:
        draft = ResponseDraft.__table__
        statement = statement.add_columns(*(draft.c[name] for name in DRAFT_COLUMNS)).outerjoin(
            draft,
            and_(draft.c.resume_hash == bindparam("resume_hash"), SurveyRound.id == bindparam("resume_round")),
        )
    return Prepared(statement)


_STATEMENTS = {(kind, with_draft): _entry_statement(kind, with_draft) for kind in (LINK, INVITATION)
               for with_draft in (False, True)}


def resolve_with_draft(kind: str, token: str, resume: tuple[int, str] | None) -> tuple[Entry | None, Draft | None]:
    """The entry for a token (None when no link or invitation has it) and, in the same query, the draft of the
    resume cookie `resume` = (round id in the cookie's name, token in its value) when that round is the entry's
    (None otherwise; the caller still checks the draft against the entry)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None, None
    params = {"token": token if kind == LINK else token_hash(token)}
    resume_token = resume[1] if resume else None
    if resume_token:
        params["resume_round"] = resume[0]
        params["resume_hash"] = token_hash(resume_token)
    row = _STATEMENTS[kind, bool(resume_token)].one(**params)
    if row is None:
        return None, None
    draft = Draft.from_row(row[10:]) if resume_token and row[10] is not None else None
    round_ = EntryRound(*row[6:10])
    if kind == LINK:
        link_id, school_id, program_id, school_name, checksum, has_programs = row[:6]
        entry = Entry(kind, token, round_, school_id, school_name, program_id, bool(has_programs), checksum,
                      link_id=link_id)
        return entry, draft
    invitation_id, school_id, used, school_name, checksum, has_programs = row[:6]
    entry = Entry(kind, token, round_, school_id, school_name, None, bool(has_programs), checksum,
                  invitation_id=invitation_id, invitation_used=bool(used))
    return entry, draft

"""How a request reads to one school: the dimension's title in the reader's language, the status and the kind
of meeting in words, and the other school as the reader may know it (its name only once identities are
revealed; until then the requester's label for its partner, or "a school in the network")."""
from __future__ import annotations

from flask_babel import gettext as _

from survey.catalog.operations import definition_of
from survey.catalog.texts import text_in
from survey.partnering.access import counterpart_name
from survey.partnering.models import BenchlearningRequest, RequestStatus
from survey.rounds.models import SurveyRound

_TITLES: dict[tuple[int, str], dict[str, dict[str, str]]] = {}


def dimension_title(survey_round: SurveyRound, key: str, language: str) -> str:
    """The dimension's title in `language` as the round's questionnaire words it (published versions never
    change, so the titles are read once per version)."""
    version = survey_round.version
    cache_key = (version.id, version.checksum)
    if cache_key not in _TITLES:
        _TITLES[cache_key] = {dimension.key: dict(dimension.title) for dimension in definition_of(version).dimensions}
    titles = _TITLES[cache_key].get(key)
    return text_in(titles, language) if titles else key


def status_label(status: str) -> str:
    return {
        RequestStatus.PENDING: _("waiting for an answer"),
        RequestStatus.ACCEPTED: _("accepted"),
        RequestStatus.DECLINED: _("declined"),
        RequestStatus.WITHDRAWN: _("withdrawn"),
        RequestStatus.VISIT_PLANNED: _("visit or meeting planned"),
        RequestStatus.COMPLETED: _("completed"),
    }[RequestStatus(status)]


# A meeting's kind as the reader's school sees it: "we visit them" is `visit_to_partner` for the requester and
# `visit_from_partner` for the partner. The form offers these viewer-relative choices.
WE_VISIT, THEY_VISIT = "we_visit", "they_visit"


def meeting_choices() -> list[tuple[str, str]]:
    return [(WE_VISIT, _("We visit the partner school")), (THEY_VISIT, _("The partner school visits us")),
            ("online", _("An online meeting")), ("other", _("Another kind of meeting"))]


def stored_kind(choice: str, requester: bool) -> str:
    """The stored MEETING_KINDS value of a viewer-relative choice."""
    if choice == WE_VISIT:
        return "visit_to_partner" if requester else "visit_from_partner"
    if choice == THEY_VISIT:
        return "visit_from_partner" if requester else "visit_to_partner"
    return choice


def viewer_kind(kind: str | None, requester: bool) -> str | None:
    """The viewer-relative choice of a stored kind (the inverse of `stored_kind`)."""
    if kind == "visit_to_partner":
        return WE_VISIT if requester else THEY_VISIT
    if kind == "visit_from_partner":
        return THEY_VISIT if requester else WE_VISIT
    return kind


def meeting_label(kind: str | None, requester: bool) -> str:
    return dict(meeting_choices()).get(viewer_kind(kind, requester) or "", "")


def counterpart(request: BenchlearningRequest, viewer_school_id: int) -> str:
    """The other school, as the viewer's school may know it."""
    name = counterpart_name(request, viewer_school_id)
    if name is not None:
        return name
    if viewer_school_id == request.from_school_id:
        return request.partner_label
    return _("a school in the network")

"""A network of eight schools with a closed round whose frozen results give the weak schools benchmark partners
(the same data as tests/results/test_partners.py), staff at several schools, and a second network.

Notification e-mails leave through a job once the request commits. These tests run inside one rolled-back
transaction, which a runner thread cannot see, so the app's runner is replaced by one that keeps the queued job
ids; `run_jobs()` then runs them here, through the real `run_job`, and the e-mails land in a file outbox.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.jobs.execute import run_job
from survey.jobs.models import Job
from survey.network.models import Network, Program, School
from survey.results.models import RoundResult
from survey.rounds.models import SurveyRound
from tests.conftest import TEST_PASSWORD, csrf_token_from
from tests.results.conftest import (SCHOOLS, add_response, answer_partner_round, make_round,  # noqa: F401 (fixtures)
                                    make_version)

ROUND_NAME = "Elevtrivsel 2026"
_FROZEN: dict[tuple[str, bool], dict] = {}  # (backend, shares names) -> the stored results' columns


class KeepingRunner:
    """A job runner that keeps what it is handed, for the test to run."""

    def __init__(self):
        self.handed: list[int] = []

    def owner(self):
        return "test"

    def submit(self, app, job_id: int) -> None:
        self.handed.append(job_id)


@pytest.fixture(autouse=True)
def kept_jobs(request, monkeypatch) -> KeepingRunner | None:
    """Every test here that has the app: jobs are kept for `run_jobs`, never handed to a thread."""
    if "app" not in request.fixturenames:
        return None
    runner = KeepingRunner()
    monkeypatch.setitem(request.getfixturevalue("app").extensions, "benchlearn.jobs", runner)
    return runner


@pytest.fixture
def run_jobs(app, db_session, kept_jobs, monkeypatch, tmp_path):
    """run_jobs() -> {address: [messages]} of the e-mails the committed requests' jobs sent (each run empties the
    outbox)."""
    runner = kept_jobs
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path / "outbox"))

    def run() -> dict[str, list]:
        while runner.handed:
            job = run_job(runner.handed.pop(0), "test")
            assert job.state == "done", job.error
        mails: dict[str, list] = {}
        for path in sorted((tmp_path / "outbox").glob("*.eml")):
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            mails.setdefault(message["To"], []).append(message)
            path.unlink()
        return mails

    run.runner = runner
    return run


def freeze(survey_round: SurveyRound, backend: str, add_response) -> None:
    """The round's results frozen: computed from responses the first time per backend and naming setting, then
    the same stored columns again (the codes, not the ids, are in the tables)."""
    from survey.results.operations import freeze_round_results

    key = (backend, survey_round.network.share_school_names)
    if key not in _FROZEN:
        answer_partner_round(survey_round, add_response)
        stored = freeze_round_results(survey_round)
        _FROZEN[key] = {"content_hash": stored.content_hash, "responses": stored.responses,
                        "aggregates": stored.aggregates}
        return
    db.session.add(RoundResult(round_id=survey_round.id, computed_at=datetime.now(timezone.utc), **_FROZEN[key]))
    db.session.flush()


@pytest.fixture
def world(db_session, network, make_version, make_round, add_response, backend):
    """The network (names not shared), its eight schools and frozen round, staff at LOW1 (two, and one
    deactivated), TOP3 (two: LOW1's first partner on "teach"), TOP1 (its second) and MID1, an admin; another
    network with a school, its staff and admin."""
    return build_world(db_session, network, make_version, make_round, add_response, backend)


@pytest.fixture
def shared_world(db_session, network, make_version, make_round, add_response, backend):
    """The same world in a network that shares school names."""
    network.share_school_names = True
    return build_world(db_session, network, make_version, make_round, add_response, backend)


_HASHES: list[str] = []


def staff_user(email: str, network, school=None, role: str = "school_staff", locale: str | None = "en"):
    """A user with the test password, hashed once for the session (argon2 takes most of a second a hash)."""
    from survey.accounts.operations import _new_user
    from survey.accounts.passwords import hash_password

    if not _HASHES:
        _HASHES.append(hash_password(TEST_PASSWORD))
    user = _new_user(email, role, network, school, _HASHES[0])
    user.locale = locale
    return user


def build_world(db_session, network, make_version, make_round, add_response, backend) -> dict:
    schools = {}
    for code, (kind, _size, _teach) in SCHOOLS.items():
        school = School(network=network, code=code, name=f"Skolen {code.lower()}", type=kind, region="Midtjylland",
                        programs=[Program(code="EL", name="Elektriker")])
        db_session.add(school)
        schools[code] = school
    db_session.flush()
    survey_round = make_round(make_version(), schools.values(), name=ROUND_NAME)
    freeze(survey_round, backend, add_response)
    users = {
        "low1": staff_user("anne@low1.example.org", network, schools["LOW1"]),
        "low1b": staff_user("bo@low1.example.org", network, schools["LOW1"], locale="sv"),
        "top3": staff_user("carl@top3.example.org", network, schools["TOP3"]),
        "top3b": staff_user("dina@top3.example.org", network, schools["TOP3"], locale="da"),
        "top1": staff_user("eva@top1.example.org", network, schools["TOP1"]),
        "mid1": staff_user("finn@mid1.example.org", network, schools["MID1"]),
        "admin": staff_user("admin@net.example.org", network, role="network_admin"),
    }
    gone = staff_user("gone@low1.example.org", network, schools["LOW1"])
    gone.active = False
    other_network = Network(name="Det andet netværk")
    elsewhere = School(network=other_network, code="ELSE", name="Skolen andetsteds", type="EUD",
                       region="Midtjylland", programs=[Program(code="EL", name="Elektriker")])
    db_session.add_all([other_network, elsewhere])
    db_session.flush()
    users["elsewhere"] = staff_user("gus@else.example.org", other_network, elsewhere)
    users["elsewhere_admin"] = staff_user("admin@else.example.org", other_network, role="network_admin")
    db_session.commit()
    return {"network": network, "schools": schools, "round": survey_round, "users": users}


def partners_of(survey_round: SurveyRound, code: str, dimension: str = "teach") -> list[tuple[str, str]]:
    """(label, partner code) of a school's partners on a dimension, from the unfiltered stored table."""
    from survey.results.service import round_results

    table = round_results(survey_round).partners
    rows = table[(table["school"] == code) & (table["dimension"] == dimension)].sort_values("order")
    return list(zip(rows["partner_label"], rows["partner_school"]))


def sign_in(app, user):
    """A client of its own logged in as `user`, reading English unless the user chose otherwise."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get("/auth/login")
    response = client.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD,
                                                 "csrf_token": csrf_token_from(page.text)})
    assert response.status_code == 302, response.text
    return client


def post(client, url: str, data: dict | None = None, page: str | None = None):
    """POST `data` with a CSRF token of the client's session (taken from `page`, default the requests page)."""
    token = csrf_token_from(client.get(page or "/school/requests").text)
    return client.post(url, data={"csrf_token": token, **(data or {})})


def jobs_queued(db_session) -> int:
    return len(db_session.scalars(select(Job.id).where(Job.kind == "notifications.mail")).all())


TODAY = date.today()


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Debian's chromium through Playwright against a live server")

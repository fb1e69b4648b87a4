"""The periodic results job and "Close now": closed rounds are frozen by `benchlearn results freeze-due` (cron),
the Celery beat task or an admin's confirmed "Close now"; an open round's provisional results are a snapshot
taken at most once a day, so a submission between two reads of the same day changes nothing that is shown."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import func, select

from survey.api.tokens import create_token
from survey.extensions import db
from survey.jobs.worker import celery
from survey.results.jobs import FREEZE_DUE, freeze_due
from survey.results.models import ResultSnapshot, RoundResult
from survey.results.operations import freeze_due_rounds
from survey.results.service import round_results
from tests.conftest import csrf_token_from

PORTAL_SCRIPT = ['<script src="/static/portal.js" defer>']  # only the wide tables' helper, on every page


def scripts(page: str) -> list[str]:
    return re.findall(r"<script[^>]*>", page)


TODAY = date.today()


@pytest.fixture
def three_rounds(staff, make_school, make_version, make_round, add_responses):
    """A closed, an open and a draft round of STAFFSCH and OTHER, with responses in the first two."""
    other = make_school("OTHER", programs=("EL",))
    version = make_version()
    schools = [staff.school, other]
    closed = make_round(version, schools, name="Lukket", opens_on=TODAY - timedelta(days=40),
                        closes_on=TODAY - timedelta(days=1))
    open_ = make_round(version, schools, name="Åben", opens_on=TODAY - timedelta(days=5),
                       closes_on=TODAY + timedelta(days=5))
    draft = make_round(version, schools, name="Kladde", opens_on=TODAY + timedelta(days=5),
                       closes_on=TODAY + timedelta(days=30))
    for survey_round in (closed, open_):
        add_responses(survey_round, staff.school, 8, staff.school.programs[0])
        add_responses(survey_round, other, 9, other.programs[0])
    return closed, open_, draft


def stored_count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_freeze_due_freezes_closed_rounds_and_snapshots_open_ones_once(cli, three_rounds):
    closed, open_, draft = three_rounds
    first = cli("results", "freeze-due")
    assert first.exit_code == 0, first.output
    assert "froze the results of round 'Lukket' (Testnetværket)" in first.stdout
    assert f"provisional results of round 'Åben' (Testnetværket) as of {TODAY}" in first.stdout
    assert "Kladde" not in first.stdout
    frozen = db.session.get(RoundResult, closed.id)
    snapshot = db.session.get(ResultSnapshot, open_.id)
    assert frozen.responses == 17 and snapshot.responses == 17 and snapshot.as_of == TODAY
    assert db.session.get(RoundResult, open_.id) is None and db.session.get(ResultSnapshot, draft.id) is None
    assert round_results(closed).frozen and round_results(open_).as_of == TODAY

    again = cli("results", "freeze-due")  # cron runs it every few minutes: nothing is due twice
    assert again.exit_code == 0 and again.stdout.strip() == "nothing due"
    assert (stored_count(RoundResult), stored_count(ResultSnapshot)) == (1, 1)
    assert db.session.get(RoundResult, closed.id).computed_at == frozen.computed_at


def test_a_submission_between_two_reads_of_a_day_changes_nothing_until_the_next_days_snapshot(
        client, admin, three_rounds, add_responses, staff):
    _closed, open_, _draft = three_rounds
    headers = {"Authorization": f"Bearer {create_token(admin, 'tests')}"}

    def network_overall():
        body = client.get(f"/api/v1/rounds/{open_.id}/results?school=NETWORK&breakdown=all", headers=headers).json
        return body["as_of"], body["content_hash"], [(row["dimension"], row["n"], row["index"]) for row in body["rows"]]

    freeze_due_rounds(today=TODAY)
    db.session.commit()
    before = network_overall()
    add_responses(open_, staff.school, 1, staff.school.programs[0])  # one respondent submits
    db.session.commit()
    freeze_due_rounds(today=TODAY)  # the job runs again the same day
    db.session.commit()
    assert network_overall() == before  # the difference of two reads says nothing of that respondent
    assert db.session.get(ResultSnapshot, open_.id).responses == 17

    run = freeze_due_rounds(today=TODAY + timedelta(days=1))  # the next day's snapshot
    db.session.commit()
    assert [r.id for r in run.snapshots] == [open_.id]
    as_of, content_hash, rows = network_overall()
    assert as_of == (TODAY + timedelta(days=1)).isoformat() and content_hash != before[1]
    assert {n for _, n, _ in rows} != {n for _, n, _ in before[2]}  # 18 respondents now


def summary_table(page: str) -> str:
    return page[page.index("<table>"):page.index("</table>")]


def test_the_dashboard_shows_the_snapshot_and_its_date(client, login, admin, three_rounds, add_responses, staff):
    _closed, open_, _draft = three_rounds
    freeze_due_rounds(today=TODAY)
    login(admin)
    page = client.get(f"/admin/results/{open_.id}/STAFFSCH/", headers={"Accept-Language": "en"}).text
    assert f"Provisional results, as of {format_date(TODAY, 'long', locale='en')}." in page
    add_responses(open_, staff.school, 6, staff.school.programs[0])
    db.session.commit()
    again = client.get(f"/admin/results/{open_.id}/STAFFSCH/", headers={"Accept-Language": "en"}).text
    assert summary_table(again) == summary_table(page)  # not recomputed on read
    freeze_due_rounds(today=TODAY + timedelta(days=1))
    db.session.commit()
    assert summary_table(client.get(f"/admin/results/{open_.id}/STAFFSCH/", headers={"Accept-Language": "en"}).text) \
        != summary_table(page)


def test_celery_beat_runs_the_same_job(app, three_rounds, db_session):
    """The beat schedule runs the periodic job, which is the same operation as the cron command (its run on a
    real worker: tests/jobs/test_celery.py)."""
    closed, open_, _draft = three_rounds
    assert celery.conf.beat_schedule[f"periodic {FREEZE_DUE}"]["args"] == [FREEZE_DUE]
    done = freeze_due(lambda done, total: None)
    assert done == {"frozen": [closed.id], "snapshots": [open_.id], "failed": {}}
    assert db.session.get(RoundResult, closed.id) is not None


def test_readers_and_report_builds_refuse_results_not_frozen_yet(cli, client, login, admin, three_rounds):
    closed, _open, _draft = three_rounds
    built = cli("report", "build", closed.name)
    assert built.exit_code == 1 and "are being prepared" in built.output
    login(admin)
    page = client.get(f"/admin/reports/{closed.id}")
    started = client.post(f"/admin/reports/{closed.id}/build", data={"csrf_token": csrf_token_from(page.text)},
                          headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "Nothing was built" in started.text and "being prepared" in started.text
    assert stored_count(RoundResult) == 0


def test_close_now_asks_first_then_closes_and_freezes(client, login, admin, three_rounds):
    _closed, open_, _draft = three_rounds
    freeze_due_rounds(today=TODAY)  # yesterday's job: the open round has a provisional snapshot
    login(admin)
    detail = client.get(f"/admin/rounds/{open_.id}").text
    assert f'href="/admin/rounds/{open_.id}/close"' in detail
    asked = client.get(f"/admin/rounds/{open_.id}/close")
    assert asked.status_code == 200 and "Close “Åben” now?" in asked.text and scripts(asked.text) == PORTAL_SCRIPT
    assert "from the 17 responses received" in asked.text
    token = csrf_token_from(asked.text)
    assert client.post(f"/admin/rounds/{open_.id}/close", data={"confirm": "1"}).status_code == 400  # no CSRF
    unconfirmed = client.post(f"/admin/rounds/{open_.id}/close", data={"csrf_token": token})
    assert unconfirmed.status_code == 200 and "Close “Åben” now?" in unconfirmed.text
    db.session.expire_all()
    assert open_.closes_on == TODAY + timedelta(days=5) and db.session.get(RoundResult, open_.id) is None

    closed = client.post(f"/admin/rounds/{open_.id}/close", data={"csrf_token": token, "confirm": "Close the round now"})
    assert closed.status_code == 302
    db.session.expire_all()
    assert open_.closes_on == TODAY - timedelta(days=1)
    assert db.session.get(RoundResult, open_.id).responses == 17
    assert db.session.get(ResultSnapshot, open_.id) is None  # the provisional snapshot has served its time
    assert "its results are frozen (17 responses)" in client.get(closed.location).text
    again = client.get(f"/admin/rounds/{open_.id}/close", follow_redirects=True)
    assert "only an open round can be closed" in again.text

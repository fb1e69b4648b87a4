"""The invitation dispatcher as a real job of the in-process runner: it sends the queued mail of a committed
database, at most MAIL_PER_MINUTE a run, and records its counts as the job's result."""
from __future__ import annotations

from datetime import date, timedelta
from email import message_from_bytes

from survey.catalog.operations import publish_definition, validate_source
from survey.extensions import db
from survey.invitations.jobs import DISPATCH
from survey.jobs import enqueue
from survey.network.models import Network, Program, School
from survey.rounds.models import SurveyRound
from survey.rounds.operations import invite
from tests.jobs.conftest import wait_until_finished
from tests.respond.conftest import PROJECT_ROOT


def test_the_dispatch_job_sends_the_queue_at_the_set_pace(committed_app, tenant, tmp_path, monkeypatch):
    monkeypatch.setitem(committed_app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(committed_app.config, "MAIL_OUTBOX", str(tmp_path))
    monkeypatch.setitem(committed_app.config, "MAIL_PER_MINUTE", 2)
    network = db.session.get(Network, tenant[0])
    path = PROJECT_ROOT / "questionnaires" / "staff" / "2026.yaml"
    text = path.read_text(encoding="utf-8")
    version = publish_definition(network, validate_source(text, str(path), network=network), text, "test").version
    school = School(network=network, code="NTS", name="Skolen NTS", type="EUD", region="Midtjylland",
                    programs=[Program(code="EL", name="Elektriker")])
    survey_round = SurveyRound(network=network, version=version, name="Medarbejdere", schools=[school],
                               opens_on=date.today(), closes_on=date.today() + timedelta(days=9))
    db.session.add(survey_round)
    db.session.flush()
    addresses = ["anne@example.org", "bo@example.org", "cai@example.org"]
    invite(survey_round, school, addresses)
    job_id = enqueue(DISPATCH).id
    db.session.commit()
    status = wait_until_finished(job_id)
    assert status.state == "done", status.error
    assert (status.result["sent"], status.result["waiting"]) == (2, 1)  # one minute's share; the rest waits
    assert len(list(tmp_path.glob("*.eml"))) == 2
    next_minute = enqueue(DISPATCH).id
    db.session.commit()
    assert wait_until_finished(next_minute).result["sent"] == 1
    sent_to = sorted(message_from_bytes(p.read_bytes())["To"] for p in tmp_path.glob("*.eml"))
    assert sent_to == addresses

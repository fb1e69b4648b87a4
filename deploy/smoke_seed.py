"""A minimal network for deploy/smoke.sh, made in one process (each `benchlearn` command would start the app
again, seconds each on a busy machine) by the operations those commands call: one school with a program, its
staff user, the student questionnaire, a round open today and the school's survey link. Then one job, the
periodic results job, goes through the broker to the Celery worker, and this waits until the worker has done it.

Run with the deployment's environment; the staff password comes from SMOKE_STAFF_PASSWORD. Prints the link
(under PUBLIC_URL) on the line `link <url>` and the job on the line `job <id> <kind>: <state>`; exit status 1
when the job failed or was not done in time.
"""
from __future__ import annotations

import os
import sys
import time
from datetime import date, timedelta

from survey import create_app
from survey.accounts.models import Role
from survey.accounts.operations import add_user
from survey.catalog.operations import publish_definition, validate_source
from survey.config import PROJECT_ROOT
from survey.extensions import db
from survey.jobs import JobState, enqueue, job_status
from survey.network.importer import import_schools, parse_school_csv
from survey.network.operations import create_network
from survey.results.jobs import FREEZE_DUE
from survey.rounds.operations import create_round, ensure_links, link_url

NETWORK = "Røgprøvenetværket"
SCHOOLS = "code,name,type,region,programs\nNTS,Nordkystens Tekniske Skole,EUD,Nordjylland,EL=Elektriker\n"
STAFF = "staff.nts@benchlearn.example"
QUESTIONNAIRE = PROJECT_ROOT / "questionnaires" / "student" / "2026.yaml"
JOB_TIMEOUT = 90  # seconds for the worker, which may still be starting, to take the job and finish it


def seed() -> str:
    network = create_network(NETWORK)
    import_schools(network, parse_school_csv(SCHOOLS, "smoke.csv", network))
    db.session.flush()
    school = network.schools[0]
    add_user(STAFF, os.environ["SMOKE_STAFF_PASSWORD"], Role.SCHOOL_STAFF, network, school)
    text = QUESTIONNAIRE.read_text(encoding="utf-8")
    version = publish_definition(network, validate_source(text, str(QUESTIONNAIRE), network=network), text,
                                 "smoke").version
    today = date.today()
    survey_round = create_round(network, version, "Røgprøve", today, today + timedelta(days=7), [school])
    link = ensure_links(survey_round, school)[0]
    return link_url(link.token)


def job_through_the_worker() -> str:
    """Queue the results job (sent to the broker when the transaction commits) and wait for its row to say done."""
    job_id = enqueue(FREEZE_DUE).id
    db.session.commit()
    deadline = time.monotonic() + JOB_TIMEOUT
    while time.monotonic() < deadline:
        status = job_status(job_id)
        db.session.rollback()  # the next read sees what the worker has committed since
        if status.state in (JobState.DONE, JobState.FAILED):
            return f"{job_id} {FREEZE_DUE}: {status.state}{f' ({status.error})' if status.error else ''}"
        time.sleep(0.5)
    return f"{job_id} {FREEZE_DUE}: still {status.state} after {JOB_TIMEOUT} s"


if __name__ == "__main__":
    with create_app().app_context():
        url = seed()
        db.session.commit()
        print(f"link {url}", flush=True)
        outcome = job_through_the_worker()
    print(f"job {outcome}")
    sys.exit(0 if outcome.endswith(f": {JobState.DONE}") else 1)

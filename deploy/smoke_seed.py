"""A minimal network for deploy/smoke.sh, made in one process (each `benchlearn` command would start the app
again, seconds each on a busy machine) by the operations those commands call: one school with a program, its
staff user, the student questionnaire, a round open today and the school's survey link.

Run with the deployment's environment; the staff password comes from SMOKE_STAFF_PASSWORD. Prints the link
(under PUBLIC_URL) on the line `link <url>`.
"""
from __future__ import annotations

import os
from datetime import date, timedelta

from survey import create_app
from survey.accounts.models import Role
from survey.accounts.operations import add_user
from survey.catalog.operations import publish_definition, validate_source
from survey.config import PROJECT_ROOT
from survey.extensions import db
from survey.network.importer import import_schools, parse_school_csv
from survey.network.operations import create_network
from survey.rounds.operations import create_round, ensure_links, link_url

NETWORK = "Røgprøvenetværket"
SCHOOLS = "code,name,type,region,programs\nNTS,Nordkystens Tekniske Skole,EUD,Nordjylland,EL=Elektriker\n"
STAFF = "staff.nts@benchlearn.example"
QUESTIONNAIRE = PROJECT_ROOT / "questionnaires" / "student" / "2026.yaml"


def seed() -> str:
    network = create_network(NETWORK)
    import_schools(network, parse_school_csv(SCHOOLS, "smoke.csv"))
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


if __name__ == "__main__":
    with create_app().app_context():
        url = seed()
        db.session.commit()
    print(f"link {url}")

"""Seed the demo network: schools with programs, an admin, one staff user per school, the questionnaires,
rounds (open ones with links, two closed ones per family with synthetic responses: see `survey/demo/rounds.py`),
and benchlearning over them (practice cards, plans, requests, outcomes: `survey/demo/learning.py`).

Seeding is idempotent: running it again leaves existing data as it is and adds only what is missing, so
`make demo` can run it every time.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from survey.accounts.models import Role, User
from survey.accounts.operations import add_user
from survey.catalog.models import version_by_label
from survey.catalog.operations import publish_definition, validate_source
from survey.config import PROJECT_ROOT
from survey.demo.learning import DemoLearning, seed_learning
from survey.demo.rounds import DemoRounds, seed_rounds
from survey.extensions import db
from survey.network.importer import import_schools, parse_school_csv
from survey.network.models import Network

DEMO_NETWORK = "Kvalitetsnetværket (demo)"
DEMO_PASSWORD = "benchlearn-demo"
ADMIN_EMAIL = "admin@benchlearn.example"
SCHOOLS_CSV = Path(__file__).with_name("schools.csv")
# Published in this order: a version must follow a published one.
DEMO_QUESTIONNAIRES = (
    "student/2026.yaml", "student/2027.yaml", "staff/2026.yaml", "company/2026.yaml", "wellbeing/2027.yaml",
)


@dataclass(frozen=True)
class SeedSummary:
    network: Network
    admin_email: str
    password: str
    schools: int
    users_created: int
    versions_published: int
    rounds: DemoRounds
    learning: DemoLearning


def staff_email(school_code: str) -> str:
    return f"staff.{school_code.lower()}@benchlearn.example"


def seed_demo(questionnaire_dir: Path = PROJECT_ROOT / "questionnaires") -> SeedSummary:
    network = db.session.scalar(select(Network).where(Network.name == DEMO_NETWORK))
    if network is None:
        network = Network(name=DEMO_NETWORK, share_school_names=True)  # k_min: the K_MIN setting
        db.session.add(network)
        db.session.flush()
    rows = parse_school_csv(SCHOOLS_CSV.read_text(encoding="utf-8"), str(SCHOOLS_CSV), network)
    import_schools(network, rows)

    existing = set(db.session.scalars(select(User.email)))
    created = 0
    if ADMIN_EMAIL not in existing:
        add_user(ADMIN_EMAIL, DEMO_PASSWORD, Role.NETWORK_ADMIN, network)
        created += 1
    for school in network.schools:
        if staff_email(school.code) not in existing:
            add_user(staff_email(school.code), DEMO_PASSWORD, Role.SCHOOL_STAFF, network, school)
            created += 1

    published = 0
    for relative in DEMO_QUESTIONNAIRES:
        path = questionnaire_dir / relative
        source = path.read_text(encoding="utf-8")
        definition = validate_source(source, str(path), network=network)
        if db.session.scalar(version_by_label(network.id, definition.family, definition.version)) is not None:
            continue  # published by an earlier seed, perhaps from an earlier wording of the file: kept as it is
        published += publish_definition(network, definition, source, "demo seed").created
    db.session.flush()
    rounds = seed_rounds(network)
    learning = seed_learning(network)
    return SeedSummary(network, ADMIN_EMAIL, DEMO_PASSWORD, len(network.schools), created, published, rounds,
                       learning)

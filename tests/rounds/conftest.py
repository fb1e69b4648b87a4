"""Fixtures for rounds: the standard questionnaires published, rounds at a few schools, responses."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from survey.catalog.models import version_by_label
from survey.catalog.operations import publish_definition, validate_source
from survey.config import PROJECT_ROOT
from survey.extensions import db
from survey.rounds.operations import create_round

TODAY = date.today()


@pytest.fixture
def versions(db_session, network):
    """student 2026 and 2027, staff 2026, published."""
    for relative in ("student/2026.yaml", "student/2027.yaml", "staff/2026.yaml"):
        path = PROJECT_ROOT / "questionnaires" / relative
        source = path.read_text(encoding="utf-8")
        publish_definition(network, validate_source(source, str(path), network=network), source, "tests")
    return {
        label: db.session.scalar(version_by_label(network.id, *label.split()))
        for label in ("student 2026", "student 2027", "staff 2026")
    }


@pytest.fixture
def make_round(db_session, network, versions):
    def make(name="Elevtrivsel", schools=(), version="student 2026", opens=TODAY - timedelta(days=3), closes=TODAY + timedelta(days=20)):
        return create_round(network, versions[version], name, opens, closes, list(schools))

    return make


@pytest.fixture
def nts(make_school):
    """A school with two programs."""
    return make_school("NTS", programs=("EL", "MEK"))


@pytest.fixture
def vhs(make_school):
    """A school with one program."""
    return make_school("VHS", programs=("DETAIL",))

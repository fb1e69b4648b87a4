"""The demo seed gives a network worth trying, and can run again without harm."""
import sqlalchemy as sa
from sqlalchemy import select

from survey.accounts.models import User
from survey.catalog.models import QuestionnaireVersion
from survey.extensions import db
from survey.network.models import Network, School

from .conftest import csrf_token_from


def counts():
    return tuple(
        db.session.scalar(select(sa.func.count()).select_from(model)) for model in (Network, School, User, QuestionnaireVersion)
    )


def test_demo_seed_builds_the_network_and_is_idempotent(cli):
    first = cli("demo", "seed")
    assert first.exit_code == 0, first.stderr
    assert "admin login:  admin@benchlearn.example / benchlearn-demo" in first.stdout
    networks, schools, users, versions = counts()
    assert networks == 1 and 18 <= schools <= 25
    assert users == schools + 1
    assert versions == 5
    types = set(db.session.scalars(select(School.type)))
    assert {"EUD", "hhx", "htx", "stx", "hf", "AMU", "VUC"} <= types
    assert all(school.programs for school in db.session.scalars(select(School)))
    again = cli("demo", "seed")
    assert again.exit_code == 0
    assert counts() == (networks, schools, users, versions)


def test_demo_admin_can_log_in_and_see_the_catalog(cli, client):
    cli("demo", "seed")
    page = client.get("/auth/login")
    response = client.post(
        "/auth/login",
        data={"email": "admin@benchlearn.example", "password": "benchlearn-demo", "csrf_token": csrf_token_from(page.text)},
    )
    assert response.headers["Location"] == "/admin/"
    catalog = client.get("/admin/questionnaires").text
    for family in ("Student", "Staff", "Company"):
        assert family in catalog

"""Two schools of one network with the student questionnaire published, their staff and admin, and another
network with a school of its own: the people every practice-library test reads cards as."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import csrf_token_from
from tests.respond.conftest import publish_questionnaire


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Debian's chromium through Playwright against a live server")


@dataclass
class Library:
    network: object
    school: object
    other_school: object
    staff: object
    other_staff: object
    admin: object
    foreign_network: object
    foreign_staff: object
    foreign_admin: object


@pytest.fixture
def library(db_session, network, make_school, make_user, make_network):
    from survey.accounts.operations import add_user
    from survey.network.models import Program, School

    publish_questionnaire(network)
    school = make_school("NORD", "Nordskolen", programs=("EL", "VVS"))
    other_school = make_school("SYD", "Sydskolen", type="hhx", programs=("HHX",))
    foreign = make_network("Et andet netværk")
    foreign_school = School(network=foreign, code="FREMMED", name="Fremmedskolen", type="EUD", region="Syd")
    foreign_school.programs = [Program(code="EL", name="El")]
    db_session.add(foreign_school)
    db_session.flush()
    foreign_staff = add_user("fremmed@example.org", "correct horse battery", "school_staff", foreign, foreign_school)
    foreign_admin = add_user("fremmed-admin@example.org", "correct horse battery", "network_admin", foreign)
    foreign_staff.locale = foreign_admin.locale = "en"
    return Library(network=network, school=school, other_school=other_school,
                   staff=make_user("nord@example.org", school=school),
                   other_staff=make_user("syd@example.org", school=other_school),
                   admin=make_user("admin@example.org", role="network_admin"),
                   foreign_network=foreign, foreign_staff=foreign_staff, foreign_admin=foreign_admin)


@pytest.fixture
def write_card(library):
    """A card of `user`'s school, published unless `draft`."""
    from survey.practices.operations import CardContent, create_card, publish

    def write(user=None, *, draft: bool = False, **fields):
        user = user or library.staff
        card = create_card(user, CardContent(**{"title": "Morgenlæsning", **fields}))
        if not draft:
            publish(user, card)
        return card

    return write


@pytest.fixture
def as_user(app, db_session):
    """A browser logged in as the user."""
    def browser(user):
        db_session.commit()
        client = app.test_client()
        page = client.get("/auth/login")
        response = client.post("/auth/login", data={"email": user.email, "password": "correct horse battery",
                                                    "csrf_token": csrf_token_from(page.text)})
        assert response.status_code == 302
        return client
    return browser

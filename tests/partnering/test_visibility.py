"""Who reaches a request and its notes: the two schools' staff only. A third school of the network and any
school of another network get 404 for the request, its notes and every step; admins (theirs or another
network's) see none; a school never picks the recipient: it is looked up from its own partner list."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey.notifications.models import Notification
from survey.partnering import operations
from survey.partnering.models import BenchlearningRequest, RequestNote
from tests.partnering.conftest import partners_of, post, sign_in

STEPS = ("accept", "decline", "withdraw", "meeting", "complete", "reveal", "notes")


@pytest.fixture
def sent(world, db_session, run_jobs):
    """LOW1 asked its first partner on "teach" (TOP3), which added a note (their e-mails sent)."""
    users = world["users"]
    label, _code = partners_of(world["round"], "LOW1")[0]
    request = operations.send_request(users["low1"], world["round"], "teach", label, "Hvordan gør I?")
    operations.add_note(users["top3"], request, "Vi har en plan for feedback.")
    db_session.commit()
    run_jobs()
    return request


def rows(db_session) -> tuple:
    db_session.expire_all()
    return tuple(db_session.scalar(select(func.count()).select_from(table))
                 for table in (BenchlearningRequest, RequestNote, Notification))


@pytest.mark.parametrize("outsider", ["mid1", "elsewhere"])
def test_a_third_school_and_another_network_get_404_for_the_request_its_notes_and_steps(app, db_session, world, sent,
                                                                                        run_jobs, outsider):
    client = sign_in(app, world["users"][outsider])
    before = rows(db_session)
    page = client.get(f"/school/requests/{sent.id}")
    assert page.status_code == 404 and "Vi har en plan" not in page.text
    for step in STEPS:
        answer = post(client, f"/school/requests/{sent.id}/{step}",
                      {"body": "Hej", "reason": "Nej", "on": "2027-01-10", "kind": "online", "reveal": "y"})
        assert answer.status_code == 404, step
    listing = client.get("/school/requests").text
    assert "Hvordan gør I?" not in listing and f"/school/requests/{sent.id}" not in listing
    assert rows(db_session) == before and run_jobs() == {}


@pytest.mark.parametrize("admin", ["admin", "elsewhere_admin"])
def test_admins_see_no_request(app, world, sent, admin):
    client = sign_in(app, world["users"][admin])
    for url in (f"/school/requests/{sent.id}", "/school/requests", "/school/notifications", "/school/partners"):
        assert client.get(url).status_code == 403, url


def test_both_schools_read_the_request_and_its_notes(app, world, sent):
    for user in ("low1", "low1b", "top3", "top3b"):
        page = sign_in(app, world["users"][user]).get(f"/school/requests/{sent.id}")
        assert page.status_code == 200 and "Vi har en plan for feedback." in page.text


def test_the_recipient_comes_from_the_schools_own_partner_list_never_from_the_form(app, db_session, world, run_jobs):
    users, survey_round = world["users"], world["round"]
    low1 = sign_in(app, users["low1"])
    # MID1 has no partners on "wellbeing"; TOP1 is nobody's "School Z"; another school's label means nothing here
    for dimension, label in (("teach", "School Z"), ("wellbeing", "School A"), ("teach", "Skolen top3"),
                             ("teach", "TOP3")):
        answer = post(low1, f"/school/partners/{survey_round.id}/ask", {"dimension": dimension, "partner": label},
                      "/school/partners")
        assert answer.status_code == 302
        assert "That school is not one of your benchmark partners on this dimension." in low1.get(
            answer.headers["Location"]).text
    # a school without partners on the dimension (the best one), asking with a label its neighbour sees
    assert partners_of(survey_round, "TOP1") == []
    top1 = sign_in(app, users["top1"])
    label, _code = partners_of(survey_round, "LOW1")[0]
    post(top1, f"/school/partners/{survey_round.id}/ask", {"dimension": "teach", "partner": label},
         "/school/partners")
    assert db_session.scalar(select(func.count()).select_from(BenchlearningRequest)) == 0
    assert run_jobs() == {}
    # the other network's school cannot use this network's round at all
    elsewhere = sign_in(app, users["elsewhere"])
    answer = post(elsewhere, f"/school/partners/{survey_round.id}/ask", {"dimension": "teach", "partner": label},
                  "/school/partners")
    assert answer.status_code == 404


def test_the_same_label_on_another_dimension_or_school_is_another_partner(world):
    """Labels are per school and dimension: "School A" of LOW1 and of LOW2 are resolved separately."""
    survey_round = world["round"]
    for code in ("LOW1", "LOW2"):
        for label, partner in partners_of(survey_round, code):
            resolved = operations.resolve_partner(survey_round, world["schools"][code], "teach", label)
            assert resolved.code == partner


def test_no_second_open_request_for_the_same_pair_and_dimension(app, db_session, world, sent, run_jobs):
    low1b = sign_in(app, world["users"]["low1b"])
    label = sent.partner_label
    answer = post(low1b, f"/school/partners/{world['round'].id}/ask", {"dimension": "teach", "partner": label},
                  "/school/partners")
    assert "Er skola har redan en öppen förfrågan" in low1b.get(answer.headers["Location"]).text  # bo reads Swedish
    assert db_session.scalar(select(func.count()).select_from(BenchlearningRequest)) == 1
    partners_page = low1b.get("/school/partners").text
    assert f"/school/requests/{sent.id}" in partners_page  # the list links to the open request instead
    operations.withdraw(world["users"]["low1"], sent)
    db_session.commit()
    again = post(low1b, f"/school/partners/{world['round'].id}/ask", {"dimension": "teach", "partner": label},
                 "/school/partners")
    assert again.status_code == 302 and again.headers["Location"] != "/school/partners"
    assert db_session.scalar(select(func.count()).select_from(BenchlearningRequest)) == 2

"""Admin and staff pages for rounds: who sees what, links, QR codes, posters, populations, counts."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.invitations.delivery import dispatch
from survey.rounds.models import PersonalInvitation, Population, RoundState, SurveyLink, SurveyRound
from survey.rounds.operations import ensure_links, set_population

from ..conftest import csrf_token_from
from .conftest import TODAY


@pytest.fixture
def nts_staff(make_user, nts):
    return make_user("staff.nts@example.org", school=nts)


def test_admin_lists_creates_and_follows_rounds(client, admin, login, versions, nts, vhs, add_responses):
    login(admin)
    form = client.get("/admin/rounds/new")
    assert form.status_code == 200
    response = client.post(
        "/admin/rounds/new",
        data={
            "csrf_token": csrf_token_from(form.text),
            "name": "Elevtrivsel 2027",
            "version_id": versions["student 2027"].id,
            "opens_on": str(TODAY + timedelta(days=3)),
            "closes_on": str(TODAY + timedelta(days=30)),
            "school_ids": [nts.id],
        },
    )
    assert response.status_code == 302, response.text
    created = db.session.scalar(select(SurveyRound))
    assert [s.code for s in created.schools] == ["NTS"]
    listing = client.get("/admin/rounds").text
    assert "Elevtrivsel 2027" in listing and "draft" in listing
    detail = client.get(f"/admin/rounds/{created.id}")
    assert "Open now" in detail.text
    opened = client.post(f"/admin/rounds/{created.id}/open", data={"csrf_token": csrf_token_from(detail.text)})
    assert opened.status_code == 302
    db.session.refresh(created)
    assert created.state_on(TODAY) is RoundState.OPEN
    links = client.post(f"/admin/rounds/{created.id}/links", data={"csrf_token": csrf_token_from(detail.text), "per_program": "y"})
    assert links.status_code == 302
    assert db.session.scalar(select(db.func.count(SurveyLink.id))) == 3
    add_responses(created, nts, 7, nts.programs[0])
    set_population(created, nts.programs[0], 10)
    db.session.commit()
    page = client.get(f"/admin/rounds/{created.id}").text
    assert "Close now" in page and "70%" in page
    csv_text = client.get(f"/admin/rounds/{created.id}/links.csv").text
    assert csv_text.count("http://benchlearn.test/s/") == 3


def test_admin_create_form_asks_to_confirm_an_opening_date_in_the_past(client, admin, login, versions, nts):
    login(admin)
    form = client.get("/admin/rounds/new")
    data = {
        "csrf_token": csrf_token_from(form.text),
        "name": "Elevtrivsel 2025",
        "version_id": versions["student 2026"].id,
        "opens_on": str(TODAY - timedelta(days=400)),
        "closes_on": str(TODAY - timedelta(days=370)),
        "school_ids": [nts.id],
    }
    refused = client.post("/admin/rounds/new", data=data)
    assert refused.status_code == 422
    assert "is in the past" in refused.text and "Yes, the round opens on a date in the past" in refused.text
    assert db.session.scalar(select(SurveyRound)) is None
    confirmed = client.post("/admin/rounds/new", data={**data, "past_confirmed": "y"})
    assert confirmed.status_code == 302
    assert db.session.scalar(select(SurveyRound)).state_on(TODAY) is RoundState.CLOSED


def test_admin_create_form_reports_bad_periods(client, admin, login, versions, nts):
    login(admin)
    form = client.get("/admin/rounds/new")
    response = client.post(
        "/admin/rounds/new",
        data={
            "csrf_token": csrf_token_from(form.text),
            "name": "Bad",
            "version_id": versions["student 2027"].id,
            "opens_on": "2026-05-01",
            "closes_on": "2026-04-01",
            "school_ids": [nts.id],
        },
    )
    assert response.status_code == 422
    assert "cannot close (2026-04-01) before it opens (2026-05-01)" in response.text


def test_admin_uploads_invitations_for_a_staff_round(app, client, admin, login, make_round, nts, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path))
    survey_round = make_round(name="Medarbejdere", version="staff 2026", schools=[nts])
    login(admin)
    page = client.get(f"/admin/rounds/{survey_round.id}")
    assert "Personal invitations" in page.text
    response = client.post(
        f"/admin/rounds/{survey_round.id}/invitations",
        data={
            "csrf_token": csrf_token_from(page.text),
            "school_id": nts.id,
            "addresses": (io.BytesIO(b"email\none@example.org\ntwo@example.org\n"), "staff.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert db.session.scalar(select(db.func.count(PersonalInvitation.id))) == 2
    assert not list(tmp_path.glob("*.eml"))  # queued for the paced sender, not mailed in the request
    assert dispatch().sent == 2
    mails = [p.read_text() for p in tmp_path.glob("*.eml")]
    assert len(mails) == 2 and all("http://benchlearn.test/p/" in m for m in mails)


def test_staff_see_their_links_qr_codes_posters_and_csv(client, nts_staff, login, make_round, nts, vhs):
    survey_round = make_round(name="Elevtrivsel", schools=[nts, vhs])
    ensure_links(survey_round)
    login(nts_staff)
    assert "Elevtrivsel" in client.get("/school/rounds").text
    page = client.get(f"/school/rounds/{survey_round.id}")
    assert page.status_code == 200
    made = client.post(f"/school/rounds/{survey_round.id}/links", data={"csrf_token": csrf_token_from(page.text), "per_program": "y"})
    assert made.status_code == 302
    links = db.session.scalars(select(SurveyLink).where(SurveyLink.school_id == nts.id)).all()
    assert len(links) == 3
    page = client.get(f"/school/rounds/{survey_round.id}").text
    for link in links:
        assert f"http://benchlearn.test/s/{link.token}" in page
    vhs_link = db.session.scalar(select(SurveyLink).where(SurveyLink.school_id == vhs.id))
    assert vhs_link.token not in page
    qr = client.get(f"/school/rounds/{survey_round.id}/links/{links[0].id}/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml" and qr.data.startswith(b"<svg")
    poster = client.get(f"/school/rounds/{survey_round.id}/links/{links[0].id}/poster").text
    assert f"http://benchlearn.test/s/{links[0].token}" in poster and "poster.css" in poster and "Elevtrivsel" in poster
    csv_text = client.get(f"/school/rounds/{survey_round.id}/links.csv").text
    assert csv_text.count("\nElevtrivsel,NTS,") == 3 and "VHS" not in csv_text


def test_staff_cannot_reach_another_schools_round_or_links(client, nts_staff, login, make_round, nts, vhs):
    theirs = make_round(name="Only VHS", schools=[vhs])
    shared = make_round(name="Shared", schools=[nts, vhs])
    ensure_links(theirs)
    ensure_links(shared)
    vhs_link = db.session.scalar(select(SurveyLink).where(SurveyLink.round_id == shared.id, SurveyLink.school_id == vhs.id))
    own_link = db.session.scalar(select(SurveyLink).where(SurveyLink.round_id == shared.id, SurveyLink.school_id == nts.id))
    login(nts_staff)
    token = csrf_token_from(client.get("/school/").text)
    assert "Only VHS" not in client.get("/school/rounds").text
    for url in ("", "/links.csv", f"/links/{own_link.id}/qr.svg", f"/links/{own_link.id}/poster"):
        assert client.get(f"/school/rounds/{theirs.id}{url}").status_code == 404, url
    for url in ("/links", "/population"):
        assert client.post(f"/school/rounds/{theirs.id}{url}", data={"csrf_token": token}).status_code == 404, url
    for url in (f"/links/{vhs_link.id}/qr.svg", f"/links/{vhs_link.id}/poster"):
        assert client.get(f"/school/rounds/{shared.id}{url}").status_code == 404, url
    assert client.get(f"/school/rounds/{shared.id}/links/{own_link.id}/qr.svg").status_code == 200


def test_staff_set_the_population_of_their_programs_only(client, nts_staff, login, make_round, nts, vhs):
    survey_round = make_round(schools=[nts, vhs])
    el, mek = nts.programs
    login(nts_staff)
    page = client.get(f"/school/rounds/{survey_round.id}")
    token = csrf_token_from(page.text)
    saved = client.post(
        f"/school/rounds/{survey_round.id}/population",
        data={"csrf_token": token, f"population-{el.id}": "40", f"population-{mek.id}": ""},
    )
    assert saved.status_code == 302
    assert {p.program_id: p.size for p in db.session.scalars(select(Population))} == {el.id: 40}
    assert 'value="40"' in client.get(f"/school/rounds/{survey_round.id}").text
    foreign = client.post(
        f"/school/rounds/{survey_round.id}/population",
        data={"csrf_token": token, f"population-{vhs.programs[0].id}": "99"},
    )
    assert foreign.status_code == 404
    bad = client.post(
        f"/school/rounds/{survey_round.id}/population", data={"csrf_token": token, f"population-{el.id}": "-3"}
    )
    assert bad.status_code == 422
    assert "give a whole number" in bad.text
    db.session.expire_all()
    assert {p.program_id: p.size for p in db.session.scalars(select(Population))} == {el.id: 40}


def test_staff_see_live_counts_of_their_school_only(client, nts_staff, login, make_round, nts, vhs, add_responses):
    survey_round = make_round(schools=[nts, vhs])
    add_responses(survey_round, nts, 6, nts.programs[0])
    add_responses(survey_round, vhs, 9, vhs.programs[0])
    set_population(survey_round, nts.programs[0], 8)
    login(nts_staff)
    page = client.get(f"/school/rounds/{survey_round.id}").text
    assert "75%" in page and "Total NTS" in page and "VHS" not in page and "Detail" not in page


def counts_in(page: str) -> list[str]:
    """The Responses column of the counts table, row by row (programs, then the total)."""
    import re

    body = page[page.index('<table class="counts">'):page.index("</table>")].split("<tbody>")[1]
    rows = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]
    return [re.sub(r"<[^>]+>", "", cells[1]).strip() for cells in rows]


def test_staff_see_no_live_count_below_k_min(client, nts_staff, login, make_round, nts, add_responses):
    """METHOD.md: live counts follow the results' rule. EL 3 of a population of 4: "–", and no "75%" (its
    rate times the population is its count); the school's total of 3 is "–" too."""
    survey_round = make_round(schools=[nts])
    add_responses(survey_round, nts, 3, nts.programs[0])
    set_population(survey_round, nts.programs[0], 4)
    login(nts_staff)
    page = client.get(f"/school/rounds/{survey_round.id}").text
    assert counts_in(page) == ["–", "0", "–"]
    assert "75%" not in page
    listing = client.get("/school/rounds").text
    assert ">3<" not in listing.replace(" ", "") and "75%" not in listing


def test_a_small_programs_count_is_not_the_total_minus_the_others(client, nts_staff, login, make_round, nts,
                                                                   add_responses):
    """EL 3, MEK 20: the total 23 is shown, so MEK is "–" as well (23 - 20 would be EL's 3)."""
    survey_round = make_round(schools=[nts])
    add_responses(survey_round, nts, 3, nts.programs[0])
    add_responses(survey_round, nts, 20, nts.programs[1])
    login(nts_staff)
    assert counts_in(client.get(f"/school/rounds/{survey_round.id}").text) == ["–", "–", "23"]


def test_admins_see_every_live_count(client, admin, login, make_round, nts, add_responses):
    survey_round = make_round(schools=[nts])
    add_responses(survey_round, nts, 3, nts.programs[0])
    login(admin)
    page = client.get(f"/admin/rounds/{survey_round.id}").text
    table = page[page.index('<table class="counts">'):page.index("</table>")]
    assert "<td>3</td>" in table


def test_staff_get_403_on_admin_round_pages(client, nts_staff, login, make_round, nts):
    survey_round = make_round(schools=[nts])
    login(nts_staff)
    for url in ("/admin/rounds", "/admin/rounds/new", f"/admin/rounds/{survey_round.id}", f"/admin/rounds/{survey_round.id}/links.csv"):
        assert client.get(url).status_code == 403, url

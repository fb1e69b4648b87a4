"""The network learning view: its numbers against an independent computation from the round's results, who
may read it, what it shows of the schools' plans, and its CSV and PDF (both read back)."""
from __future__ import annotations

import csv
import io
import subprocess

import pytest
from scipy import stats
from sqlalchemy import select

from survey.audit.models import AuditEntry
from survey.extensions import db
from survey.learning.view import learning_inputs
from survey.reporting.format import format_signed, format_signed_interval
from survey.results.service import round_results
from tests.conftest import TEST_PASSWORD, csrf_token_from
from tests.learning.conftest import AFTER, add_card
from tests.reports.conftest import pdf_text

EN = {"Accept-Language": "en"}
PLANNERS = {"LOW1", "LOW2", "MID1"}  # active or completed plans on teach set on the first round (MID2: a draft)


def test_numbers_against_the_rounds_results(learning_network):
    inputs = learning_inputs(learning_network.new, "en", today=AFTER)
    aggregates = round_results(learning_network.new, today=AFTER).aggregates
    rows = aggregates[aggregates["breakdown"] == "all"]
    network = rows[rows["school"] == "NETWORK"].set_index("dimension")
    view = inputs.network.set_index("dimension")
    for key in ("teach", "wellbeing", "overall"):
        for column in ("change", "change_low", "change_high", "q_value"):
            assert view.loc[key, column] == pytest.approx(network.loc[key, column], rel=1e-12)
        assert view.loc[key, "trend_flag"] == network.loc[key, "trend_flag"]
    assert inputs.previous_round == "Runde 2025"

    # the plan groups: schools as units, scipy's t interval over each group's changes
    teach = rows[(rows["school"] != "NETWORK") & (rows["dimension"] == "teach")].set_index("school")["change"]
    groups = inputs.plan_groups.set_index(["dimension", "group"])
    for group, members in (("with", PLANNERS), ("without", set(teach.index) - PLANNERS)):
        values = teach[sorted(members)].to_numpy()
        low, high = stats.t.interval(0.95, len(values) - 1, loc=values.mean(), scale=stats.sem(values))
        found = groups.loc[("teach", group)]
        assert found["n"] == len(values) and found["mean"] == pytest.approx(values.mean(), rel=1e-9)
        assert (found["low"], found["high"]) == pytest.approx((low, high), rel=1e-9)
    # wellbeing: MID1 and TOP1 planned on it, 2 schools: hidden with the rest (admins do not read plans)
    assert groups.loc[("wellbeing", "with"), "hidden"] and groups.loc[("wellbeing", "without"), "hidden"]
    assert inputs.planned.empty

    cards = inputs.cards
    assert sorted(cards.loc[cards["dimension"] == "teach", "title"]) == sorted(
        ["Morning circles", "Peer observation", "Feedback weeks", "Weak school idea", "Our own idea"])
    assert cards.loc[cards["dimension"] == "teach", "title"].iloc[0] == "Peer observation"  # featured first
    assert inputs.activity == {"cards_published": 7, "cards_featured": 1, "requests_sent": 0, "requests_accepted": 0,
                               "requests_declined": 0, "requests_meetings": 0, "requests_completed": 0,
                               "plans_active": 3, "plans_completed": 1}


def test_the_planned_schools_are_listed_only_where_admins_read_plans(learning_network, db_session):
    learning_network.network.admins_read_plans = True
    db_session.flush()
    inputs = learning_inputs(learning_network.new, "en", today=AFTER)
    planned = inputs.planned
    assert set(planned.loc[planned["dimension"] == "teach", "school"]) == PLANNERS
    assert set(planned.loc[planned["dimension"] == "wellbeing", "school"]) == {"MID1", "TOP1"}
    groups = inputs.plan_groups.set_index(["dimension", "group"])
    assert groups.loc[("wellbeing", "with"), "n"] == 2 and not groups.loc[("wellbeing", "with"), "hidden"]


def test_admin_page_shows_the_latest_closed_round_and_hides_who_planned(client, login, admin, learning_network):
    login(admin)
    page = client.get("/admin/learning/", headers=EN)
    assert page.status_code == 200
    text = page.text
    assert "Learning in the network · Runde 2026" in text
    assert "Change against Runde 2025, the last comparable round." in text
    assert "Peer observation" in text and "Morning circles" in text
    assert "Secret draft" not in text and "Foreign idea" not in text and "Staff room" not in text
    assert "The network does not let admins read action plans" in text
    assert "Skolen low2" not in text and "Skolen mid1" not in text  # planners without cards: never named
    older = client.get(f"/admin/learning/{learning_network.old.id}/", headers=EN)
    assert older.status_code == 200 and "No earlier comparable round" in older.text
    picked = client.get(f"/admin/learning/?round={learning_network.old.id}")
    assert picked.status_code == 302 and picked.location.endswith(f"/admin/learning/{learning_network.old.id}/")


def test_admin_page_lists_the_planned_schools_where_the_network_says_so(client, login, admin, learning_network,
                                                                        db_session):
    learning_network.network.admins_read_plans = True
    login(admin)
    text = client.get(f"/admin/learning/{learning_network.new.id}/", headers=EN).text
    assert "Schools with a plan" in text and "Skolen low2" in text and "Skolen mid1" in text
    assert "Skolen mid2" not in text.split("Schools with a plan")[1]  # a draft plan is no plan


def test_school_staff_and_other_networks_are_refused(client, login, make_user, learning_network, make_network,
                                                     db_session):
    from survey.accounts.operations import add_user

    staff = make_user("staff.low1@example.org", school=learning_network.schools["LOW1"])
    login(staff)
    for url in ("/admin/learning/", f"/admin/learning/{learning_network.new.id}/",
                f"/admin/learning/{learning_network.new.id}/learning.csv",
                f"/admin/learning/{learning_network.new.id}/learning.pdf"):
        assert client.get(url).status_code == 403, url
    other = make_network("Fremmed netværk")
    stranger = add_user("admin@fremmed.example", TEST_PASSWORD, "network_admin", other, None)
    stranger.locale = "en"
    fresh = client.application.test_client()
    db_session.commit()
    form = fresh.get("/auth/login")
    fresh.post("/auth/login", data={"email": stranger.email, "password": TEST_PASSWORD,
                                    "csrf_token": csrf_token_from(form.text)})
    for url in (f"/admin/learning/{learning_network.new.id}/", f"/admin/learning/{learning_network.new.id}/learning.csv",
                f"/admin/learning/?round={learning_network.new.id}"):
        assert fresh.get(url).status_code == 404, url
    assert "Runde 2026" not in fresh.get("/admin/learning/", headers=EN).text


def test_csv_is_tidy_escaped_and_recorded(client, login, admin, learning_network, db_session):
    add_card(db_session, learning_network.schools["TOP1"], '=HYPERLINK("http://evil.example","x")', ["teach"])
    login(admin)
    response = client.get(f"/admin/learning/{learning_network.new.id}/learning.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert list(rows[0]) == ["round", "section", "dimension", "subject", "school", "name", "measure", "value", "low",
                             "high", "n", "q_value", "flag", "status", "featured"]
    titles = [row["name"] for row in rows if row["section"] == "practice"]
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in titles and not any(t.startswith("=") for t in titles)
    inputs = learning_inputs(learning_network.new, "en", today=AFTER)
    network = inputs.network.set_index("dimension")
    change = next(row for row in rows if row["section"] == "network" and row["dimension"] == "teach")
    assert float(change["value"]) == pytest.approx(network.loc["teach", "change"], rel=1e-9)
    hidden = [row for row in rows if row["section"] == "plan_group" and row["dimension"] == "wellbeing"]
    assert {row["n"] for row in hidden} == {"–"} and {row["value"] for row in hidden} == {""}
    assert not [row for row in rows if row["section"] == "planned_school"]
    activity = {row["subject"]: float(row["value"]) for row in rows if row["section"] == "activity"}
    assert activity["plans_active"] == 3 and activity["cards_published"] == 8
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "export.learning"))
    assert entry is not None and entry.actor == admin.email and entry.details == {"format": "csv"}


def test_pdf_for_the_annual_meeting_reads_back(client, login, admin, learning_network, db_session, tmp_path):
    learning_network.network.admins_read_plans = True
    login(admin)
    response = client.get(f"/admin/learning/{learning_network.new.id}/learning.pdf", headers=EN)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data, tmp_path)
    assert "Benchlearning in the network" in text and "Where the network improved or fell" in text
    assert "Peer observation" in text and "Secret draft" not in text
    assert "Schools with a plan" in text and "Skolen low2" in text
    assert "not an effect of planning" in " ".join(text.split())
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "pdf.download")).all()
    assert [entry.details for entry in entries] == [{"report": "learning"}]


@pytest.mark.parametrize(("language", "title"), [("da", "Benchlearning i netværket"), ("sv", "Benchlearning i nätverket"),
                                                 ("en", "Benchlearning in the network")])
def test_the_learning_pdf_is_tagged_pdf_ua_in_each_language(learning_network, tmp_path, language, title):
    from survey.reporting.pdf import render_learning_report
    from tests.reports.conftest import poppler

    path = tmp_path / "learning.pdf"
    path.write_bytes(render_learning_report(learning_inputs(learning_network.new, language, today=AFTER)))
    info = subprocess.run([poppler("pdfinfo"), str(path)], check=True, capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info and f"Title:           {title}" in info
    meta = subprocess.run([poppler("pdfinfo"), "-meta", str(path)], check=True, capture_output=True, text=True).stdout
    assert 'pdfuaid:part="1"' in meta
    fonts = subprocess.run([poppler("pdffonts"), str(path)], check=True, capture_output=True, text=True).stdout
    assert all(" yes " in row for row in fonts.splitlines()[2:]), fonts  # every font embedded


def test_learning_activity_counts_requests_in_every_state(learning_network, db_session):
    from survey.partnering.models import BenchlearningRequest

    schools = learning_network.schools
    states = ["pending", "accepted", "accepted", "declined", "withdrawn", "visit_planned", "completed", "completed"]
    for i, status in enumerate(states):
        db_session.add(BenchlearningRequest(network_id=learning_network.network.id, from_school_id=schools["LOW1"].id,
                                            to_school_id=schools["TOP1"].id, round_id=learning_network.new.id,
                                            # one open request per pair and dimension (partnering's index)
                                            dimension=f"teach-{i}", partner_label=f"School {i}", status=status))
    db_session.flush()
    activity = learning_inputs(learning_network.new, "en", today=AFTER).activity
    assert activity["requests_sent"] == 8
    assert activity["requests_accepted"] == 5  # accepted, and those that went on to a meeting
    assert activity["requests_declined"] == 1
    assert activity["requests_meetings"] == 3 and activity["requests_completed"] == 2


def test_each_cards_change_since_it_began_is_its_schools_measured_change(learning_network, client, login, admin):
    """The cards began in April 2025, between the two rounds: the change since they began is their school's
    change from the first round to the second (the evidence beside a card, survey.learning.evidence)."""
    inputs = learning_inputs(learning_network.new, "en", today=AFTER)
    aggregates = round_results(learning_network.new, today=AFTER).aggregates
    teach = aggregates[(aggregates["breakdown"] == "all") & (aggregates["dimension"] == "teach")].set_index("school")
    card = learning_network.cards["top1"]
    change = next(found.change for found in inputs.evidence[card.id].dimensions if found.dimension == "teach")
    assert change.status == "measured"
    assert change.change == pytest.approx(teach.loc["TOP1", "change"], rel=1e-9)
    assert (change.change_low, change.change_high) == pytest.approx(
        (teach.loc["TOP1", "change_low"], teach.loc["TOP1", "change_high"]), rel=1e-9)
    login(admin)
    text = client.get(f"/admin/learning/{learning_network.new.id}/", headers=EN).text
    shown = f"{format_signed(change.change, 'en')} {format_signed_interval(change.change_low, change.change_high, 'en')}"
    assert shown in text


def test_the_pdf_names_no_planned_school_where_plans_are_the_schools(client, login, admin, learning_network, tmp_path):
    login(admin)
    text = pdf_text(client.get(f"/admin/learning/{learning_network.new.id}/learning.pdf", headers=EN).data, tmp_path)
    assert "Schools with a plan" not in text and "Skolen low2" not in text and "Skolen mid1" not in text
    assert "only the groups' figures are shown" in " ".join(text.split())

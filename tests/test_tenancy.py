"""Tenancy: every object belongs to one network, and the users of another network never reach it.

Two networks, each with an admin, a school with staff, questionnaire versions (the same student file in both,
and one version only it has), an open and a closed round and a respondent link. Every URL of the app that takes
an object is requested with the OTHER network's objects, as the other network's admin and staff, GET and
POST (with a valid CSRF token, so that a refusal is the object check's, not the form's); pages without an
object must not show the other network's. Nothing in the database may change.
"""
from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from flask import url_for

from survey.accounts.models import User
from survey.accounts.operations import add_user
from survey.api.tokens import create_token
from survey.catalog.models import QuestionnaireVersion
from survey.catalog.operations import publish_definition, validate_source
from survey.config import PROJECT_ROOT
from survey.extensions import db
from survey.jobs.models import Job, JobState
from survey.network.models import Network, Organiser, Program, School
from survey.partnering.models import BenchlearningRequest
from survey.plans.models import ActionPlan
from survey.practices.models import PracticeAttachment, PracticeCard
from survey.rounds.models import SurveyLink, SurveyRound

from .conftest import TEST_PASSWORD, csrf_token_from

TODAY = date.today()
QUESTIONNAIRES = PROJECT_ROOT / "questionnaires"
# Endpoints that hold no network's object: the respondent's form (reached by an unguessable link token, not a
# login), unsubscribing (reached by a signed token from an e-mail, not a login), logging in and out, and static
# files.
NOT_NETWORK_SCOPED = ("respond.", "unsubscribe.", "auth.", "static", "privacy_public.")  # public pages
# Rows that record the requester's own use, not anyone's data: an API token's "last used" day.
OWN_USE_TABLES = {"api_token"}
# Columns that record the requester's own use: when a user last logged in.
OWN_USE_COLUMNS = {"user_account": {"last_login_at"}}


@dataclass
class Tenant:
    network: Network
    school: School
    admin: User
    staff: User
    shared_version: QuestionnaireVersion  # the same file, published in both networks
    own_version: QuestionnaireVersion  # a family only this network publishes (unused: it could be withdrawn)
    open_round: SurveyRound
    closed_round: SurveyRound
    link: SurveyLink
    job: Job  # a report build this network's admin started
    card: PracticeCard  # published, with an attachment
    plan: ActionPlan
    request: BenchlearningRequest  # from the school to a second school of the network

    def markers(self) -> list[str]:
        """Text that only a page or answer about this network's objects contains."""
        return [
            self.network.name, self.school.name, self.school.organiser.name, self.open_round.name, self.closed_round.name, self.link.token,
            f'/admin/questionnaires/{self.own_version.id}"', f'/admin/questionnaires/{self.shared_version.id}"',
            self.own_version.checksum, self.own_version.label,
        ]


def publish(network: Network, family: str) -> QuestionnaireVersion:
    path = QUESTIONNAIRES / family / "2026.yaml"
    text = path.read_text(encoding="utf-8")
    return publish_definition(network, validate_source(text, str(path), network=network), text, "test").version


def make_tenant(session, name: str, code: str, own_family: str, add_responses) -> Tenant:
    network = Network(name=name)
    organiser = Organiser(network=network, code=f"K{code}", name=f"Kommunen {code} i {name}")
    school = School(network=network, code=code, name=f"Skolen {code} i {name}", type="EUD", region="Midtjylland",
                    programs=[Program(code="EL", name="Elektriker")], organiser=organiser)
    session.add_all([network, school])
    session.flush()
    admin = add_user(f"admin@{code.lower()}.example.org", TEST_PASSWORD, "network_admin", network)
    staff = add_user(f"staff@{code.lower()}.example.org", TEST_PASSWORD, "school_staff", network, school)
    shared, own = publish(network, "student"), publish(network, own_family)
    rounds = []
    for label, opens, closes in (("åben", -3, 20), ("lukket", -60, -30)):
        survey_round = SurveyRound(network=network, version=shared, name=f"{name} {label} runde",
                                   opens_on=TODAY + timedelta(days=opens), closes_on=TODAY + timedelta(days=closes))
        survey_round.schools = [school]
        session.add(survey_round)
        rounds.append(survey_round)
    session.flush()
    add_responses(rounds[1], school, count=8)
    link = SurveyLink(round=rounds[0], school=school, token=secrets.token_urlsafe(24))
    session.add(link)
    job = Job(kind="report.build", params={"round_id": rounds[1].id}, state=JobState.DONE, done=1, total=1,
              result={"built": 1}, created_at=datetime.now(timezone.utc), created_by=admin.id, network_id=network.id)
    session.add(job)
    partner = School(network=network, code=f"{code}2", name=f"Partnerskolen {code}", type="EUD", region="Midtjylland")
    card = PracticeCard(network=network, school=school, title=f"Praksis {code}", status="published")
    card.attachments = [PracticeAttachment(filename="a.pdf", stored_name=secrets.token_hex(16),
                                           content_type="application/pdf", size=1, sha256="0" * 64)]
    plan = ActionPlan(school=school, base_round=rounds[1], title=f"Plan {code}")
    request = BenchlearningRequest(network=network, from_school=school, to_school=partner, round=rounds[1],
                                   dimension="wellbeing", partner_label="Partner A")
    session.add_all([partner, card, plan, request])
    session.flush()
    return Tenant(network, school, admin, staff, shared, own, rounds[0], rounds[1], link, job, card, plan, request)


@pytest.fixture
def tenants(db_session, add_responses) -> tuple[Tenant, Tenant]:
    alpha = make_tenant(db_session, "Alfanetværket", "ALF", "staff", add_responses)
    beta = make_tenant(db_session, "Betanetværket", "BET", "company", add_responses)
    db_session.commit()
    return alpha, beta


def values_for(rule, owner: Tenant) -> list[dict]:
    """Every way to fill the rule's parameters with the owner's objects."""
    choices = {
        "round_id": [owner.open_round.id, owner.closed_round.id],
        "version_id": [owner.shared_version.id, owner.own_version.id],
        "link_id": [owner.link.id],
        "code": [owner.school.code],
        "key": [owner.school.code, "network"],
        "fmt": ["csv"],
        "user_id": [owner.admin.id, owner.staff.id],
        "job_id": [owner.job.id],
        "school_code": [owner.school.code],
        "program_code": ["EL"],
        "organiser_code": [owner.school.organiser.code],
        "language": ["da"],
        "card_id": [owner.card.id],
        "attachment_id": [owner.card.attachments[0].id],
        "plan_id": [owner.plan.id],
        "request_id": [owner.request.id],
    }
    names = sorted(rule.arguments)
    unknown = [name for name in names if name not in choices]
    assert not unknown, f"{rule.rule}: no {unknown} to fill in; teach this test the new parameter"
    return [dict(zip(names, combination)) for combination in itertools.product(*(choices[n] for n in names))]


def database_rows(session) -> dict[str, list]:
    rows = {}
    for table in db.metadata.sorted_tables:
        if table.name not in OWN_USE_TABLES:
            columns = [c for c in table.columns if c.name not in OWN_USE_COLUMNS.get(table.name, ())]
            rows[table.name] = sorted(map(repr, session.execute(sa.select(*columns)).all()))
    return rows


def logged_in(app, user: User, form_page: str):
    """A browser logged in as `user`, and a CSRF token of its session taken from `form_page`."""
    browser = app.test_client()
    page = browser.get("/auth/login")
    response = browser.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD,
                                                 "csrf_token": csrf_token_from(page.text)})
    assert response.status_code == 302, response.text
    page = browser.get(form_page)
    assert page.status_code == 200, form_page
    return browser, csrf_token_from(page.text)


@pytest.mark.parametrize("direction", ["beta reaches for alpha", "alpha reaches for beta"])
def test_no_url_reaches_another_networks_objects(app, db_session, tenants, direction):
    owner, visitor = tenants if direction == "beta reaches for alpha" else tenants[::-1]
    before = database_rows(db_session)
    visitors = {
        "admin": logged_in(app, visitor.admin, "/admin/settings"),
        "staff": logged_in(app, visitor.staff, f"/school/rounds/{visitor.open_round.id}"),
    }
    tokens = {role: create_token(getattr(visitor, role), "tenancy test") for role in visitors}
    db_session.commit()
    before |= {"api_token": None}
    leaks, checked = [], 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(NOT_NETWORK_SCOPED):
            continue
        for values, role, method in itertools.product(values_for(rule, owner), visitors, ("GET", "POST")):
            url = url_for(rule.endpoint, **values)
            browser, csrf = visitors[role]
            if rule.endpoint.startswith("api."):
                response = app.test_client().open(url, method=method,
                                                  headers={"Authorization": f"Bearer {tokens[role]}"})
            else:
                response = browser.open(url, method=method, data={"csrf_token": csrf} if method == "POST" else None)
            checked += 1
            status = response.status_code
            if method not in rule.methods:
                refused = status == 405
            elif rule.arguments:
                refused = status in (403, 404)
            elif method == "GET":  # a list or form of the visitor's own network: none of the owner's objects
                refused = status in (200, 403) and not [m for m in owner.markers() if m in response.text]
            else:  # a form of the visitor's own network, posted empty: refused as incomplete
                refused = status in (400, 403, 422)
            response.close()
            if not refused:
                leaks.append(f"{role} {method} {url} -> {status}")
    after = database_rows(db_session)
    after |= {"api_token": None}
    assert leaks == [], f"{len(leaks)} of {checked} requests reached {owner.network.name}:\n" + "\n".join(leaks)
    assert checked > 250
    assert after == before


# --- the command line with two networks ------------------------------------------------------------------


def test_results_and_report_commands_find_a_round_of_either_network(cli, tenants, tmp_path):
    alpha, beta = tenants
    for tenant in tenants:
        frozen = cli("results", "freeze", tenant.closed_round.name)
        assert frozen.exit_code == 0, frozen.stderr
        assert f"round '{tenant.closed_round.name}': 8 responses" in frozen.stdout
    out = tmp_path / "aggregates.csv"
    exported = cli("results", "export", str(beta.closed_round.id), "--aggregates", str(out))
    assert exported.exit_code == 0, exported.stderr
    assert beta.school.code in out.read_text(encoding="utf-8") and alpha.school.code not in out.read_text(encoding="utf-8")
    responses = tmp_path / "responses.csv"
    assert cli("results", "export", alpha.closed_round.name, "--responses", str(responses)).exit_code == 0
    assert len(responses.read_text(encoding="utf-8").splitlines()) == 1 + 8
    built = cli("report", "build", alpha.closed_round.name, "--school", alpha.school.code, "--out", str(tmp_path / "pdf"),
                "--workers", "1")
    assert built.exit_code == 0, built.stderr
    assert list((tmp_path / "pdf" / str(alpha.closed_round.id)).glob("*.pdf"))


def same_name_rounds(db_session, tenants, name: str = "Fælles runde 2025") -> None:
    for tenant in tenants:
        survey_round = SurveyRound(network=tenant.network, version=tenant.shared_version, name=name,
                                   opens_on=TODAY - timedelta(days=90), closes_on=TODAY - timedelta(days=60))
        survey_round.schools = [tenant.school]
        db_session.add(survey_round)
    db_session.flush()


@pytest.mark.parametrize("command", [
    ("results", "freeze"),
    ("results", "export", "--aggregates", "OUT.csv"),
    ("report", "build"),
    ("round", "schools"),
])
def test_a_round_name_two_networks_use_needs_network(cli, db_session, tenants, tmp_path, command):
    same_name_rounds(db_session, tenants)
    group, name, *options = command
    options = [str(tmp_path / "out.csv") if option == "OUT.csv" else option for option in options]
    ambiguous = cli(group, name, "Fælles runde 2025", *options)
    assert ambiguous.exit_code == 1
    assert ("round 'Fælles runde 2025' exists in several networks ('Alfanetværket', 'Betanetværket'): "
            "give --network NAME") in ambiguous.stderr
    if command == ("report", "build"):
        options = ["--school", "BET", "--out", str(tmp_path / "pdf"), "--workers", "1"]
    if command[:2] in (("results", "export"), ("report", "build")):  # they read frozen results only
        assert cli("results", "freeze", "Fælles runde 2025", "--network", "Betanetværket").exit_code == 0
    chosen = cli(group, name, "Fælles runde 2025", *options, "--network", "Betanetværket")
    assert chosen.exit_code == 0, chosen.stderr


def test_a_round_id_needs_no_network_and_an_unknown_network_is_named(cli, tenants):
    alpha, _beta = tenants
    listed = cli("round", "schools", str(alpha.open_round.id))
    assert listed.exit_code == 0 and alpha.school.code in listed.stdout
    wrong = cli("round", "schools", alpha.open_round.name, "--network", "Betanetværket")
    assert wrong.exit_code == 1 and "in Betanetværket" in wrong.stderr
    unknown = cli("results", "freeze", alpha.closed_round.name, "--network", "Gammanetværket")
    assert unknown.exit_code == 1
    assert "no network named 'Gammanetværket' (networks: 'Alfanetværket', 'Betanetværket')" in unknown.stderr


@pytest.mark.parametrize("command", [
    ("questionnaire", "list"),
    ("questionnaire", "withdraw", "staff", "2026"),
    ("questionnaire", "publish", str(QUESTIONNAIRES / "staff" / "2026.yaml")),
    ("questionnaire", "diff", "student:2026", "staff:2026"),
    ("round", "list"),
    ("round", "create", "--family", "student", "--version", "2026", "--name", "Ny", "--opens", "2030-01-01",
     "--closes", "2030-02-01"),
])
def test_a_catalog_or_network_command_names_the_networks_when_ambiguous(cli, tenants, command):
    result = cli(*command)
    assert result.exit_code == 1
    assert "there are several networks ('Alfanetværket', 'Betanetværket'): give --network NAME" in result.stderr


def test_each_network_publishes_lists_and_withdraws_its_own_catalog(cli, db_session, tenants):
    alpha, beta = tenants
    assert alpha.shared_version.checksum == beta.shared_version.checksum  # the same file in both catalogs
    listed = cli("questionnaire", "list", "--network", "Betanetværket").stdout
    assert "company 2026" in listed and "staff 2026" not in listed and "student 2026" in listed

    refused = cli("questionnaire", "withdraw", "staff", "2026", "--network", "Betanetværket")
    assert refused.exit_code == 1 and "staff 2026 is not published in Betanetværket" in refused.stderr
    published = cli("questionnaire", "publish", str(QUESTIONNAIRES / "staff" / "2026.yaml"), "--network", "Betanetværket")
    assert published.exit_code == 0 and "published staff 2026 in Betanetværket" in published.stdout
    assert cli("questionnaire", "withdraw", "staff", "2026", "--network", "Betanetværket").exit_code == 0
    db_session.expire_all()
    assert not alpha.own_version.is_withdrawn  # Alfa's staff 2026 is another version
    assert "staff 2026       published" in cli("questionnaire", "list", "--network", "Alfanetværket").stdout

    follows = cli("questionnaire", "publish", str(QUESTIONNAIRES / "student" / "2027.yaml"), "--network", "Betanetværket")
    assert follows.exit_code == 0, follows.stderr  # it follows Beta's own student 2026
    diff = cli("questionnaire", "diff", "student:2026", "student:2027", "--network", "Betanetværket")
    assert diff.exit_code == 0 and diff.stdout, diff.stderr
    missing = cli("questionnaire", "diff", "student:2026", "student:2027", "--network", "Alfanetværket")
    assert missing.exit_code != 0 and "published in Alfanetværket" in missing.stderr


def test_a_round_runs_only_a_version_of_its_own_network(cli, tenants):
    from survey.rounds.operations import RoundStateError, create_round

    alpha, beta = tenants
    with pytest.raises(RoundStateError, match="staff 2026 is not a questionnaire of Betanetværket"):
        create_round(beta.network, alpha.own_version, "Lånt", TODAY, TODAY + timedelta(days=9), [beta.school])
    refused = cli("round", "create", "--network", "Betanetværket", "--family", "staff", "--version", "2026",
                  "--name", "Lånt", "--opens", "2030-01-01", "--closes", "2030-02-01")
    assert refused.exit_code == 1
    assert "unknown questionnaire family 'staff' (known in Betanetværket: company, student)" in refused.stderr


def test_an_admin_publishes_into_their_own_networks_catalog(client, login, db_session, tenants):
    from tests.test_publishing import _publish_form, upload

    alpha, beta = tenants
    login(beta.admin)
    preview = upload(client, QUESTIONNAIRES / "staff" / "2026.yaml")  # Alfa published this file; Beta has not
    assert preview.status_code == 200 and "already published" not in preview.text
    confirm = client.post("/admin/questionnaires/publish", data=_publish_form(preview.text))
    assert confirm.status_code == 302
    db_session.expire_all()
    versions = db_session.scalars(sa.select(QuestionnaireVersion).where(QuestionnaireVersion.version == "2026")).all()
    staff = {v.network_id: v for v in versions if v.family.key == "staff"}
    assert set(staff) == {alpha.network.id, beta.network.id} and staff[beta.network.id].published_by == beta.admin.email
    assert staff[alpha.network.id].checksum == staff[beta.network.id].checksum
    listed = client.get("/admin/questionnaires").text
    assert f'/admin/questionnaires/{staff[beta.network.id].id}"' in listed
    assert f'/admin/questionnaires/{staff[alpha.network.id].id}"' not in listed

"""`benchlearn round create|list|links|invite`."""
from __future__ import annotations

import csv
import email
import hashlib
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from survey.catalog.operations import withdraw_version
from survey.extensions import db
from survey.rounds.models import PersonalInvitation, RoundState, SurveyLink, SurveyRound

from .conftest import TODAY


@pytest.fixture
def schools(make_school):
    return [make_school("NTS", programs=("EL", "MEK")), make_school("VHS", programs=("DETAIL",)), make_school("AAE")]


def create(cli, *extra, family="student", version="2026", name="Elevtrivsel 2026", opens="2026-02-01", closes="2026-03-15", yes=True):
    """`round create`; with `yes`, confirming the opening date (in the past by default)."""
    confirm = ("--yes",) if yes else ()
    return cli("round", "create", "--family", family, "--version", version, "--name", name, "--opens", opens, "--closes", closes, *confirm, *extra)


def test_create_refuses_an_opening_date_in_the_past_unless_confirmed(cli, versions, schools):
    opens, closes = str(TODAY - timedelta(days=2)), str(TODAY + timedelta(days=20))
    refused = create(cli, opens=opens, closes=closes, yes=False)
    assert refused.exit_code == 1
    assert f"The opening date {TODAY - timedelta(days=2):%d %B %Y} is in the past" in refused.stderr
    assert db.session.scalar(select(SurveyRound)) is None
    assert create(cli, opens=opens, closes=closes, yes=True).exit_code == 0
    assert db.session.scalar(select(SurveyRound)).state_on(TODAY) is RoundState.OPEN
    assert create(cli, name="Later", opens=str(TODAY), closes=closes, yes=False).exit_code == 0


def test_create_a_round_at_some_schools(cli, versions, schools):
    result = create(cli, "--schools", "NTS,VHS")
    assert result.exit_code == 0, result.output
    created = db.session.scalar(select(SurveyRound).where(SurveyRound.name == "Elevtrivsel 2026"))
    assert [s.code for s in created.schools] == ["NTS", "VHS"]
    assert created.version == versions["student 2026"]
    assert "created round 'Elevtrivsel 2026'" in result.stdout


def test_create_without_schools_takes_every_school(cli, versions, schools):
    assert create(cli).exit_code == 0
    assert len(db.session.scalar(select(SurveyRound)).schools) == 3


@pytest.mark.parametrize(
    "kwargs, extra, message",
    [
        ({"family": "pupils"}, (), "unknown questionnaire family 'pupils' (known in Testnetværket: staff, student)"),
        ({"version": "2031"}, (), "student 2031 is not published in Testnetværket (published student versions: 2026, 2027)"),
        ({"opens": "2026-13-01"}, (), "'2026-13-01' does not match the format '%Y-%m-%d'"),
        ({"opens": "2026-03-01", "closes": "2026-02-01"}, (), "cannot close (2026-02-01) before it opens (2026-03-01)"),
        ({}, ("--schools", "NTS,XYZ"), "no school with code 'XYZ'"),
    ],
)
def test_create_refuses_with_a_clear_message(cli, versions, schools, kwargs, extra, message):
    result = create(cli, *extra, **kwargs)
    assert result.exit_code != 0
    assert message in result.stderr
    assert db.session.scalar(select(SurveyRound)) is None


def test_create_refuses_a_withdrawn_version_and_a_taken_name(cli, versions, schools):
    withdraw_version(versions["student 2027"])
    result = create(cli, version="2027")
    assert result.exit_code == 1 and "student 2027 is withdrawn" in result.stderr
    assert create(cli).exit_code == 0
    again = create(cli)
    assert again.exit_code == 1 and "a round named 'Elevtrivsel 2026' already exists" in again.stderr


def test_list_shows_state_and_responses(cli, versions, schools):
    create(cli)
    create(cli, name="Elevtrivsel 2027", version="2027", opens=str(TODAY), closes=str(TODAY + timedelta(days=9)))
    lines = cli("round", "list").stdout.splitlines()
    assert "Elevtrivsel 2027" in lines[0] and " open " in lines[0]
    assert "Elevtrivsel 2026" in lines[1] and " closed " in lines[1] and "0 responses" in lines[1]


def read_csv(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_links_csv_has_one_unguessable_link_per_school(cli, versions, schools, tmp_path):
    create(cli, opens=str(TODAY), closes=str(TODAY + timedelta(days=9)))
    out = tmp_path / "links.csv"
    result = cli("round", "links", "Elevtrivsel 2026", "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = read_csv(out)
    assert [r["school_code"] for r in rows] == ["AAE", "NTS", "VHS"]
    assert list(rows[0]) == ["round", "school_code", "school_name", "program_code", "program_name", "url"]
    tokens = [re.fullmatch(r"http://benchlearn\.test/s/([A-Za-z0-9_-]{32})", r["url"]).group(1) for r in rows]
    assert len(set(tokens)) == 3
    stored = set(db.session.scalars(select(SurveyLink.token)))
    assert stored == set(tokens)
    # running again keeps the links; by id works as well as by name
    round_id = str(db.session.scalar(select(SurveyRound.id)))
    cli("round", "links", round_id, "--out", str(out))
    assert [r["url"].rsplit("/", 1)[1] for r in read_csv(out)] == tokens


def test_links_per_program_for_one_school(cli, versions, schools, tmp_path):
    create(cli, opens=str(TODAY), closes=str(TODAY + timedelta(days=9)))
    out = tmp_path / "links.csv"
    assert cli("round", "links", "Elevtrivsel 2026", "--school", "NTS", "--per-program", "--out", str(out)).exit_code == 0
    rows = read_csv(out)
    assert [(r["school_code"], r["program_code"]) for r in rows] == [("NTS", ""), ("NTS", "EL"), ("NTS", "MEK")]
    assert db.session.scalar(select(db.func.count(SurveyLink.id))) == 3


def test_links_of_unknown_round_or_school_outside_the_round(cli, versions, schools, tmp_path):
    create(cli, "--schools", "NTS", opens=str(TODAY), closes=str(TODAY + timedelta(days=9)))
    missing = cli("round", "links", "Nope", "--out", str(tmp_path / "x.csv"))
    assert missing.exit_code == 1 and "no round named 'Nope'" in missing.stderr
    outside = cli("round", "links", "Elevtrivsel 2026", "--school", "VHS", "--out", str(tmp_path / "x.csv"))
    assert outside.exit_code == 1 and "VHS does not take part in 'Elevtrivsel 2026'" in outside.stderr


@pytest.fixture
def outbox(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path / "outbox"))
    return tmp_path / "outbox"


def test_invite_mails_single_use_links_and_keeps_only_their_hash(cli, versions, schools, tmp_path, outbox):
    create(cli, family="staff", name="Medarbejdere", opens=str(TODAY), closes=str(TODAY + timedelta(days=9)))
    addresses = tmp_path / "staff.csv"
    addresses.write_text("name,email\nAnne,Anne@Example.org\nBo,bo@example.org\nBo again,bo@example.org\n", encoding="utf-8")
    result = cli("round", "invite", "Medarbejdere", "--school", "NTS", str(addresses))
    assert result.exit_code == 0, result.output
    assert "sent 2 invitations" in result.stdout
    invitations = db.session.scalars(select(PersonalInvitation).order_by(PersonalInvitation.email)).all()
    assert [i.email for i in invitations] == ["anne@example.org", "bo@example.org"]
    mails = {m["To"]: m for m in (email.message_from_bytes(p.read_bytes()) for p in outbox.glob("*.eml"))}
    assert set(mails) == {"anne@example.org", "bo@example.org"}
    for invitation in invitations:
        body = mails[invitation.email].get_payload(decode=True).decode()
        token = re.search(r"http://benchlearn\.test/p/([A-Za-z0-9_-]{32})(?![A-Za-z0-9_-])", body).group(1)
        assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
        stored = [getattr(invitation, column.key) for column in PersonalInvitation.__table__.columns]
        assert not any(token in str(value) for value in stored)
        assert invitation.sent_on == TODAY and not invitation.used
    again = cli("round", "invite", "Medarbejdere", "--school", "NTS", str(addresses))
    assert "sent 0 invitations" in again.stdout and "2 already invited" in again.stdout
    assert len(list(outbox.glob("*.eml"))) == 2


def test_invite_refuses_student_rounds_and_bad_addresses(cli, versions, schools, tmp_path, outbox):
    create(cli, opens=str(TODAY), closes=str(TODAY + timedelta(days=9)))
    addresses = tmp_path / "list.txt"
    addresses.write_text("a@example.org\n", encoding="utf-8")
    student = cli("round", "invite", "Elevtrivsel 2026", "--school", "NTS", str(addresses))
    assert student.exit_code == 1 and "personal invitations are for staff and company rounds" in student.stderr
    create(cli, family="staff", name="Medarbejdere", opens=str(TODAY), closes=str(TODAY + timedelta(days=9)))
    addresses.write_text("a@example.org\nnot-an-address\n", encoding="utf-8")
    bad = cli("round", "invite", "Medarbejdere", "--school", "NTS", str(addresses))
    assert bad.exit_code == 1 and "line 2: 'not-an-address' is not a valid e-mail address" in bad.stderr
    assert db.session.scalar(select(PersonalInvitation)) is None and not outbox.exists()


def test_state_follows_the_dates(cli, versions, schools):
    create(cli, name="past", opens="2020-01-01", closes="2020-02-01")
    create(cli, name="now", opens=str(TODAY), closes=str(TODAY))
    create(cli, name="later", opens=str(TODAY + timedelta(days=1)), closes=str(TODAY + timedelta(days=2)))
    states = {r.name: r.state_on(TODAY) for r in db.session.scalars(select(SurveyRound))}
    assert states == {"past": RoundState.CLOSED, "now": RoundState.OPEN, "later": RoundState.DRAFT}


# --- changing and deleting rounds --------------------------------------------------------------------------

LATER, MUCH_LATER = str(TODAY + timedelta(days=10)), str(TODAY + timedelta(days=40))


def the_round(name="Elevtrivsel 2026") -> SurveyRound:
    db.session.expire_all()
    return db.session.scalar(select(SurveyRound).where(SurveyRound.name == name))


def test_reschedule_a_draft_and_extend_an_open_round(cli, versions, schools):
    create(cli, opens=LATER, closes=MUCH_LATER)
    moved = cli("round", "reschedule", "Elevtrivsel 2026", "--opens", str(TODAY + timedelta(days=20)), "--closes", str(TODAY + timedelta(days=50)))
    assert moved.exit_code == 0, moved.output
    assert "rescheduled 'Elevtrivsel 2026'" in moved.stdout and "draft" in moved.stdout
    assert (the_round().opens_on, the_round().closes_on) == (TODAY + timedelta(days=20), TODAY + timedelta(days=50))
    create(cli, name="Open", opens=str(TODAY - timedelta(days=3)), closes=str(TODAY + timedelta(days=2)))
    extended = cli("round", "reschedule", "Open", "--closes", MUCH_LATER)
    assert extended.exit_code == 0, extended.output
    assert the_round("Open").closes_on == TODAY + timedelta(days=40) and "open" in extended.stdout


@pytest.mark.parametrize(
    "opens, closes, args, message",
    [
        (-3, 2, ("--opens", str(TODAY + timedelta(days=1))), "'Elevtrivsel 2026' is open: its opening date"),
        (-3, 2, ("--closes", str(TODAY - timedelta(days=1))), "is in the past: use close now to close the round"),
        (-30, -1, ("--closes", str(TODAY + timedelta(days=7))), "'Elevtrivsel 2026' is closed: its period can no longer change and it cannot be reopened"),
        (5, 9, ("--opens", str(TODAY - timedelta(days=1))), "is in the past: a round opens today at the earliest"),
        (5, 9, ("--closes", str(TODAY + timedelta(days=4))), "cannot close"),
    ],
)
def test_reschedule_refuses_with_a_clear_message(cli, versions, schools, opens, closes, args, message):
    create(cli, opens=str(TODAY + timedelta(days=opens)), closes=str(TODAY + timedelta(days=closes)))
    result = cli("round", "reschedule", "Elevtrivsel 2026", *args)
    assert result.exit_code == 1 and message in result.stderr, result.output
    assert (the_round().opens_on, the_round().closes_on) == (TODAY + timedelta(days=opens), TODAY + timedelta(days=closes))


def test_reschedule_needs_a_date(cli, versions, schools):
    create(cli, opens=LATER, closes=MUCH_LATER)
    result = cli("round", "reschedule", "Elevtrivsel 2026")
    assert result.exit_code == 2 and "give --opens, --closes or both" in result.stderr


def test_change_version_while_a_draft(cli, versions, schools):
    create(cli, opens=LATER, closes=MUCH_LATER)
    changed = cli("round", "change-version", "Elevtrivsel 2026", "--version", "2027")
    assert changed.exit_code == 0, changed.output
    assert "'Elevtrivsel 2026' now runs student 2027" in changed.stdout
    assert the_round().version == versions["student 2027"]
    unknown = cli("round", "change-version", "Elevtrivsel 2026", "--version", "2031")
    assert unknown.exit_code == 1 and "student 2031 is not published" in unknown.stderr
    create(cli, name="Open", opens=str(TODAY), closes=MUCH_LATER)
    fixed = cli("round", "change-version", "Open", "--version", "2027")
    assert fixed.exit_code == 1
    assert "'Open' is open: its questionnaire version is fixed once the round opens" in fixed.stderr
    assert the_round("Open").version == versions["student 2026"]


def test_change_version_refuses_a_withdrawn_version(cli, versions, schools):
    create(cli, opens=LATER, closes=MUCH_LATER)
    withdraw_version(versions["student 2027"])
    result = cli("round", "change-version", "Elevtrivsel 2026", "--version", "2027")
    assert result.exit_code == 1 and "student 2027 is withdrawn" in result.stderr


def test_schools_are_listed_added_and_removed_while_a_draft(cli, versions, schools, tmp_path):
    create(cli, "--schools", "NTS,VHS", opens=LATER, closes=MUCH_LATER)
    assert cli("round", "links", "Elevtrivsel 2026", "--out", str(tmp_path / "links.csv")).exit_code == 0
    listed = cli("round", "schools", "Elevtrivsel 2026")
    assert listed.exit_code == 0 and [line.split()[0] for line in listed.stdout.splitlines()] == ["NTS", "VHS"]
    changed = cli("round", "schools", "Elevtrivsel 2026", "--add", "AAE", "--remove", "VHS")
    assert changed.exit_code == 0, changed.output
    assert "added AAE to 'Elevtrivsel 2026'" in changed.stdout and "removed VHS from 'Elevtrivsel 2026'" in changed.stdout
    assert "deleted 1 links and 0 personal invitations of the removed schools" in changed.stdout
    assert [s.code for s in the_round().schools] == ["AAE", "NTS"]
    assert {link.school.code for link in db.session.scalars(select(SurveyLink))} == {"NTS"}


@pytest.mark.parametrize(
    "args, message",
    [
        (("--remove", "AAE"), "AAE does not take part in 'Elevtrivsel 2026'"),
        (("--add", "NTS"), "NTS already takes part in 'Elevtrivsel 2026'"),
        (("--add", "XYZ"), "no school with code 'XYZ'"),
        (("--remove", "NTS,VHS"), "a round needs at least one school"),
    ],
)
def test_school_changes_refused_with_a_clear_message(cli, versions, schools, args, message):
    create(cli, "--schools", "NTS,VHS", opens=LATER, closes=MUCH_LATER)
    result = cli("round", "schools", "Elevtrivsel 2026", *args)
    assert result.exit_code == 1 and message in result.stderr, result.output
    assert [s.code for s in the_round().schools] == ["NTS", "VHS"]


def test_a_school_with_responses_is_not_removed_and_an_open_round_keeps_its_schools(cli, versions, schools, add_responses):
    create(cli, "--schools", "NTS,VHS", opens=LATER, closes=MUCH_LATER)
    add_responses(the_round(), schools[1], 4)
    db.session.commit()
    refused = cli("round", "schools", "Elevtrivsel 2026", "--remove", "VHS")
    assert refused.exit_code == 1
    assert "'Elevtrivsel 2026' has responses from VHS (4): a school with responses cannot be removed" in refused.stderr
    create(cli, name="Open", opens=str(TODAY), closes=MUCH_LATER)
    fixed = cli("round", "schools", "Open", "--add", "AAE")
    assert fixed.exit_code == 1 and "'Open' is open: its schools can only change while it is a draft" in fixed.stderr


def test_delete_a_draft_round_without_responses(cli, versions, schools, tmp_path):
    create(cli, opens=LATER, closes=MUCH_LATER)
    assert cli("round", "links", "Elevtrivsel 2026", "--out", str(tmp_path / "links.csv")).exit_code == 0
    kept = cli("round", "delete", "Elevtrivsel 2026", input="n\n")
    assert kept.exit_code == 1 and "nothing deleted: 'Elevtrivsel 2026' is kept" in kept.stderr
    assert the_round() is not None
    deleted = cli("round", "delete", "Elevtrivsel 2026", input="y\n")
    assert deleted.exit_code == 0, deleted.output
    assert "deleted round 'Elevtrivsel 2026'" in deleted.stdout
    assert the_round() is None and db.session.scalar(select(SurveyLink)) is None


def test_delete_refuses_open_rounds_and_rounds_with_responses(cli, versions, schools, add_responses):
    create(cli, name="Open", opens=str(TODAY), closes=MUCH_LATER)
    opened = cli("round", "delete", "Open", "--yes")
    assert opened.exit_code == 1 and "'Open' is open: only a draft round can be deleted" in opened.stderr
    create(cli, opens=LATER, closes=MUCH_LATER)
    add_responses(the_round(), schools[0], 2)
    db.session.commit()
    answered = cli("round", "delete", "Elevtrivsel 2026", "--yes")
    assert answered.exit_code == 1 and "has 2 responses: a round with responses cannot be deleted" in answered.stderr
    assert the_round() is not None and the_round("Open") is not None


@pytest.mark.parametrize("reference", ["²", "①", str(2**31), str(2**63)])
def test_a_round_named_by_odd_digits_or_a_huge_id_is_simply_not_found(cli, versions, schools, tmp_path, reference):
    assert create(cli).exit_code == 0
    missing = cli("round", "links", reference, "--out", str(tmp_path / "links.csv"))
    assert missing.exit_code == 1 and f"no round named '{reference}'" in missing.stderr

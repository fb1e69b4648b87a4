"""Publishing questionnaire versions through the CLI and the web UI; immutability through every path."""
import html
import io
import re
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from survey.catalog.models import Dimension, ImmutableVersionError, QuestionnaireVersion, version_by_label
from survey.config import PROJECT_ROOT
from survey.extensions import db
from survey.network.models import Network
from survey.rounds.models import SurveyRound

from .conftest import csrf_token_from

QUESTIONNAIRES = PROJECT_ROOT / "questionnaires"
STUDENT_2026 = QUESTIONNAIRES / "student" / "2026.yaml"
STUDENT_2027 = QUESTIONNAIRES / "student" / "2027.yaml"


@pytest.fixture(autouse=True)
def one_network(network):
    """The catalog belongs to a network: every test here has one (the CLI needs no --network then)."""
    return network


def published(family: str, version: str) -> QuestionnaireVersion | None:
    network_id = db.session.scalar(select(Network.id).order_by(Network.id).limit(1))
    return db.session.scalar(version_by_label(network_id, family, version))


def test_validate_accepts_the_standard_questionnaires(cli):
    files = sorted(str(p) for p in QUESTIONNAIRES.glob("*/*.yaml"))
    result = cli("questionnaire", "validate", *files)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count(": ok") == len(files) >= 4


def test_validate_exits_1_and_names_file_and_line(cli, tmp_path):
    broken = tmp_path / "2026.yaml"
    broken.write_text(STUDENT_2026.read_text(encoding="utf-8").replace("overall: overall", "overall: nowhere"), encoding="utf-8")
    result = cli("questionnaire", "validate", str(broken))
    assert result.exit_code == 1
    line = next(n for n, text in enumerate(broken.read_text(encoding="utf-8").splitlines(), 1) if text.startswith("overall:"))
    assert f"{broken}:{line}:" in result.stderr


def test_publish_stores_the_version_with_its_content_and_checksum(cli):
    result = cli("questionnaire", "publish", str(STUDENT_2026), "--by", "kvalitet@netvaerk.dk")
    assert result.exit_code == 0, result.stderr
    version = published("student", "2026")
    assert version.published_by == "kvalitet@netvaerk.dk"
    assert len(version.checksum) == 64 and version.checksum[:12] in result.stdout
    assert version.source == STUDENT_2026.read_text(encoding="utf-8")
    assert sum(1 for d in version.dimensions if d.is_overall) == 1
    assert 30 <= len(version.items) <= 40
    assert {item.dimension.version_id for item in version.items} == {version.id}


def test_publishing_identical_content_again_changes_nothing(cli):
    cli("questionnaire", "publish", str(STUDENT_2026))
    before = published("student", "2026")
    first = (before.id, before.published_at, before.published_by)
    again = cli("questionnaire", "publish", str(STUDENT_2026))
    assert again.exit_code == 0
    assert "already published with identical content: nothing changed" in again.stdout
    assert db.session.scalar(select(sa.func.count(QuestionnaireVersion.id))) == 1
    after = published("student", "2026")
    assert (after.id, after.published_at, after.published_by) == first


def test_different_content_under_a_published_version_is_refused(cli, tmp_path):
    cli("questionnaire", "publish", str(STUDENT_2026))
    changed = tmp_path / "2026.yaml"
    changed.write_text(STUDENT_2026.read_text(encoding="utf-8").replace("Elevtrivsel", "Elevtrivsel (ændret)", 1), encoding="utf-8")
    result = cli("questionnaire", "publish", str(changed))
    assert result.exit_code == 1
    assert "already published with different content" in result.stderr
    assert "give the new content a new version" in result.stderr
    assert published("student", "2026").source == STUDENT_2026.read_text(encoding="utf-8")


def test_a_version_can_only_follow_a_published_one(cli):
    result = cli("questionnaire", "publish", str(STUDENT_2027))
    assert result.exit_code == 1
    assert "previous version '2026' of family 'student' is not known" in result.stderr
    assert published("student", "2027") is None


def test_lineage_is_carried_across_versions(cli):
    cli("questionnaire", "publish", str(STUDENT_2026))
    assert cli("questionnaire", "publish", str(STUDENT_2027)).exit_code == 0
    old, new = published("student", "2026"), published("student", "2027")
    assert new.previous_id == old.id
    old_lineages = {item.lineage for item in old.items}
    new_lineages = {item.lineage for item in new.items}
    # One item added, one reworded with a new lineage, one dropped: the rest keep theirs.
    assert len(new_lineages - old_lineages) == 2
    assert len(old_lineages - new_lineages) == 2
    assert all(lineage.startswith("student/2027/") for lineage in new_lineages - old_lineages)


def test_diff_of_the_two_student_versions_shows_exactly_the_changes(cli):
    result = cli("questionnaire", "diff", str(STUDENT_2026), str(STUDENT_2027))
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    for section in ("Added", "Removed", "Reworded"):
        assert section in text
    assert "not comparable" in text.lower()


def test_withdraw_only_while_no_round_uses_the_version(cli, network):
    cli("questionnaire", "publish", str(QUESTIONNAIRES / "staff" / "2026.yaml"))
    cli("questionnaire", "publish", str(QUESTIONNAIRES / "company" / "2026.yaml"))
    staff = published("staff", "2026")
    db.session.add(
        SurveyRound(network=network, version=staff, name="Medarbejdertrivsel 2026", opens_on=date(2026, 3, 1), closes_on=date(2026, 3, 31))
    )
    db.session.flush()
    refused = cli("questionnaire", "withdraw", "staff", "2026")
    assert refused.exit_code == 1 and "is used by round(s) Medarbejdertrivsel 2026" in refused.stderr
    assert cli("questionnaire", "withdraw", "company", "2026").exit_code == 0
    company = published("company", "2026")
    assert company.is_withdrawn and company.checksum  # content kept
    assert "withdrawn" in cli("questionnaire", "list").stdout


# --- immutability through the models and the database itself ---------------------------------------------


@pytest.fixture
def student_2026(cli):
    cli("questionnaire", "publish", str(STUDENT_2026))
    return published("student", "2026")


def test_models_refuse_to_edit_a_published_version(db_session, student_2026):
    student_2026.content = "{}"
    with pytest.raises(ImmutableVersionError, match="content cannot change"):
        db_session.flush()
    db_session.rollback()


def test_models_refuse_to_edit_or_delete_items_and_dimensions(db_session, student_2026):
    item = student_2026.items[0]
    item.text = {"da": "Noget andet"}
    with pytest.raises(ImmutableVersionError):
        db_session.flush()
    db_session.rollback()
    db_session.delete(db_session.get(Dimension, student_2026.dimensions[0].id))
    with pytest.raises(ImmutableVersionError, match="cannot be deleted"):
        db_session.flush()
    db_session.rollback()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE questionnaire_version SET content = '{}'",
        "UPDATE questionnaire_version SET checksum = '" + "0" * 64 + "'",
        "DELETE FROM questionnaire_version",
        "UPDATE item SET text = '{}'",
        "DELETE FROM item",
        "UPDATE dimension SET key = 'x'",
        "DELETE FROM background_question",
    ],
)
def test_the_database_refuses_raw_sql_changes(db_session, student_2026, statement):
    db_session.commit()
    with pytest.raises(sa.exc.DatabaseError, match="immutable"):
        with db_session.begin_nested():
            db_session.execute(sa.text(statement))


def test_the_database_allows_withdrawing(db_session, student_2026):
    db_session.execute(sa.text("UPDATE questionnaire_version SET withdrawn_at = CURRENT_TIMESTAMP"))
    db_session.expire_all()
    assert published("student", "2026").is_withdrawn


# --- the web UI ---------------------------------------------------------------------------------------------


def upload(client, path: Path, content: bytes | None = None):
    page = client.get("/admin/questionnaires/upload")
    data = {
        "csrf_token": csrf_token_from(page.text),
        "definition": (io.BytesIO(content if content is not None else path.read_bytes()), path.name),
    }
    return client.post("/admin/questionnaires/upload", data=data, content_type="multipart/form-data")


def test_upload_shows_every_problem_with_file_and_line(client, admin, login):
    login(admin)
    text = STUDENT_2026.read_text(encoding="utf-8").replace("overall: overall", "overall: nowhere")
    response = upload(client, STUDENT_2026, text.encode())
    assert response.status_code == 422
    assert "2026.yaml:" in response.text and "nowhere" in response.text
    assert published("student", "2026") is None


def test_upload_previews_each_language_then_publishes(client, admin, login):
    login(admin)
    response = upload(client, STUDENT_2026)
    assert response.status_code == 200
    for lang in ("da", "en", "sv"):
        assert f'lang="{lang}"' in response.text
    for heading in ("Motivation og egen indsats", "Motivation and own effort", "Motivation och egen insats"):
        assert f"<h3>1. {heading} " in response.text  # the respondent pages' own headings, per language
    # each question drawn by its type's own input template, as respondents get it, disabled
    assert re.search(r'<input type="radio" id="en-q-motivation-[^"]*" name="motivation[^"]*" value="5" disabled>',
                     response.text)
    assert '<textarea id="sv-q-best" name="best" rows="5" disabled>' in response.text
    assert published("student", "2026") is None  # nothing published before confirming
    confirm = client.post("/admin/questionnaires/publish", data=_publish_form(response.text))
    assert confirm.status_code == 302
    db.session.expire_all()
    version = published("student", "2026")
    assert version.published_by == admin.email
    assert "Published student 2026" in client.get(confirm.headers["Location"]).text


def test_upload_of_a_new_version_shows_the_diff(client, admin, login, student_2026):
    login(admin)
    response = upload(client, STUDENT_2027)
    assert response.status_code == 200
    assert "Changes against student 2026" in response.text
    assert "Reworded" in response.text


def test_web_refuses_different_content_under_a_published_version(client, admin, login, student_2026):
    login(admin)
    text = STUDENT_2026.read_text(encoding="utf-8").replace("Elevtrivsel", "Elevtrivsel (ændret)", 1)
    response = upload(client, STUDENT_2026, text.encode())
    assert "already published with different content; it cannot be replaced" in response.text
    assert "Publish this version" not in response.text
    forced = client.post("/admin/questionnaires/publish", data={**_publish_form(upload(client, STUDENT_2027).text), "source": text})
    assert forced.status_code == 400  # the posted file is not what was previewed
    db.session.expire_all()
    assert published("student", "2026").checksum == student_2026.checksum


def test_web_has_no_way_to_edit_or_delete_a_version(app, client, admin, login, student_2026):
    login(admin)
    version_url = f"/admin/questionnaires/{student_2026.id}"
    assert client.get(version_url).status_code == 200
    for method in ("PUT", "PATCH", "DELETE"):
        assert client.open(version_url, method=method).status_code == 405
    rules = [rule.rule for rule in app.url_map.iter_rules() if "questionnaire" in rule.rule]
    assert not any(word in rule for rule in rules for word in ("edit", "delete", "update"))


def test_web_withdraws_an_unused_version(client, admin, login, student_2026):
    login(admin)
    page = client.get(f"/admin/questionnaires/{student_2026.id}")
    response = client.post(
        f"/admin/questionnaires/{student_2026.id}/withdraw", data={"csrf_token": csrf_token_from(page.text)}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert published("student", "2026").is_withdrawn


def test_published_source_can_be_downloaded(client, admin, login, student_2026):
    login(admin)
    response = client.get(f"/admin/questionnaires/{student_2026.id}/source")
    assert response.text == STUDENT_2026.read_text(encoding="utf-8")
    assert "attachment" in response.headers["Content-Disposition"]


def _publish_form(page: str) -> dict:
    """The hidden fields of the preview's publish form, as the browser would send them."""
    form = page[page.index('action="/admin/questionnaires/publish"'):]
    fields = re.findall(r'<input id="(\w+)" name="\w+" type="hidden" value="([^"]*)">', form)
    return {key: html.unescape(value) for key, value in fields}


def test_upload_naming_no_previous_version_warns_that_nothing_stays_comparable(client, admin, login, student_2026):
    login(admin)
    text = STUDENT_2026.read_text(encoding="utf-8").replace('version: "2026"', 'version: "2028"', 1)
    response = upload(client, STUDENT_2026, text.encode())
    assert response.status_code == 200
    assert "Changes against student 2026" in response.text
    assert "none of its items continue those of student 2026" in response.text
    assert "This is the first version" not in response.text


CATALOG_VALID = Path(__file__).parent / "catalog" / "valid"


def reusing_a_key_as_new(directory: Path) -> Path:
    """Version 2027 of the tiny test questionnaire, beside its 2026, with teaching.feedback new under its old key."""
    (directory / "2026.yaml").write_text((CATALOG_VALID / "2026.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    text = (CATALOG_VALID / "2027.yaml").read_text(encoding="utf-8")
    old = "        text: {da: Jeg får feedback, en: I get feedback}\n        lineage: same\n"
    assert old in text
    path = directory / "2027.yaml"
    path.write_text(text.replace(old, old.replace("same", "new")), encoding="utf-8")
    return path


REUSED_KEY_WARNING = (
    "warning: question 'teaching.feedback' is new, but version '2026' has a question with the same key: "
    "give the new question its own key, or say lineage: same if it measures the same"
)


def test_validate_prints_warnings_with_file_and_line_and_does_not_fail(cli, tmp_path):
    path = reusing_a_key_as_new(tmp_path)
    result = cli("questionnaire", "validate", str(path))
    assert result.exit_code == 0, result.stderr
    assert f"{path}: ok" in result.stdout
    line = 1 + path.read_text(encoding="utf-8").splitlines().index("        lineage: new", 30)
    assert result.stderr.splitlines() == [f"{path}:{line}: {REUSED_KEY_WARNING}"]


def test_publish_prints_the_warnings_and_publishes(cli, tmp_path):
    path = reusing_a_key_as_new(tmp_path)
    assert cli("questionnaire", "publish", str(tmp_path / "2026.yaml")).exit_code == 0
    result = cli("questionnaire", "publish", str(path))
    assert result.exit_code == 0, result.stderr
    assert REUSED_KEY_WARNING in result.stderr
    assert published("student", "2027") is not None


def test_upload_preview_shows_the_warnings_and_still_offers_to_publish(client, admin, login, cli, tmp_path):
    path = reusing_a_key_as_new(tmp_path)
    assert cli("questionnaire", "publish", str(tmp_path / "2026.yaml")).exit_code == 0
    login(admin)
    response = upload(client, path)
    assert response.status_code == 200
    page = html.unescape(response.text)
    assert "1 warning: the file is valid" in page
    assert f"2027.yaml:{1 + path.read_text(encoding='utf-8').splitlines().index('        lineage: new', 30)}: {REUSED_KEY_WARNING}" in page
    assert "Publish this version" in page
    assert "warning" not in html.unescape(upload(client, tmp_path / "2026.yaml").text).lower()


def test_upload_preview_shows_every_question_type_and_its_routing(client, admin, login):
    login(admin)
    response = upload(client, CATALOG_VALID / "every_type.yaml")
    assert response.status_code == 200
    page = html.unescape(response.text)
    for lang in ("da", "ar", "prs", "sr-Latn", "zh-Hans"):
        assert f'lang="{lang}"' in page
    assert 'type="checkbox"' in page and 'inputmode="numeric"' in page and 'inputmode="decimal"' in page
    assert "Først lidt om dig." in page and "First, a little about you." in page  # display text, per language
    assert "shown if placement = 'yes'" in page
    start = page.index('lang="da" dir="ltr">')
    da = page[start:page.index('lang="en" dir="ltr">', start)]
    assert da.index("Altid</span>") < da.index("Aldrig</span>")  # the frequency scale is shown most positive first
    assert "Ikke relevant</span>" in da

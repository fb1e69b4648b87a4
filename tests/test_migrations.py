"""The migrations build, on both databases, exactly the schema the models describe, and can be undone."""
import hashlib
import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from survey.catalog.definition import QuestionnaireDefinition, canonical_json, checksum, load_definition
from survey.catalog.yaml_lines import read_yaml
from survey.extensions import db
from survey.practices.fulltext import include_name

from .conftest import fresh_database_url, make_app


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_app(request, tmp_path_factory):
    url, drop = fresh_database_url(request.param, tmp_path_factory)
    app = make_app(url)
    yield app
    with app.app_context():
        db.engine.dispose()
    drop()


def schema_differences(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name})
        return compare_metadata(context, db.metadata)


def test_empty_to_head_matches_the_models(empty_app):
    with empty_app.app_context():
        upgrade()
    assert schema_differences(empty_app) == []


def test_downgrade_to_empty_and_up_again(empty_app):
    with empty_app.app_context():
        upgrade()
        downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
    assert schema_differences(empty_app) == []


def seed_catalog_before_networks(connection, networks=("Netværket",), round_networks=(1,)) -> None:
    """A catalog as it was before 0008 gave it a network: one version with a dimension and an item, and rounds using it."""
    tables = sa.MetaData()
    tables.reflect(bind=connection)
    rows = {
        "network": [{"id": i, "name": name, "k_min": 5, "share_school_names": False, "driver_min_cases": 100}
                    for i, name in enumerate(networks, 1)],
        "questionnaire_family": [{"id": 1, "key": "student"}],
        "questionnaire_version": [{
            "id": 1, "family_id": 1, "version": "2026", "previous_id": None, "title": {"da": "Elevtrivsel"},
            "languages": ["da"], "scale_points": 5, "content": "{}", "source": "family: student", "checksum": "a" * 64,
            "published_at": datetime(2026, 1, 5, tzinfo=timezone.utc), "published_by": "test", "withdrawn_at": None,
        }],
        "dimension": [{"id": 1, "version_id": 1, "key": "overall", "position": 0, "title": {"da": "Samlet"},
                       "is_overall": True}],
        "item": [{"id": 1, "version_id": 1, "dimension_id": 1, "key": "q1", "position": 0, "text": {"da": "Godt?"},
                  "reverse": False, "required": True, "lineage": "student/2026/q1"}],
        "survey_round": [{"id": i, "network_id": n, "version_id": 1, "name": f"Runde {i}", "opens_on": date(2026, 2, 1),
                          "closes_on": date(2026, 3, 1)} for i, n in enumerate(round_networks, 1)],
    }
    for name, values in rows.items():
        if values:
            connection.execute(tables.tables[name].insert(), values)


def run(*statements: str) -> list:
    """Run the statements in one transaction of their own; the last one's rows."""
    with db.engine.begin() as connection:
        for statement in statements:
            result = connection.execute(sa.text(statement))
        return result.all() if result.returns_rows else []


def test_upgrade_gives_the_existing_catalog_to_its_network_and_keeps_it_immutable(empty_app):
    with empty_app.app_context():
        upgrade(revision="0007")
        with db.engine.begin() as connection:
            seed_catalog_before_networks(connection)
        upgrade()
        assert run("SELECT network_id, key FROM questionnaire_family") == [(1, "student")]
        assert run("SELECT family_id, checksum FROM questionnaire_version") == [(1, "a" * 64)]
        assert run("SELECT version_id FROM survey_round") == [(1,)]
        for statement in ("UPDATE questionnaire_version SET content = '{\"x\": 1}'", "DELETE FROM questionnaire_version",
                          "UPDATE item SET key = 'q2'", "DELETE FROM dimension"):
            with pytest.raises(sa.exc.DBAPIError, match="published questionnaire content is immutable"):
                run(statement)
        run("UPDATE questionnaire_version SET withdrawn_at = published_at")  # withdrawing stays allowed
        with pytest.raises(sa.exc.IntegrityError):  # foreign keys are enforced again
            run("INSERT INTO questionnaire_family (id, network_id, key, audience) VALUES (9, 99, 'staff', 'staff')")
        run(  # another network may publish the same content
            "INSERT INTO network (id, name, k_min, share_school_names, driver_min_cases) VALUES (2, 'Andet', 5, false, 100)",
            "INSERT INTO questionnaire_family (id, network_id, key, audience) VALUES (2, 2, 'student', 'student')",
            "INSERT INTO questionnaire_version (id, family_id, version, title, languages, scale_points, content, source, "
            "checksum, published_at, published_by) SELECT 2, 2, version, title, languages, scale_points, content, source, "
            "checksum, published_at, published_by FROM questionnaire_version WHERE id = 1",
        )
    assert schema_differences(empty_app) == []


def test_families_get_their_audience_and_a_network_may_add_its_own(empty_app):
    with empty_app.app_context():
        upgrade(revision="0010")
        run("INSERT INTO network (id, name, k_min, share_school_names, driver_min_cases, admins_read_comments) "
            "VALUES (1, 'Net', 5, false, 100, false)",
            "INSERT INTO questionnaire_family (id, network_id, key) VALUES (1, 1, 'staff')")
        with pytest.raises(sa.exc.IntegrityError):  # before 0012: only the three shipped families
            run("INSERT INTO questionnaire_family (id, network_id, key) VALUES (2, 1, 'wellbeing')")
        upgrade()
        assert run("SELECT key, audience FROM questionnaire_family") == [("staff", "staff")]
        run("INSERT INTO questionnaire_family (id, network_id, key, audience) "
            "VALUES (2, 1, 'wellbeing_in_placement_2027', 'student')")
        with pytest.raises(sa.exc.IntegrityError):  # an audience is one of four
            run("INSERT INTO questionnaire_family (id, network_id, key, audience) VALUES (3, 1, 'x', 'pupils')")
        with pytest.raises(SystemExit):  # a network's own family has no place before 0012
            downgrade(revision="0010")
        run("DELETE FROM questionnaire_family WHERE id = 2")
        downgrade(revision="0010")
        assert run("SELECT key FROM questionnaire_family") == [("staff",)]
        upgrade()
    assert schema_differences(empty_app) == []


def test_upgrade_refuses_to_guess_which_network_owns_a_shared_catalog(empty_app, capfd):
    with empty_app.app_context():
        upgrade(revision="0007")
        with db.engine.begin() as connection:
            seed_catalog_before_networks(connection, networks=("Nord", "Syd"), round_networks=(1, 2))
        with pytest.raises(SystemExit):
            upgrade()
        assert "the questionnaire catalog cannot be given to one network: rounds of Nord, Syd use it" in capfd.readouterr().err
        assert run("SELECT version_num FROM alembic_version") == [("0007",)]
        assert run("SELECT key FROM questionnaire_family") == [("student",)]

def test_users_of_an_existing_database_get_distinct_session_ids(empty_app):
    with empty_app.app_context():
        upgrade(revision="0009")
        with db.engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO network (id, name, k_min, share_school_names, driver_min_cases) "
                                       "VALUES (1, 'N', 5, false, 100)"))
            for n in (1, 2):
                connection.execute(sa.text(
                    "INSERT INTO user_account (email, password_hash, role, network_id, active) "
                    f"VALUES ('u{n}@example.org', 'h', 'network_admin', 1, true)"))
        upgrade(revision="0010")
        with db.engine.connect() as connection:
            ids = connection.execute(sa.text("SELECT session_id FROM user_account")).scalars().all()
    assert len(set(ids)) == 2 and all(len(session_id) == 32 for session_id in ids)


CATALOG_TESTS = Path(__file__).parent / "catalog"


def format_one_content(data: dict) -> str:
    """The canonical JSON a format-1 definition was published with: the format-1 model's fields, defaults filled
    in, keys sorted (survey/catalog/definition.py before 0011)."""
    scale = {"points": data["scale"]["points"], "labels": data["scale"]["labels"], "dont_know": data["scale"].get("dont_know")}
    item_defaults = {"reverse": False, "required": True, "lineage": None, "replaces": None}
    content = {
        "family": data["family"], "version": data["version"], "previous": data.get("previous"),
        "languages": data["languages"], "title": data["title"], "intro": data["intro"], "scale": scale,
        "overall": data["overall"],
        "dimensions": [{**dimension, "items": [{**item_defaults, **item} for item in dimension["items"]]}
                       for dimension in data["dimensions"]],
        "background": [{"required": False, "source": None, "options": None, **question} for question in data["background"]],
        "free_text": data["free_text"],
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def seed_format_one_version(connection, source: str, content: str | None = None) -> dict:
    """At revision 0010: the format-1 test questionnaire published with its child rows, a round, and one response
    whose packed answers are in the format-1 order (items by dimension, then background questions). `content`:
    other content to publish instead of the format-1 JSON of `source`."""
    data = read_yaml(source).data
    content = content or format_one_content(data)
    tables = sa.MetaData()
    tables.reflect(bind=connection)
    items = [(d, i, item) for d, dimension in enumerate(data["dimensions"]) for i, item in enumerate(dimension["items"])]
    rows = {
        "network": [{"id": 1, "name": "Netværket", "k_min": 5, "share_school_names": False, "driver_min_cases": 100}],
        "questionnaire_family": [{"id": 1, "network_id": 1, "key": "student"}],
        "questionnaire_version": [{
            "id": 1, "family_id": 1, "version": "2026", "previous_id": None, "title": data["title"],
            "languages": data["languages"], "scale_points": 4, "content": content, "source": source,
            "checksum": hashlib.sha256(content.encode("utf-8")).hexdigest(),
            "published_at": datetime(2026, 1, 5, tzinfo=timezone.utc), "published_by": "test", "withdrawn_at": None,
        }],
        "dimension": [{"id": d + 1, "version_id": 1, "key": dimension["key"], "position": d, "title": dimension["title"],
                       "is_overall": dimension["key"] == data["overall"]} for d, dimension in enumerate(data["dimensions"])],
        "item": [{"id": n + 1, "version_id": 1, "dimension_id": d + 1, "key": item["key"], "position": n,
                  "text": item["text"], "reverse": item.get("reverse", False), "required": True,
                  "lineage": f"student/2026/{item['key']}"} for n, (d, _, item) in enumerate(items)],
        "background_question": [{"id": n + 1, "version_id": 1, "key": q["key"], "position": n, "text": q["text"],
                                 "source": q.get("source"), "options": q.get("options"), "required": False}
                                for n, q in enumerate(data["background"])],
        "free_text_question": [{"id": 1, "version_id": 1, "key": "comments", "position": 0,
                                "text": data["free_text"][0]["text"]}],
        "school": [{"id": 1, "network_id": 1, "code": "S1", "name": "Skolen", "type": "EUD", "region": "Midt"}],
        "survey_round": [{"id": 1, "network_id": 1, "version_id": 1, "name": "Runde 1", "opens_on": date(2026, 2, 1),
                          "closes_on": date(2026, 3, 1)}],
        "response": [{"id": 1, "round_id": 1, "school_id": 1, "program_id": None, "version_id": 1, "language": "da",
                      "submitted_on": date(2026, 2, 2), "answers": bytes([4, 3, 255, 1]), "background": bytes([0, 2])}],
    }
    for name, values in rows.items():
        connection.execute(tables.tables[name].insert(), values)
    return {"content": content, "data": data}


def test_upgrade_rewrites_format_one_content_in_format_two_and_stored_answers_read_the_same(empty_app):
    source = (CATALOG_TESTS / "format1" / "2026.yaml").read_text(encoding="utf-8")
    with empty_app.app_context():
        upgrade(revision="0010")
        with db.engine.begin() as connection:
            seeded = seed_format_one_version(connection, source)
        upgrade()
        [(content, digest, kept_source)] = run("SELECT content, checksum, source FROM questionnaire_version")
        definition = QuestionnaireDefinition.model_validate_json(content)
        assert json.loads(content)["format"] == 2 and "pages" in json.loads(content)
        assert digest == checksum(definition) == hashlib.sha256(content.encode("utf-8")).hexdigest()
        assert content == canonical_json(definition)
        assert kept_source == source  # the YAML as published stays, for the record
        # the same content as the format-2 file written by hand for it, and as `questionnaire upgrade` makes of it
        assert digest == checksum(load_definition(CATALOG_TESTS / "valid" / "2026.yaml"))

        # Stored responses are not touched, and their bytes mean what they meant: answers in rating_items()
        # order (the format-1 items by dimension), background in background_questions() order.
        assert run("SELECT answers, background FROM response") == [(bytes([4, 3, 255, 1]), bytes([0, 2]))]
        old_items = [item["key"] for dimension in seeded["data"]["dimensions"] for item in dimension["items"]]
        assert [item.key for item in definition.rating_items()] == old_items
        assert [key for (key,) in run("SELECT key FROM item ORDER BY position")] == old_items
        old_background = [question["key"] for question in seeded["data"]["background"]]
        assert [question.key for question in definition.background_questions()] == old_background == ["program", "gender"]
        assert run("SELECT key, type FROM background_question ORDER BY position") == [("program", "single"), ("gender", "single")]
        answers, background = bytes([4, 3, 255, 1]), bytes([0, 2])
        boring = definition.rating_items()[2]
        assert boring.key == "teaching.boring" and boring.reverse
        assert definition.scale_of(boring).non_substantive[255 - answers[2]].key == "dont_know"  # 255: the first
        gender = definition.background_questions()[1]
        assert gender.options[background[1] - 1].key == "male"
        with pytest.raises(sa.exc.DBAPIError, match="published questionnaire content is immutable"):
            run("UPDATE questionnaire_version SET content = '{}'")
    assert schema_differences(empty_app) == []


def test_upgrade_leaves_format_two_content_as_it_is(empty_app):
    """Content already in format 2 (published by a later code on a database that was then moved back) is kept."""
    definition = load_definition(CATALOG_TESTS / "valid" / "2026.yaml")
    with empty_app.app_context():
        upgrade(revision="0010")
        with db.engine.begin() as connection:
            source = (CATALOG_TESTS / "format1" / "2026.yaml").read_text(encoding="utf-8")
            seed_format_one_version(connection, source, canonical_json(definition))
        upgrade()
        assert run("SELECT content, checksum FROM questionnaire_version") == [(canonical_json(definition), checksum(definition))]


def test_networks_at_the_old_default_move_to_300_cases_and_get_a_minimal_difference(empty_app):
    """0013: driver_min_cases 100 (the old default, never chosen) becomes METHOD v2's 300, a chosen number stays;
    every network gets minimal_difference 3.0, which must stay above 0; downgrading gives both back."""
    with empty_app.app_context():
        upgrade(revision="0012")
        run("INSERT INTO network (id, name, k_min, share_school_names, driver_min_cases, admins_read_comments) "
            "VALUES (1, 'Default', 5, false, 100, false)",
            "INSERT INTO network (id, name, k_min, share_school_names, driver_min_cases, admins_read_comments) "
            "VALUES (2, 'Chosen', 5, false, 150, false)")
        upgrade(revision="0013")
        assert run("SELECT id, driver_min_cases, minimal_difference FROM network ORDER BY id") == [
            (1, 300, 3.0), (2, 150, 3.0)]
        run("UPDATE network SET minimal_difference = 2.5 WHERE id = 2")
        for refused in ("UPDATE network SET minimal_difference = 0 WHERE id = 1",
                        "INSERT INTO network (id, name, k_min, share_school_names, driver_min_cases, "
                        "admins_read_comments, minimal_difference) VALUES (3, 'Zero', 5, false, 300, false, -1)"):
            with pytest.raises(sa.exc.DatabaseError):
                run(refused)
        downgrade(revision="0012")
        assert run("SELECT id, driver_min_cases FROM network ORDER BY id") == [(1, 100), (2, 150)]

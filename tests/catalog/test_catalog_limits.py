"""Hostile or oversized questionnaire files get one located problem quickly, by CLI and by upload.

The real figures are printed by bench/validate.py; the ceiling here only catches a return of the minutes
these files took (100 KB of `[`: over 180 s; 20,000 items: 83 s).
"""
import io
import time
from pathlib import Path

import pytest

from bench.hostile import hostile, items
from survey.catalog.definition import DefinitionError, parse_definition
from tests.conftest import csrf_token_from

HOSTILE = hostile()
CEILING_SECONDS = 10


def problems_of(text: str) -> list[str]:
    with pytest.raises(DefinitionError) as raised:
        parse_definition(text, "q.yaml")
    return [str(problem) for problem in raised.value.problems]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_get_a_located_answer_quickly(name: str):
    text, line, message = HOSTILE[name]
    started = time.perf_counter()
    problems = problems_of(text)
    assert time.perf_counter() - started < CEILING_SECONDS
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"q.yaml:{line}: "), problems
    assert message in problems[0], problems


def test_more_questions_than_the_limit_are_refused_at_the_first_one_too_many():
    assert problems_of(items(501)) == [
        f"q.yaml:{HOSTILE['501 items'][1]}: a questionnaire may have at most 500 questions: this is question 501"
    ]


def test_a_questionnaire_at_the_limit_is_valid():
    definition = parse_definition(items(500), "q.yaml")
    assert sum(1 for _ in definition.items()) == 500


def test_yaml_1_2_scalars_are_read_as_before():
    """The reader resolves plain values by YAML 1.2, as the ruamel.yaml reader it replaces did."""
    text = items(1).replace('version: "1"', "version: no").replace("points: 4", "points: 0o4")
    definition = parse_definition(text, "q.yaml")
    assert (definition.version, definition.scales["agree"].points) == ("no", 4)
    assert problems_of(text.replace("version: no", "version: 2026-01-01")) == [
        "q.yaml:2: version: expected a string, got 2026-01-01 (put it in quotes)"
    ]


def test_cli_validate_reports_a_nul_byte_with_its_line(tmp_path: Path, cli):
    text, line, message = HOSTILE["a NUL byte"]
    path = tmp_path / "nul.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("questionnaire", "validate", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:{line}: {message}")


def test_cli_validate_refuses_an_oversized_file_before_reading_it(tmp_path: Path, cli):
    path = tmp_path / "big.yaml"
    path.write_text(HOSTILE["20,000 items"][0], encoding="utf-8")
    result = cli("questionnaire", "validate", str(path))
    assert result.exit_code == 1
    assert f"{path}:1: the file is" in result.stderr


@pytest.mark.parametrize("name", ["a NUL byte", "500 levels of [", "100 KB of nested [, one a line", "3,000 items"])
def test_upload_answers_a_hostile_file_with_422_and_its_line(client, admin, login, name: str):
    text, line, message = HOSTILE[name]
    login(admin)
    page = client.get("/admin/questionnaires/upload")
    started = time.perf_counter()
    response = client.post(
        "/admin/questionnaires/upload",
        data={"csrf_token": csrf_token_from(page.text), "definition": (io.BytesIO(text.encode()), "hostile.yaml")},
        content_type="multipart/form-data",
    )
    assert time.perf_counter() - started < CEILING_SECONDS
    assert response.status_code == 422
    assert f"hostile.yaml:{line}: " in response.text
    assert message.replace("[", "") in response.text.replace("[", "")


def test_upload_preview_locates_a_version_name_longer_than_its_column(client, admin, login):
    """Before, a 41-character version passed validation and the preview's lookup or publishing failed on it."""
    login(admin)
    text = items(2).replace('version: "1"', f'version: "{"v" * 41}"')
    page = client.get("/admin/questionnaires/upload")
    response = client.post(
        "/admin/questionnaires/upload",
        data={"csrf_token": csrf_token_from(page.text), "definition": (io.BytesIO(text.encode()), "long.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "long.yaml:2: version has 41 characters: at most 40" in response.text

"""The shipped questionnaires read the same in every YAML parser and match the committed JSON Schema, and the
schema is what the definition models give."""
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from ruamel.yaml import YAML

from survey.catalog.definition import parse_definition
from survey.catalog.json_schema import schema_text
from survey.catalog.yaml_lines import read_yaml
from survey.catalog.yaml_traps import yaml_1_1_traps

QUESTIONNAIRES = Path(__file__).parents[2] / "questionnaires"
SCHEMA = QUESTIONNAIRES / "schema.json"
SHIPPED = sorted(QUESTIONNAIRES.glob("*/*.yaml"))
SCHEMA_LINE = "# yaml-language-server: $schema=../schema.json"


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_committed_schema_is_the_one_the_models_give():
    assert SCHEMA.read_text(encoding="utf-8") == schema_text(), (
        "questionnaires/schema.json is out of date: run `benchlearn questionnaire schema --out questionnaires/schema.json`"
    )


def test_the_schema_command_prints_the_committed_schema(cli):
    result = cli("questionnaire", "schema")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == SCHEMA.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(QUESTIONNAIRES)))
def test_a_shipped_file_names_the_schema_and_validates_against_it(path):
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == SCHEMA_LINE
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator().iter_errors(YAML(typ="safe").load(text))]
    assert errors == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(QUESTIONNAIRES)))
def test_a_shipped_file_reads_the_same_in_yaml_1_1_and_1_2(path):
    text = path.read_text(encoding="utf-8")
    ours = read_yaml(text).data
    assert yaml.load(text, Loader=yaml.SafeLoader) == ours  # PyYAML's pure-Python YAML 1.1 parser
    assert yaml.load(text, Loader=yaml.CSafeLoader) == ours  # libyaml
    assert YAML(typ="safe", pure=True).load(text) == ours  # ruamel.yaml, YAML 1.2
    assert yaml_1_1_traps(text) == []


def test_the_shipped_families_and_languages():
    families = {path.parent.name for path in SHIPPED}
    assert {"student", "staff", "company", "wellbeing"} <= families
    wellbeing = yaml.safe_load((QUESTIONNAIRES / "wellbeing" / "2027.yaml").read_text(encoding="utf-8"))
    assert wellbeing["languages"] == ["da", "en", "ar"] and wellbeing["audience"] == "student"


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d.update(colour="blue"), ""),  # an unknown field
        (lambda d: d["pages"][1]["questions"][1].update(reverse="yes"), "pages/1/questions/1"),  # a quoted yes
        (lambda d: d["pages"][0]["questions"][1].update(type="slider"), "pages/0/questions/1"),  # no such type
        (lambda d: d["scales"]["agree5"].update(order="random"), "scales/agree5/order"),
        (lambda d: d.pop("pages"), ""),
    ],
    ids=["unknown field", "quoted yes", "unknown type", "bad order", "no pages"],
)
def test_the_schema_refuses_what_the_validator_refuses_in_shape(change, where):
    data = YAML(typ="safe").load((QUESTIONNAIRES / "wellbeing" / "2027.yaml").read_text(encoding="utf-8"))
    change(data)
    errors = list(validator().iter_errors(data))
    assert errors
    assert any("/".join(map(str, e.absolute_path)).startswith(where) for e in errors)


def test_the_readme_example_validates_reads_the_same_everywhere_and_matches_the_schema():
    readme = (QUESTIONNAIRES / "README.md").read_text(encoding="utf-8")
    examples = [block for block in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "\npages:" in block]
    assert len(examples) == 1
    warnings = []
    definition = parse_definition(examples[0], "README.md", warnings=warnings)
    assert warnings == []
    assert {question.type for question in definition.questions()} == {
        "display", "rating", "single", "multiple", "numeric", "text"
    }
    data = YAML(typ="safe", pure=True).load(examples[0])
    assert yaml.load(examples[0], Loader=yaml.SafeLoader) == data
    assert list(validator().iter_errors(data)) == []

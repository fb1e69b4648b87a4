"""The JSON Schema of the questionnaire YAML format, generated from the definition's pydantic models.

Editors (VS Code with the YAML extension, JetBrains IDEs, anything built on yaml-language-server) read it from a
file's first line, `# yaml-language-server: $schema=../schema.json`, and then complete field names, show the
models' docstrings and flag unknown or mistyped fields while the admin types. It covers the shape only: the rules
(keys, languages, scales, conditions, lineage) are checked by `benchlearn questionnaire validate`.

questionnaires/schema.json is this schema, written by `benchlearn questionnaire schema --out
questionnaires/schema.json`; a test fails when the committed file differs from what the models give.
"""
from __future__ import annotations

import json
from typing import Any

from survey.catalog.definition import QuestionnaireDefinition

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
TITLE = "Benchlearn questionnaire definition (format 2)"
DESCRIPTION = (
    "One questionnaire version: questionnaires/<family>/<version>.yaml. The format is described in "
    "questionnaires/README.md; `benchlearn questionnaire validate FILE` checks everything this schema cannot "
    "(keys, languages, scales, conditions, lineage)."
)


def definition_schema() -> dict[str, Any]:
    """The schema of a definition file as a JSON-ready dict."""
    schema = QuestionnaireDefinition.model_json_schema(mode="validation")
    return {"$schema": SCHEMA_DIALECT, **schema, "title": TITLE, "description": DESCRIPTION}


def schema_text() -> str:
    """The schema as the committed file holds it: stable key order, two-space indent, final newline."""
    return json.dumps(definition_schema(), indent=2, ensure_ascii=False) + "\n"

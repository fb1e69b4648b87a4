"""Every validation rule, shown by one small broken file in tests/catalog/broken/.

Each file starts with `# expect: LINE: MESSAGE`; it must fail with exactly that one problem, reported as
`FILE:LINE: ...MESSAGE...`. Files with `previous` follow the valid versions in tests/catalog/valid/.
Warnings (the file is usable, but probably not what its author meant) are shown the same way by the files in
tests/catalog/warnings/, which start with `# warn: LINE: MESSAGE`: each validates with exactly that one warning.

Which rules exist is read from the code that reports them, so a new rule without a broken file fails
`test_there_is_a_broken_file_for_every_rule`.
"""
import ast
import inspect
import re
from pathlib import Path
from types import ModuleType

import pytest

from survey.catalog import definition, limits, rules, shape_errors, yaml_lines
from survey.catalog.definition import DefinitionError, Problem, load_definition, sibling_lookup

HERE = Path(__file__).parent
BROKEN = sorted((HERE / "broken").glob("*.yaml"))
WARNING = sorted((HERE / "warnings").glob("*.yaml"))
BESIDE_VALID = sibling_lookup(HERE / "valid" / "broken.yaml")  # as if each broken file lay in valid/
EXPECT = re.compile(rb"# (?:expect|warn): (\d+): (.+)")

# Messages that need more than one file, so no single broken file can show them: tested where named.
SHOWN_ELSEWHERE = {
    "does not validate: fix": (
        "test_catalog_definition.py::test_a_previous_version_that_does_not_validate_is_reported_with_its_problems"
    ),
    "form a cycle back to version": "test_catalog_definition.py::test_a_cycle_of_previous_versions_is_reported",
    # Limits that only a large file reaches.
    "MAX_ITEMS} questions: this is question": (
        "test_catalog_limits.py::test_more_questions_than_the_limit_are_refused_at_the_first_one_too_many"
    ),
    "values: too large for a questionnaire": "test_catalog_limits.py::test_hostile_files_get_a_located_answer_quickly",
    "a questionnaire file may have at most": "test_catalog_limits.py::test_hostile_files_get_a_located_answer_quickly",
}


def expectation(path: Path) -> tuple[int, str]:
    found = EXPECT.match(path.read_bytes().splitlines()[0])
    assert found, f"{path.name} must start with '# expect: LINE: MESSAGE' (or '# warn: ...' for a warning)"
    return int(found[1]), found[2].decode("utf-8")


def reported(path: Path) -> list[Problem]:
    with pytest.raises(DefinitionError) as raised:
        load_definition(path, BESIDE_VALID)
    return raised.value.problems


def warned(path: Path) -> list[Problem]:
    warnings: list[Problem] = []
    load_definition(path, BESIDE_VALID, warnings=warnings)
    return warnings


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def _messages(module: ModuleType) -> list[ast.expr]:
    """The message of every finding `module` can report, as written in its source: the text of each
    `(line, message)` pair, of each `message = ...`, and of each `_at(path, message)`."""
    found = []
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if isinstance(node, ast.Tuple) and len(node.elts) == 2 and _is_text(node.elts[1]):
            if not (_is_text(node.elts[0]) or isinstance(node.elts[0], ast.Starred)):  # not a path: (*at, "text")
                found.append(node.elts[1])
        elif isinstance(node, ast.Assign) and _is_text(node.value):
            if any(isinstance(target, ast.Name) and target.id == "message" for target in node.targets):
                found.append(node.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_at":
            if len(node.args) == 2 and _is_text(node.args[1]):
                found.append(node.args[1])
    return found


def _pattern(message: ast.expr, module: ModuleType) -> str:
    """A regular expression for every text `message` can become: its literal parts as written, the module's
    constants (e.g. KEY_RULE) filled in, anything else computed at run time matched by `.*?`."""
    if isinstance(message, ast.Constant):
        return re.escape(message.value)
    parts = []
    for part in message.values:
        if isinstance(part, ast.Constant):
            parts.append(re.escape(part.value))
        elif (
            isinstance(part.value, ast.Name)
            and isinstance(getattr(module, part.value.id, None), str | int)
            and part.format_spec is None
        ):
            value = getattr(module, part.value.id)
            parts.append(re.escape(repr(value) if part.conversion == ord("r") else str(value)))
        else:
            parts.append(".*?")
    return "".join(parts)


def rule_messages() -> dict[str, str]:
    """Source text of every message the catalog's validation reports -> the pattern its texts match."""
    patterns = {}
    for module in (rules, shape_errors, yaml_lines, definition, limits):
        for message in _messages(module):
            patterns[f"{module.__name__}: {ast.unparse(message)}"] = _pattern(message, module)
    for expected in shape_errors._EXPECTED.values():  # the generic shape errors: "expected a list", ...
        patterns[f"{shape_errors.__name__}: {expected!r}"] = re.escape(expected) + r"(, got .*)?"
    return patterns


def test_rule_messages_are_found_in_the_code():
    """The reading of the source finds the rules: if this fails, `_messages` no longer sees how they are written."""
    found = rule_messages()
    assert sum(key.startswith("survey.catalog.rules:") for key in found) >= 30
    assert any("question key" in key and "KEY_RULE" in key for key in found)
    assert any("'expected a whole number'" in key for key in found)


def test_there_is_a_broken_file_for_every_rule():
    """Each message the validation can report is the reported message of at least one broken file."""
    messages = [problem.message for path in BROKEN for problem in reported(path)]
    messages += [problem.message for path in WARNING for problem in warned(path)]
    missing = [
        source
        for source, pattern in rule_messages().items()
        if not any(fragment in source for fragment in SHOWN_ELSEWHERE)
        and not any(re.fullmatch(f"(?:.*: )?{pattern}", message) for message in messages)
    ]
    assert not missing, "no broken file (or warning file) shows these messages:\n" + "\n".join(missing)


@pytest.mark.parametrize("path", BROKEN, ids=lambda path: path.stem)
def test_broken_file_reports_its_one_problem(path: Path):
    line, message = expectation(path)
    problems = [str(problem) for problem in reported(path)]
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}:{line}: "), problems
    assert message in problems[0], problems


@pytest.mark.parametrize("path", WARNING, ids=lambda path: path.stem)
def test_warning_file_validates_with_its_one_warning(path: Path):
    line, message = expectation(path)
    warnings = [str(problem) for problem in warned(path)]
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"{path}:{line}: "), warnings
    assert message in warnings[0], warnings


def test_a_broken_file_reports_no_warnings_as_problems():
    """Warnings never turn into problems: the same reused key in a broken file is not among its problems."""
    text = WARNING[0].read_text(encoding="utf-8").replace("overall: overall", "overall: total")
    with pytest.raises(DefinitionError) as raised:
        definition.parse_definition(text, "q.yaml", BESIDE_VALID)
    assert [problem.line for problem in raised.value.problems] == [21]

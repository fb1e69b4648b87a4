"""Every validation rule, shown by one small broken file in tests/catalog/broken/.

Each file starts with `# expect: LINE: MESSAGE`; it must fail with exactly that one problem, reported as
`FILE:LINE: ...MESSAGE...`. Files with `previous` follow the valid versions in tests/catalog/valid/.
"""
import re
from pathlib import Path

import pytest

from survey.catalog.definition import DefinitionError, load_definition, sibling_lookup

HERE = Path(__file__).parent
BROKEN = sorted((HERE / "broken").glob("*.yaml"))
BESIDE_VALID = sibling_lookup(HERE / "valid" / "broken.yaml")  # as if each broken file lay in valid/
EXPECT = re.compile(rb"# expect: (\d+): (.+)")


def expectation(path: Path) -> tuple[int, str]:
    found = EXPECT.match(path.read_bytes().splitlines()[0])
    assert found, f"{path.name} must start with '# expect: LINE: MESSAGE'"
    return int(found[1]), found[2].decode("utf-8")


def test_there_is_a_broken_file_for_every_rule():
    assert len(BROKEN) >= 20


@pytest.mark.parametrize("path", BROKEN, ids=lambda path: path.stem)
def test_broken_file_reports_its_one_problem(path: Path):
    line, message = expectation(path)
    with pytest.raises(DefinitionError) as raised:
        load_definition(path, BESIDE_VALID)
    reported = [str(problem) for problem in raised.value.problems]
    assert len(reported) == 1, reported
    assert reported[0].startswith(f"{path}:{line}: "), reported
    assert message in reported[0], reported

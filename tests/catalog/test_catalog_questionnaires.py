"""The real questionnaires in questionnaires/ validate, with every later version checked against its previous."""
from pathlib import Path

from survey.catalog.definition import DefinitionError, load_definition, sibling_lookup
from survey.catalog.diff import diff_definitions

QUESTIONNAIRES = Path(__file__).parents[2] / "questionnaires"


def test_every_questionnaire_validates_and_sits_where_its_name_says():
    paths = sorted(QUESTIONNAIRES.glob("**/*.yaml"))
    assert len(paths) >= 4, f"expected the student, staff and company questionnaires, found {paths}"
    problems = []
    for path in paths:
        try:
            definition = load_definition(path, sibling_lookup(path))
        except DefinitionError as error:
            problems.extend(str(problem) for problem in error.problems)
            continue
        if path.relative_to(QUESTIONNAIRES) != Path(definition.family, f"{definition.version}.yaml"):
            problems.append(f"{path}: holds {definition.family} {definition.version}, so it belongs in "
                            f"questionnaires/{definition.family}/{definition.version}.yaml")
        if definition.previous is not None:
            diff_definitions(load_definition(path.with_name(f"{definition.previous}.yaml")), definition)
    assert problems == []

"""Diffs between versions: every kind of change, and exactly which dimensions stay comparable."""
import re
from pathlib import Path

import pytest

from survey.catalog.definition import QuestionnaireDefinition, load_definition, parse_definition, sibling_lookup
from survey.catalog.diff import Moved, diff_definitions, format_diff

HERE = Path(__file__).parent
OLD = HERE / "diff" / "2026.yaml"
NEW = HERE / "diff" / "2027.yaml"


def old() -> QuestionnaireDefinition:
    return load_definition(OLD)


def new() -> QuestionnaireDefinition:
    return load_definition(NEW, sibling_lookup(NEW))


def successor_text(path: Path) -> str:
    """The next version of `path` with the same content: every item keeps its lineage."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'version: "(\d+)"', lambda found: f'version: "{int(found[1]) + 1}"\nprevious: "{found[1]}"', text)
    return re.sub(r"^(        text: .*)$", r"\1\n        lineage: same", text, flags=re.MULTILINE)


def next_version(text: str) -> QuestionnaireDefinition:
    return parse_definition(text, "next.yaml", sibling_lookup(OLD.with_name("next.yaml")))


def test_every_kind_of_change_is_classified():
    diff = diff_definitions(old(), new())
    assert (diff.family, diff.old_version, diff.new_version) == ("staff", "2026", "2027")
    assert diff.added == ("teaching.workload",)
    assert diff.removed == ("wellbeing.bullied",)
    assert diff.reworded == {"teaching.engaging": "teaching.interesting"}
    assert diff.text_changed == ("teaching.explains", "overall.satisfied")
    assert diff.renamed == {"teaching.gives_feedback": "teaching.feedback"}
    assert diff.moved == (
        Moved("wellbeing.respected", "teaching.respect", "teaching", "wellbeing"),
        Moved("environment.rooms", "facilities.rooms", "facilities", "environment"),
    )
    assert diff.reverse_changed == ("wellbeing.lonely",)
    assert diff.dimensions_added == ("environment",)
    assert diff.dimensions_removed == ("facilities",)
    assert diff.other_changes == ("intro",)
    assert diff.has_changes


def test_only_dimensions_whose_items_all_keep_their_lineage_are_comparable():
    diff = diff_definitions(old(), new())
    assert diff.comparable_dimensions == ("overall",)
    assert diff.not_comparable == {
        "teaching": [
            "item teaching.engaging reworded (replaces teaching.interesting)",
            "item teaching.workload added",
            "item teaching.respect moved out to wellbeing",
        ],
        "wellbeing": [
            "item wellbeing.lonely reverse flag changed",
            "item wellbeing.respected moved in from teaching",
            "item wellbeing.bullied removed",
        ],
        "environment": ["dimension is new in 2027"],
    }


def test_renamed_and_polished_items_keep_their_dimension_comparable():
    text = successor_text(OLD).replace("key: overall.recommend", "key: overall.would_recommend")
    text = text.replace("the school}\n        lineage: same", "my school}\n        lineage: overall.recommend")
    diff = diff_definitions(old(), next_version(text))
    assert diff.renamed == {"overall.would_recommend": "overall.recommend"}
    assert diff.text_changed == ("overall.would_recommend",)
    assert diff.moved == ()
    assert diff.comparable_dimensions == ("teaching", "wellbeing", "facilities", "overall")


def test_changes_outside_the_items_are_listed_but_keep_comparability():
    text = successor_text(OLD).replace("title: {da: Trivsel, en: Well-being}", "title: {da: Trivsel, en: Wellbeing}")
    text = text.replace("languages: [da, en]", "languages: [en, da]")
    text = text.replace("safe}\n        lineage: same", "safe}\n        lineage: same\n        required: false")
    text = re.sub(r"(  - key: facilities\n(?:    .*\n)+)(  - key: overall)", r"\2", text)  # drop facilities...
    text += "  - key: facilities\n    title: {da: Faciliteter, en: Facilities}\n    items:\n"
    text += "      - key: facilities.rooms\n        text: {da: Lokalerne er gode, en: The rooms are good}\n"
    text += "        lineage: same\n"  # ...and put it last
    diff = diff_definitions(old(), next_version(text))
    changes = ("languages", "dimension order", "dimension wellbeing: title", "item wellbeing.safe: now optional")
    assert diff.other_changes == changes
    assert diff.comparable_dimensions == ("teaching", "wellbeing", "overall", "facilities")
    assert format_diff(diff).splitlines()[1:6] == ["Other changes:", *(f"  {change}" for change in changes)]


def test_a_replaced_item_of_another_dimension_is_named_in_both():
    text = NEW.read_text(encoding="utf-8").replace(
        "lineage: facilities.rooms", "lineage: new\n        replaces: overall.recommend"
    )
    text = text.replace(
        "      - key: overall.recommend\n"
        "        text: {da: Jeg vil anbefale skolen, en: I would recommend the school}\n"
        "        lineage: same\n",
        "",
    )
    diff = diff_definitions(old(), parse_definition(text, "2027.yaml", sibling_lookup(NEW)))
    assert diff.reworded["environment.rooms"] == "overall.recommend"
    assert diff.removed == ("wellbeing.bullied", "facilities.rooms")
    assert diff.not_comparable["overall"] == ["item overall.recommend replaced by environment.rooms"]


def test_an_unchanged_version_has_no_changes_and_every_dimension_comparable():
    before = load_definition(OLD)
    diff = diff_definitions(before, next_version(successor_text(OLD)))
    assert not diff.has_changes
    assert diff.comparable_dimensions == tuple(dimension.key for dimension in before.dimensions)
    assert diff.not_comparable == {}
    assert format_diff(diff) == (
        "staff 2026 -> 2027\n"
        "No changes\n"
        "Dimensions:\n"
        "  comparable with 2026: teaching, wellbeing, facilities, overall"
    )


def test_format_diff_names_every_section_and_reason():
    text = format_diff(diff_definitions(old(), new()))
    assert text == "\n".join(
        [
            "staff 2026 -> 2027",
            "Added:",
            "  teaching.workload",
            "Removed:",
            "  wellbeing.bullied",
            "Reworded (new lineage):",
            "  teaching.engaging replaces teaching.interesting",
            "Wording polished:",
            "  teaching.explains",
            "  overall.satisfied",
            "Moved:",
            "  teaching.respect -> wellbeing.respected (from teaching to wellbeing)",
            "  facilities.rooms -> environment.rooms (from facilities to environment)",
            "Renamed:",
            "  teaching.feedback -> teaching.gives_feedback",
            "Reverse flag changed:",
            "  wellbeing.lonely",
            "Other changes:",
            "  intro",
            "Dimensions:",
            "  added: environment",
            "  removed: facilities",
            "  comparable with 2026: overall",
            "  not comparable with 2026:",
            "    teaching:",
            "      item teaching.engaging reworded (replaces teaching.interesting)",
            "      item teaching.workload added",
            "      item teaching.respect moved out to wellbeing",
            "    wellbeing:",
            "      item wellbeing.lonely reverse flag changed",
            "      item wellbeing.respected moved in from teaching",
            "      item wellbeing.bullied removed",
            "    environment:",
            "      dimension is new in 2027",
        ]
    )


def test_a_version_is_compared_only_with_the_one_it_follows():
    with pytest.raises(ValueError, match="follows version '2026', so it cannot be compared with staff 2027"):
        diff_definitions(new(), new())
    with pytest.raises(ValueError, match="is a first version"):
        diff_definitions(old(), old())
    student = load_definition(HERE / "valid" / "2026.yaml")
    with pytest.raises(ValueError, match="cannot be compared with student 2026"):
        diff_definitions(student, new())


def test_lineage_to_an_item_the_old_version_lacks_is_refused():
    text = NEW.read_text(encoding="utf-8").replace("lineage: teaching.feedback", "lineage: teaching.gone")
    unchecked = parse_definition(text, "2027.yaml")  # no lookup: the checks across versions were skipped
    with pytest.raises(ValueError, match="refers to item 'teaching.gone', which version '2026' does not have"):
        diff_definitions(old(), unchecked)

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
    text = successor_text(OLD).replace("overall.recommend", "overall.would_recommend")
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
    facilities = "  - key: facilities\n    title: {da: Faciliteter, en: Facilities}\n    items: [facilities.rooms]\n"
    assert facilities in text
    text = text.replace(facilities, "").replace("overall: overall\n", facilities + "overall: overall\n")  # last
    diff = diff_definitions(old(), next_version(text))
    changes = ("languages", "dimension order", "dimension wellbeing: title", "item wellbeing.safe: now optional")
    assert diff.other_changes == changes
    assert diff.comparable_dimensions == ("teaching", "wellbeing", "overall", "facilities")
    assert format_diff(diff).splitlines()[1:6] == ["Other changes:", *(f"  {change}" for change in changes)]


def test_a_replaced_item_of_another_dimension_is_named_in_both():
    text = NEW.read_text(encoding="utf-8").replace(
        "lineage: facilities.rooms", "lineage: new\n        replaces: overall.recommend"
    )
    question = (
        "      - type: rating\n"
        "        key: overall.recommend\n"
        "        scale: agree\n"
        "        text: {da: Jeg vil anbefale skolen, en: I would recommend the school}\n"
        "        lineage: same\n"
    )
    assert question in text
    text = text.replace(question, "").replace("[overall.satisfied, overall.recommend]", "[overall.satisfied]")
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
    student = parse_definition(OLD.read_text(encoding="utf-8").replace("family: staff", "family: student"), "s.yaml")
    with pytest.raises(ValueError, match="cannot be compared with student 2026"):
        diff_definitions(student, new())


def test_lineage_to_an_item_the_old_version_lacks_is_refused():
    text = NEW.read_text(encoding="utf-8").replace("lineage: teaching.feedback", "lineage: teaching.gone")
    unchecked = parse_definition(text, "2027.yaml")  # no lookup: the checks across versions were skipped
    with pytest.raises(ValueError, match="refers to item 'teaching.gone', which version '2026' does not have"):
        diff_definitions(old(), unchecked)


SCALE = ("    labels:\n      da: [Helt uenig, Uenig, Hverken eller, Enig, Helt enig]\n"
         "      en: [Strongly disagree, Disagree, Neither, Agree, Strongly agree]\n")


def with_scale(scale: str, *, equivalent: str | None = None) -> QuestionnaireDefinition:
    """The next version of OLD with every item continued (lineage: same) on another agreement scale."""
    text = successor_text(OLD)
    assert SCALE in text
    text = text.replace("    points: 5\n" + SCALE, scale)
    if equivalent:
        text = text.replace("        lineage: same\n", f"        lineage: same\n        equivalent_scale: {equivalent}\n")
    return next_version(text)


SEVEN = ("    points: 7\n    ends:\n      da: [Helt uenig, Helt enig]\n"
         "      en: [Strongly disagree, Strongly agree]\n")


def test_a_revision_with_a_new_scale_may_follow_with_nothing_comparable():
    diff = diff_definitions(old(), with_scale(SEVEN))  # validated against 2026: not refused
    assert diff.comparable_dimensions == ()
    assert diff.scale_changed["teaching.explains"] == ["points 5 -> 7", "labels at the ends only"]
    assert diff.not_comparable["overall"] == [
        "item overall.satisfied scale changed (points 5 -> 7, labels at the ends only)",
        "item overall.recommend scale changed (points 5 -> 7, labels at the ends only)",
    ]
    text = format_diff(diff)
    assert "Scale changed (not comparable):\n  teaching.explains: points 5 -> 7, labels at the ends only\n" in text
    assert "  comparable with 2026: none" in text


@pytest.mark.parametrize("scale, how", [
    ("    points: 5\n    order: descending\n" + SCALE, "order ascending -> descending"),
    ("    points: 5\n" + SCALE.replace("Hverken eller", "Ved ikke rigtig"), "labels changed"),
    ("    points: 5\n" + SCALE + "    non_substantive:\n      - {key: not_relevant, code: 9, label: {da: Ikke "
     "relevant, en: Not relevant}}\n", "non-substantive options none -> not_relevant"),
])
def test_any_change_of_the_scale_breaks_comparability(scale, how):
    diff = diff_definitions(old(), with_scale(scale))
    assert diff.comparable_dimensions == ()
    assert set(map(tuple, diff.scale_changed.values())) == {(how,)}


def test_a_translation_added_to_the_labels_changes_nothing():
    text = successor_text(OLD).replace("languages: [da, en]", "languages: [da, en, sv]")
    text = text.replace(SCALE, SCALE + "      sv: [Inte alls, Inte, Varken eller, Instämmer, Helt]\n")
    diff = diff_definitions(old(), next_version(text))
    assert diff.scale_changed == {} and diff.comparable_dimensions == ("teaching", "wellbeing", "facilities", "overall")


def test_a_scale_declared_equivalent_keeps_comparability_and_says_why():
    reason = "'the same agreement scale, its middle point reworded'"
    diff = diff_definitions(old(), with_scale("    points: 5\n" + SCALE.replace("Hverken eller", "Neutral"),
                                              equivalent=reason))
    assert diff.comparable_dimensions == ("teaching", "wellbeing", "facilities", "overall")
    assert diff.scale_changed == {}
    assert diff.equivalent_scale["wellbeing.safe"] == "the same agreement scale, its middle point reworded"
    assert ("Scale declared equivalent:\n  teaching.explains: the same agreement scale, its middle point reworded"
            in format_diff(diff))

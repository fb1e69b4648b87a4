"""Reading definitions: the model, the lookups of previous versions, and problems reported all at once."""
from pathlib import Path

import pytest

from survey.catalog.definition import (
    DefinitionError,
    Problem,
    QuestionnaireDefinition,
    canonical_json,
    load_definition,
    parse_definition,
    sibling_lookup,
)

VALID = Path(__file__).parent / "valid"
FIRST = VALID / "2026.yaml"
SECOND = VALID / "2027.yaml"


def problems_of(text: str, lookup=None) -> list[str]:
    with pytest.raises(DefinitionError) as raised:
        parse_definition(text, "q.yaml", lookup)
    return [str(problem) for problem in raised.value.problems]


def test_a_valid_definition_loads_with_defaults_filled_in():
    definition = load_definition(FIRST)
    assert (definition.family, definition.version, definition.previous) == ("student", "2026", None)
    assert (definition.format, definition.audience, definition.default_language) == (2, "student", "da")
    assert [dimension.key for dimension, _ in definition.items()] == ["teaching"] * 3 + ["overall"]
    assert definition.item("teaching.boring").reverse is True
    assert definition.item("teaching.explains").reverse is False
    assert definition.item("teaching.explains").required is True
    assert definition.dimension("overall").items == ["overall.satisfied"]
    assert [question.key for question in definition.background_questions()] == ["program", "gender"]
    assert definition.question("gender").required is False
    assert definition.question("program").options is None
    assert definition.question("comments").long is True
    assert definition.scale_of("teaching.explains").order == "ascending"
    assert [page.randomise for page in definition.pages] == [False] * 4


def test_the_storage_orders_follow_the_pages():
    definition = load_definition(SECOND, sibling_lookup(SECOND))
    assert [item.key for item in definition.rating_items()] == [
        "teaching.explains", "teaching.feedback", "teaching.boring", "teaching.workload", "overall.satisfied",
    ]
    assert [question.key for question in definition.text_questions()] == ["comments"]
    assert definition.page_of("gender").key == "background"
    assert definition.dimension_of("teaching.workload").key == "teaching"


def test_texts_fall_back_to_the_default_language_one_by_one():
    text = FIRST.read_text(encoding="utf-8").replace("languages: [da, en]", "languages: [da, en, ar]")
    text = text.replace("en: Teaching}\n", "en: Teaching, ar: التدريس}\n", 1)
    definition = parse_definition(text, "q.yaml")
    teaching = definition.pages[0]
    assert definition.text(teaching.title, "ar") == "التدريس"
    assert definition.text(definition.title, "ar") == "Elevtrivsel"
    assert definition.text(None, "ar") == ""


def test_unknown_keys_raise_key_error():
    definition = load_definition(FIRST)
    with pytest.raises(KeyError, match="teaching.nothing"):
        definition.item("teaching.nothing")
    with pytest.raises(KeyError, match="nothing"):
        definition.dimension("nothing")


def test_definitions_are_frozen():
    definition = load_definition(FIRST)
    with pytest.raises(ValueError):
        definition.version = "2030"


def test_previous_item_keys_follow_lineage():
    definition = load_definition(SECOND, sibling_lookup(SECOND))
    assert definition.item("teaching.explains").previous_key() == "teaching.explains"
    assert definition.item("teaching.workload").previous_key() is None


def test_canonical_json_reads_back_as_the_same_definition():
    definition = load_definition(SECOND, sibling_lookup(SECOND))
    assert QuestionnaireDefinition.model_validate_json(canonical_json(definition)) == definition


def test_problem_and_error_read_as_file_line_message():
    error = DefinitionError([Problem("a.yaml", 3, "first"), Problem("a.yaml", 9, "second")])
    assert str(error) == "a.yaml:3: first\na.yaml:9: second"


def test_shape_problems_are_all_reported_sorted_by_line():
    text = FIRST.read_text(encoding="utf-8")
    text = text.replace('version: "2026"', 'version: "2026"\nversion: "2027"')
    text = text.replace("        reverse: true", "        reverse: yes")
    text = text.replace("        key: teaching.feedback\n", "        key: teaching.feedback\n        revers: true\n")
    text = text.replace("        text: {da: Jeg er glad for min skole, en: I am happy with my school}\n", "")
    text = text.replace("      - type: text\n", "      - type: essay\n")
    assert problems_of(text) == [
        "q.yaml:6: key 'version' is used twice in this mapping (first at line 5)",
        "q.yaml:31: pages[0].questions[1]: unknown field 'revers' (did you mean 'reverse'?)",
        "q.yaml:38: pages[0].questions[2].reverse: expected true or false, got 'yes'",
        "q.yaml:42: pages[1].questions[0]: field 'text' is required",
        "q.yaml:61: pages[3].questions[0].type: unknown question type 'essay': "
        "one of rating, single, multiple, numeric, text, display",
    ]


def test_rule_problems_are_all_reported_sorted_by_line():
    text = FIRST.read_text(encoding="utf-8")
    text = text.replace("overall: overall", "overall: total")
    text = text.replace("key: teaching.feedback", "key: teaching.explains")
    text = text.replace("      da: [Helt uenig, Uenig, Enig, Helt enig]", "      da: [Uenig, Enig]")
    text = text.replace("label: {da: Mand, en: Man}", "label: {en: Man}")
    assert problems_of(text) == [
        "q.yaml:16: scales.scale.labels.da: 2 labels for 4 points "
        "(one per point, least positive first, whatever the order they are shown in)",
        "q.yaml:29: question key 'teaching.explains' is used twice (first at line 25)",
        "q.yaml:57: pages[2].questions[1].options[1].label: no text in the default language 'da'",
        "q.yaml:64: dimension 'teaching': item 'teaching.feedback' names no question "
        "(dimensions group rating questions)",
        "q.yaml:66: overall 'total' names no dimension (the dimensions are teaching, overall)",
    ]


def test_a_yaml_list_is_not_a_definition():
    assert problems_of("- family: student\n") == ["q.yaml:1: expected a mapping of fields, got a list"]


def test_without_a_lookup_the_checks_across_versions_are_skipped():
    text = SECOND.read_text(encoding="utf-8").replace("lineage: same", "lineage: teaching.gone", 1)
    assert parse_definition(text, "q.yaml").item("teaching.explains").lineage == "teaching.gone"
    assert problems_of(text, sibling_lookup(SECOND)) == [
        "q.yaml:29: question 'teaching.explains' has lineage 'teaching.gone', "
        "but version '2026' has no question 'teaching.gone'"
    ]


def test_sibling_lookup_finds_and_checks_the_previous_file():
    lookup = sibling_lookup(SECOND)
    assert lookup("student", "2026") == load_definition(FIRST)
    assert lookup("student", "2020") is None


def test_a_previous_version_that_does_not_validate_is_reported_with_its_problems(tmp_path: Path):
    broken = FIRST.read_text(encoding="utf-8").replace("overall: overall", "overall: total")
    (tmp_path / "2026.yaml").write_text(broken, encoding="utf-8")
    (tmp_path / "2027.yaml").write_text(SECOND.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(DefinitionError) as raised:
        load_definition(tmp_path / "2027.yaml", sibling_lookup(tmp_path / "2027.yaml"))
    assert [str(problem) for problem in raised.value.problems] == [
        f"{tmp_path / '2027.yaml'}:6: previous version '2026' of family 'student' does not validate: "
        f"fix {tmp_path / '2026.yaml'} first",
        f"{tmp_path / '2026.yaml'}:66: overall 'total' names no dimension (the dimensions are teaching, overall)",
    ]


def test_a_cycle_of_previous_versions_is_reported(tmp_path: Path):
    first = SECOND.read_text(encoding="utf-8").replace('version: "2027"', 'version: "2025"')
    first = first.replace('previous: "2026"', 'previous: "2024"')
    second = first.replace('version: "2025"', 'version: "2024"').replace('previous: "2024"', 'previous: "2025"')
    (tmp_path / "2025.yaml").write_text(first, encoding="utf-8")
    (tmp_path / "2024.yaml").write_text(second, encoding="utf-8")
    with pytest.raises(DefinitionError) as raised:
        load_definition(tmp_path / "2025.yaml", sibling_lookup(tmp_path / "2025.yaml"))
    assert [problem.file for problem in raised.value.problems] == [
        str(tmp_path / name) for name in ("2025.yaml", "2024.yaml", "2025.yaml")
    ]
    assert raised.value.problems[-1].message == (
        "the previous versions of family 'student' form a cycle back to version '2025'"
    )


EVERY_TYPE = VALID / "every_type.yaml"


def test_every_part_of_format_2_reads_into_the_model():
    definition = load_definition(EVERY_TYPE)
    assert [question.type for question in definition.questions()] == [
        "display", "single", "multiple", "numeric", "numeric", "rating", "rating", "text", "rating",
    ]
    assert [question.key for question in definition.background_questions()] == ["placement", "activities", "age", "hours"]
    assert [item.key for item in definition.rating_items()] == ["placement.learn", "placement.bullied", "teaching.explains"]
    assert definition.overall is None and definition.audience == "other"
    often = definition.scale_of("placement.bullied")
    assert often.display_codes() == [5, 4, 3, 2, 1]
    assert [often.point_label(code, "en", "da") for code in (1, 3, 5)] == ["Never", None, "Always"]
    assert often.point_label(5, "ar", "da") == "Altid"  # no Arabic labels: the default language's
    assert often.non_substantive_by_key("not_relevant").code == -1
    placement = definition.question("placement")
    assert [placement.export_code(option) for option in placement.options] == [1, 0]
    assert [option.exclusive for option in definition.question("activities").options] == [False, False, True]
    assert definition.page_of("placement.learn").randomise is True
    assert definition.page_of("placement.learn").condition.evaluate({"placement": "yes"}) is True
    assert definition.question("bullied.how").condition.keys == {"placement.bullied", "activities"}
    assert definition.question("about.intro").stored is False
    assert definition.question("hours").min == 0.5
    assert definition.text(definition.question("activities").text, "zh-Hans") == "Hvad laver du i fritiden?"


@pytest.mark.parametrize("tag", ["da", "ar", "prs", "fa-AF", "sr-Latn", "pt-BR", "zh-Hans", "es-419", "sr-Latn-RS", "de-CH-1996"])
def test_bcp_47_language_tags_are_accepted(tag: str):
    text = FIRST.read_text(encoding="utf-8").replace("languages: [da, en]", f"languages: [da, en, {tag}]")
    if tag == "da":
        text = text.replace("languages: [da, en, da]", "default_language: en\nlanguages: [da, en]").replace(
            "default_language: da\n", "", 1
        )
    assert tag in parse_definition(text, "q.yaml").languages


@pytest.mark.parametrize("tag", ["da_DK", "english", "d", "pt-", "zh-Hans-", "x", "sr-Latn-RS-x-" + "a" * 10, "da-DK-" + "1" * 9])
def test_malformed_language_tags_are_refused_with_their_line(tag: str):
    text = FIRST.read_text(encoding="utf-8").replace("languages: [da, en]", f"languages: [da, en, '{tag}']")
    assert problems_of(text) == [
        f"q.yaml:7: language '{tag}' must be a BCP 47 language tag such as 'da', 'prs', 'sr-Latn' or 'pt-BR'"
    ]


def test_the_default_language_may_be_any_listed_language():
    text = FIRST.read_text(encoding="utf-8").replace("default_language: da", "default_language: en")
    text = text.replace("label: {da: Mand, en: Man}", "label: {en: Man}")  # Danish may now fall back to English
    definition = parse_definition(text, "q.yaml")
    male = definition.question("gender").options[1]
    assert definition.text(male.label, "da") == "Man"


def test_a_key_reused_with_lineage_new_is_a_warning_not_a_problem():
    text = SECOND.read_text(encoding="utf-8").replace(
        "        key: teaching.feedback\n        scale: scale\n        text: {da: Jeg får feedback, en: I get feedback}\n"
        "        lineage: same\n",
        "        key: teaching.feedback\n        scale: scale\n        text: {da: Jeg får feedback, en: I get feedback}\n"
        "        lineage: new\n",
    )
    warnings: list[Problem] = []
    definition = parse_definition(text, "q.yaml", sibling_lookup(SECOND), warnings=warnings)
    assert definition.item("teaching.feedback").previous_key() is None
    assert [str(warning) for warning in warnings] == [
        "q.yaml:34: question 'teaching.feedback' is new, but version '2026' has a question with the same key: "
        "give the new question its own key, or say lineage: same if it measures the same"
    ]
    assert parse_definition(text, "q.yaml", sibling_lookup(SECOND)) == definition  # without a list: no warnings


def test_a_question_continues_only_one_of_its_own_type():
    assert '"Any other comments?"}' in SECOND.read_text(encoding="utf-8")
    text = SECOND.read_text(encoding="utf-8").replace(
        '        text: {da: "Har du andre kommentarer?", en: "Any other comments?"}\n',
        '        text: {da: "Har du andre kommentarer?", en: "Any other comments?"}\n        lineage: same\n'
        "      - type: numeric\n        key: age\n        text: {da: Alder, en: Age}\n        lineage: gender\n",
    )
    assert problems_of(text, sibling_lookup(SECOND)) == [
        "q.yaml:77: question 'age' (numeric) continues 'gender', a single question in version '2026': "
        "a question continues one of its own type"
    ]
    assert parse_definition(text.replace("lineage: gender", "lineage: new"), "q.yaml", sibling_lookup(SECOND))


def test_equivalent_scale_is_declared_on_a_continued_item_only():
    old = "        text: {da: Lærerne forklarer godt, en: The teachers explain things well}\n        lineage: same\n"
    text = SECOND.read_text(encoding="utf-8")
    assert old in text
    reason = "        equivalent_scale: the same agreement scale, its middle point named\n"
    continued = parse_definition(text.replace(old, old + reason), "q.yaml", sibling_lookup(SECOND))
    assert continued.item("teaching.explains").equivalent_scale == "the same agreement scale, its middle point named"
    assert problems_of(text.replace(old, old.replace("same", "new") + reason), sibling_lookup(SECOND)) == [
        "q.yaml:30: question 'teaching.explains' declares equivalent_scale, but continues no question of a previous "
        "version: it is for a continued item whose scale changed"
    ]

"""YAML that a YAML 1.1 parser reads otherwise gets a warning at its line; the file still validates."""
from pathlib import Path

import pytest
import yaml

from survey.catalog.yaml_traps import yaml_1_1_traps


def warned(text: str) -> dict[int, str]:
    return dict(yaml_1_1_traps(text))


@pytest.mark.parametrize("word", ["yes", "No", "ON", "off", "y", "n", "Yes"])
def test_yes_no_on_off_values_are_flagged_with_the_quoted_form(word):
    found = warned(f"family: student\nanswer: {word}\n")
    assert list(found) == [2]
    assert f'quote it ("{word}")' in found[2] and "true or false" in found[2]


def test_the_norwegian_language_code_as_a_key_is_flagged():
    found = warned('title:\n  da: Trivsel\n  no: Trivsel\nlanguages: [da, "no"]\n')
    assert list(found) == [3]
    assert "the key no" in found[3] and "false" in found[3] and "Norwegian" in found[3]


def test_a_question_mark_in_a_flow_mapping_is_flagged_where_pyyaml_fails():
    text = "text: {da: Hvor gammel er du?, en: How old are you?}\nhelp:\n  da: Hvorfor spørger vi?\n"
    with pytest.raises(yaml.YAMLError):
        yaml.load(text, Loader=yaml.SafeLoader)  # the pure-Python YAML 1.1 parser: the trap is real
    found = yaml_1_1_traps(text)
    assert [line for line, _ in found] == [1, 1]  # both texts; the block-style one on line 3 is safe
    assert 'quote it ("Hvor gammel er du?")' in found[0][1]


def test_numbers_and_times_that_yaml_1_1_reads_otherwise_are_flagged():
    found = warned("a: 12:30\nb: 017\nc: 1e3\nd: 42\ne: '12:30'\nf: 1.5\n")
    assert sorted(found) == [1, 2, 3]
    assert "750" in found[1]


def test_quoted_and_block_texts_and_true_false_give_no_warning():
    text = 'reverse: true\nrequired: false\nlabel: {da: "Ja", en: "yes", "no": "Nei"}\ntext: >-\n  yes? no: on\n'
    assert yaml_1_1_traps(text) == []


def test_invalid_yaml_gives_no_warnings_the_reader_reports_it():
    assert yaml_1_1_traps("a: [b\n") == []


def test_validate_prints_the_warnings_with_file_and_line_and_still_passes(cli, tmp_path):
    shipped = Path(__file__).parents[2] / "questionnaires" / "company" / "2026.yaml"
    text = shipped.read_text(encoding="utf-8").replace("{da: Andet, en: Other,", "{da: Andet?, en: Other,", 1)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "Andet?" in row)
    trapped = tmp_path / "2026.yaml"
    trapped.write_text(text, encoding="utf-8")
    result = cli("questionnaire", "validate", str(trapped))
    assert result.exit_code == 0, result.stderr
    assert ": ok" in result.stdout
    assert f"{trapped}:{line}: warning: the unquoted text 'Andet?'" in result.stderr


def test_a_colon_inside_an_unquoted_text_is_an_error_that_says_to_quote_it():
    from survey.catalog.yaml_lines import read_yaml

    [(line, message)] = read_yaml("text:\n  da: Bemærk: svar ærligt\n").problems
    assert line == 2 and "a text that contains ': ' must be quoted" in message

"""`benchlearn questionnaire upgrade`: a format-1 file becomes format 2 with nothing lost, or is refused with the
lines of the file the admin wrote."""
from pathlib import Path

import pytest
import yaml

from survey.catalog.definition import checksum, load_definition, sibling_lookup
from survey.catalog.upgrade import upgrade_source
from survey.catalog.yaml_lines import read_yaml

HERE = Path(__file__).parent
FORMAT_ONE = HERE / "format1"
VALID = HERE / "valid"


def upgrade(cli, source: Path, out: Path):
    return cli("questionnaire", "upgrade", str(source), "--out", str(out))


def test_upgraded_files_validate_and_keep_every_key_text_and_lineage(cli, tmp_path: Path):
    for version in ("2026", "2027"):
        result = upgrade(cli, FORMAT_ONE / f"{version}.yaml", tmp_path / f"{version}.yaml")
        assert result.exit_code == 0, result.stderr
        assert result.stdout == f"{FORMAT_ONE / version}.yaml: upgraded to format 2 in {tmp_path / version}.yaml\n"
    second = load_definition(tmp_path / "2027.yaml", sibling_lookup(tmp_path / "2027.yaml"))  # lineage checked too
    first = load_definition(tmp_path / "2026.yaml")
    # The same content as the format-2 files written by hand for the tests: same keys, texts, scale and lineage.
    assert checksum(first) == checksum(load_definition(VALID / "2026.yaml"))
    assert checksum(second) == checksum(load_definition(VALID / "2027.yaml"))

    old = read_yaml((FORMAT_ONE / "2027.yaml").read_text(encoding="utf-8")).data
    for dimension in old["dimensions"]:
        assert second.dimension(dimension["key"]).items == [item["key"] for item in dimension["items"]]
        for item in dimension["items"]:
            upgraded = second.item(item["key"])
            assert (upgraded.text, upgraded.lineage, upgraded.reverse) == (
                item["text"], item["lineage"], item.get("reverse", False)
            )
    assert [q.key for q in second.background_questions()] == [q["key"] for q in old["background"]]
    assert second.question("gender").options[0].label == old["background"][1]["options"][0]["label"]
    assert [q.text for q in second.text_questions()] == [q["text"] for q in old["free_text"]]
    scale = second.scales["scale"]
    assert (scale.points, scale.labels) == (old["scale"]["points"], old["scale"]["labels"])
    assert [(o.key, o.code, o.label) for o in scale.non_substantive] == [("dont_know", 9, old["scale"]["dont_know"])]


def test_the_upgrade_is_printed_without_out_and_reads_the_same_in_yaml_1_1(cli):
    result = cli("questionnaire", "upgrade", str(FORMAT_ONE / "2026.yaml"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Upgraded to format 2 from 2026.yaml")
    assert yaml.safe_load(result.stdout) == read_yaml(result.stdout).data  # PyYAML reads what Benchlearn reads
    assert read_yaml(result.stdout).data["pages"][2]["questions"][0]["text"]["da"] == "Hvilken uddannelse går du på?"


def test_dont_know_gets_99_when_9_is_a_point_of_the_scale():
    text = (FORMAT_ONE / "2026.yaml").read_text(encoding="utf-8").replace(
        "  points: 4\n  labels:\n    da: [Helt uenig, Uenig, Enig, Helt enig]\n"
        "    en: [Strongly disagree, Disagree, Agree, Strongly agree]\n",
        "  points: 10\n  labels:\n    da: [a, b, c, d, e, f, g, h, i, j]\n    en: [a, b, c, d, e, f, g, h, i, j]\n",
    )
    assert "points: 10" in text
    scale = upgrade_source(text, "q.yaml")["scales"]["scale"]
    assert scale["non_substantive"][0]["code"] == 99


def test_a_file_already_in_format_2_is_refused_and_nothing_written(cli, tmp_path: Path):
    out = tmp_path / "out.yaml"
    result = upgrade(cli, VALID / "2026.yaml", out)
    assert result.exit_code == 1
    assert result.stderr == f"{VALID / '2026.yaml'}:1: this is not a format-1 definition: nothing to upgrade\n"
    assert not out.exists()


def broken(tmp_path: Path, old: str, new: str) -> Path:
    text = (FORMAT_ONE / "2026.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "2026.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("old, new, line, message", [
    ("title: {da: Elevtrivsel, en: Student satisfaction}", "title: {da: Elevtrivsel, en: Student: satisfaction}",
     5, "invalid YAML: did not find expected ',' or '}'"),
    ("scale:\n", "scales:\n", 2, "field 'scale' is required"),
    ("        reverse: true\n", "        revers: true\n", 26,
     "dimensions[0].items[2].revers: unknown field 'revers' in a format-1 definition"),
    ("    items:\n      - key: overall.satisfied", "    items:\n      - kee: overall.satisfied", 30,
     "dimensions[1].items[0]: field 'key' is required"),
    ("overall: overall", "overall: total", 15, "overall 'total' names no dimension (the dimensions are teaching, overall)"),
    ("    da: [Helt uenig, Uenig, Enig, Helt enig]", "    da: [Uenig, Enig]", 12,
     "scales.scale.labels.da: 2 labels for 4 points"),
    ("key: teaching.feedback", "key: teaching.explains", 22, "question key 'teaching.explains' is used twice (first at line 20)"),
    ("label: {da: Mand, en: Man}", "label: {en: Man}", 42,
     "pages[2].questions[1].options[1].label: no text in the default language 'da'"),
    ("  dont_know: {da: Ved ikke, en: Don't know}", "  dont_know: {da: Ved ikke, en: Don't know, sv: Vet inte}", 14,
     "scales.scale.non_substantive[0].label: language 'sv' is not in languages"),
    ("        reverse: true\n", "        reverse: yes\n", 26, "pages[0].questions[2].reverse: expected true or false, got 'yes'"),
])
def test_problems_are_reported_at_the_lines_of_the_format_one_file(cli, tmp_path: Path, old, new, line, message):
    path = broken(tmp_path, old, new)
    out = tmp_path / "out.yaml"
    result = upgrade(cli, path, out)
    assert result.exit_code == 1
    reported = result.stderr.splitlines()
    assert reported[0].startswith(f"{path}:{line}: {message}"), reported
    assert all(problem.startswith(f"{path}:") for problem in reported)  # never a line of the upgrade's own text
    assert not out.exists()

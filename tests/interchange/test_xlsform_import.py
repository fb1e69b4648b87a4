"""XLSForm in: every question type, routing, languages, and every loss named by sheet and row."""
from __future__ import annotations

import copy

import pytest

from survey.catalog.definition import parse_definition
from survey.interchange.operations import import_questionnaire
from survey.interchange.report import ImportFailed

from .builders import WELLBEING, pyxform_csv, xls, xlsx


def imported(sheets, filename="wellbeing.xlsx", family="wellbeing", version="2027"):
    data = {"xlsx": xlsx, "xls": xls, "csv": pyxform_csv}[filename.rsplit(".", 1)[1]](sheets)
    return import_questionnaire(data, filename, family, version, f"{family}-{version}.yaml")


def messages(outcome) -> list[str]:
    return [str(finding) for finding in outcome.findings]


@pytest.mark.parametrize("filename", ["wellbeing.xlsx", "wellbeing.xls", "wellbeing.csv"])
def test_every_type_carries_and_validates_from_xlsx_xls_and_csv(filename):
    outcome = imported(WELLBEING, filename)
    assert outcome.problems == []
    definition = outcome.definition
    assert [page.key for page in definition.pages] == ["school", "about", "bullying_more"]
    assert [(q.key, q.type) for q in definition.questions()] == [
        ("school_intro", "display"), ("school.safe", "rating"), ("school.bored", "rating"), ("bullied", "rating"),
        ("gender", "single"), ("activities", "multiple"), ("age", "numeric"), ("hours", "numeric"),
        ("where", "text"), ("told", "rating"),
    ]
    assert definition.question("school.bored").reverse and not definition.question("school.safe").reverse
    assert definition.question("school.safe").help == {"da": "Tænk på i år", "en": "Think of this year"}
    assert definition.question("told").required is False and definition.question("age").required is True
    assert definition.question("age").decimal is False and definition.question("hours").decimal is True
    assert definition.question("where").long is False  # XLSForm text is one line unless appearance multiline
    assert [o.key for o in definition.question("activities").options] == ["sport", "music"]


def test_a_scale_is_the_choices_named_1_to_k_in_any_order_and_the_rest_is_non_substantive():
    definition = imported(WELLBEING).definition
    often = definition.scales["often"]
    assert often.points == 5 and often.order == "descending"  # 5 (most positive) first on the sheet
    assert often.labels["en"] == ["Every day", "Often", "Sometimes", "Rarely", "Never"]  # code order
    assert [(ns.key, ns.code) for ns in often.non_substantive] == [("dk", 9), ("na", 10)]
    agree = definition.scales["agree"]
    assert agree.order == "ascending" and agree.non_substantive == []


def test_dimensions_titles_and_overall():
    definition = imported(WELLBEING).definition
    assert [(d.key, d.items) for d in definition.dimensions] == [
        ("school", ["school.safe", "school.bored"]), ("bullying", ["bullied", "told"])]
    assert definition.dimension("school").title == {"da": "Skolen"}
    assert definition.dimension("bullying").title == {"da": "Mobning"}
    assert definition.overall == "school"


def test_relevant_expressions_become_conditions_on_earlier_pages():
    definition = imported(WELLBEING).definition
    assert definition.pages[2].shown_if == "bullied >= 3"
    assert definition.question("hours").shown_if == "age > 15 and selected(activities, 'sport')"
    assert definition.question("where").shown_if == "not(gender = 'female') or school.safe < 3 or bullied != 'dk'"
    assert definition.question("told").shown_if == "bullied = 5"


def test_languages_come_from_the_columns_with_the_default_first():
    definition = imported(WELLBEING).definition
    assert definition.default_language == "da" and definition.languages == ["da", "en", "ar"]
    assert definition.question("gender").options[0].label == {"da": "Pige", "en": "Girl", "ar": "فتاة"}
    assert definition.title == {"da": "Trivsel"}


def test_what_is_not_carried_is_named_by_sheet_and_row():
    sheets = copy.deepcopy(WELLBEING)
    survey = sheets["survey"]
    survey.insert(2, ["geopoint", "location", "Hvor er du?", "Where are you?"])
    survey.insert(3, ["select_one agree", "bad_route", "Rute", "Route", None, None, None, None,
                      "count-selected(${activities}) > 1"])
    survey.insert(4, ["select_one agree", "later", "Senere", "Later", None, None, None, None, "${age} > 3", "school"])
    survey.insert(5, ["begin_repeat", "kids", "Børn", "Children"])
    survey.insert(6, ["text", "kid_name", "Navn", "Name"])
    survey.insert(7, ["end_repeat"])
    survey.insert(8, ["integer", "no_danish", None, "No Danish label"])
    survey[0].append("constraint_message")
    survey[8] += [None] * (len(survey[0]) - 1 - len(survey[8])) + ["Too old"]
    outcome = imported(sheets)
    found = messages(outcome)
    assert "sheet survey: not carried: column 'constraint_message' (1 rows from row 9): it has no equivalent" in found
    assert "sheet survey, row 3: not carried: location of type 'geopoint': a location has no equivalent" in found
    assert any(f.startswith("sheet survey, row 4: not carried:") and "count-selected() has no equivalent" in f for f in found)
    assert any(f.startswith("sheet survey, row 5: not carried:") and "age on the same or a later page" in f for f in found)
    assert any(f.startswith("sheet survey, row 6: not carried: repeat 'kids'") for f in found)
    assert "sheet survey, row 9: not carried: no_danish: no label in the default language da" in found
    assert "sheet choices, row 12: changed: choice 'dk' of list 'often' is non-substantive with code 9" in found
    assert "sheet settings, row 2: changed: the file's version '2024-01' is replaced by '2027'" in found
    assert outcome.problems == []  # what was carried still validates
    assert "kid_name" not in {q.key for q in outcome.definition.questions()}


def test_csv_findings_name_the_line():
    sheets = copy.deepcopy(WELLBEING)
    sheets["survey"].insert(2, ["date", "born", "Født", "Born"])
    outcome = imported(sheets, "wellbeing.csv")
    assert "sheet survey, line 4: not carried: born of type 'date': a date has no equivalent" in messages(outcome)


def test_names_that_are_not_keys_are_renamed_and_conditions_follow():
    sheets = {
        "survey": [
            ["type", "name", "label", "relevant", "dimension"],
            ["select_one yn", "Q-1", "First?", "", ""],
            ["begin_group", "Next Page", "Next"],
            ["select_one agree", "Q2", "Second", "${Q-1} = '1'", "main"],
            ["end_group"],
        ],
        "choices": [["list_name", "name", "label"], ["yn", "1", "Yes"], ["yn", "2", "No"],
                    ["agree", "1", "Low"], ["agree", "2", "High"]],
    }
    outcome = imported(sheets)
    assert outcome.problems == []
    definition = outcome.definition
    assert [q.key for q in definition.questions()] == ["q_1", "q2"]
    assert [o.key for o in definition.question("q_1").options] == ["c1", "c2"]
    assert [o.code for o in definition.question("q_1").options] == [1, 2]
    assert definition.question("q2").shown_if == "q_1 = 'c1'"
    assert definition.pages[1].key == "next_page"
    assert "sheet survey, row 2: changed: name 'Q-1' became the key 'q_1'" in messages(outcome)
    assert definition.default_language == "en"  # no language named anywhere: said so in the report
    assert any("taken as English (en)" in m for m in messages(outcome))


def test_a_list_that_is_not_1_to_k_is_carried_as_a_single_choice():
    sheets = {
        "survey": [["type", "name", "label::English (en)", "dimension"],
                   ["select_one zero", "q", "Question", "main"], ["select_one agree", "r", "Rated", "main"]],
        "choices": [["list_name", "name", "label::English (en)"], ["zero", "0", "None"], ["zero", "1", "Some"],
                    ["agree", "1", "Low"], ["agree", "2", "High"]],
    }
    outcome = imported(sheets)
    assert outcome.definition.question("q").type == "single"
    found = messages(outcome)
    assert any(m.startswith("sheet choices, row 2: not carried: list 'zero' is no rating scale") for m in found)
    assert "sheet survey, row 2: changed: q: carried as a single choice, without its dimension 'main'" in found


def test_a_file_without_a_survey_sheet_or_any_question_imports_nothing():
    assert imported({"settings": [["form_title"], ["x"]]}).yaml is None
    outcome = imported({"survey": [["type", "name", "label"], ["geopoint", "here", "Here"]]})
    assert outcome.yaml is None
    assert "sheet survey, row 2: not carried: here of type 'geopoint': a location has no equivalent" in messages(outcome)


def test_unreadable_files_fail_with_the_reason():
    with pytest.raises(ImportFailed, match="not a zip archive"):
        import_questionnaire(b"plain text", "form.xlsx", "wellbeing", "1", "x.yaml")
    with pytest.raises(ImportFailed, match="XLSForm"):
        import_questionnaire(b"x", "form.docx", "wellbeing", "1", "x.yaml")
    with pytest.raises(ImportFailed, match="line 2 is not UTF-8"):
        import_questionnaire(b"survey,type\n\xff\xfe", "form.csv", "wellbeing", "1", "x.yaml")


def test_the_yaml_reads_the_same_in_pyyaml_and_ruamel():
    import io

    import yaml
    from ruamel.yaml import YAML

    sheets = copy.deepcopy(WELLBEING)
    sheets["choices"].append(["gender", "no", "Nej: no", "No", "لا"])  # YAML 1.1 traps in key and text
    sheets["choices"].append(["gender", "on", "- on", "0o17", "1_000"])
    outcome = imported(sheets)
    assert outcome.problems == []
    assert yaml.safe_load(outcome.yaml) == YAML(typ="safe", pure=True).load(io.StringIO(outcome.yaml))
    assert [o.key for o in outcome.definition.question("gender").options][-2:] == ["no", "on"]
    parse_definition(outcome.yaml, "again.yaml")


def test_a_nested_group_joins_its_page_with_its_condition_on_each_question():
    sheets = {
        "survey": [
            ["type", "name", "label::English (en)", "relevant", "dimension"],
            ["begin group", "one", "One"],
            ["select_one agree", "first", "First", "", "main"],
            ["end group"],
            ["begin group", "two", "Two"],
            ["begin group", "inner", "Inner", "${first} > 1"],
            ["select_one agree", "second", "Second", "", "main"],
            ["text", "why", "Why?", "${first} = '2'"],
            ["end group"],
            ["select_one yn or_other", "more", "More?"],
            ["end group"],
        ],
        "choices": [["list_name", "name", "label::English (en)"], ["agree", "1", "Low"], ["agree", "2", "High"],
                    ["yn", "y", "Yes"], ["yn", "n", "No"]],
    }
    outcome = imported(sheets)
    assert outcome.problems == []
    definition = outcome.definition
    assert [page.key for page in definition.pages] == ["one", "two"]
    assert definition.question("second").shown_if == "first > 1"
    assert definition.question("why").shown_if == "first > 1 and first = 2"
    assert definition.question("more").shown_if is None
    found = messages(outcome)
    assert "sheet survey, row 6: changed: group 'inner' inside a group: its questions join the enclosing page" in found
    assert "sheet survey, row 10: not carried: more: 'or_other' (an 'other' option has no equivalent)" in found


def _rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, replace.get(name, source.read(name)))
        for name, content in replace.items():
            if name not in source.namelist():
                target.writestr(name, content)
    return out.getvalue()


def test_a_workbook_with_an_entity_bomb_is_refused():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            b'<row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>')
    data = _rezip(xlsx(WELLBEING), {"xl/worksheets/sheet1.xml": bomb})
    with pytest.raises(ImportFailed, match="refused: the workbook's XML declares a DTD or entities"):
        import_questionnaire(data, "bomb.xlsx", "wellbeing", "1", "x.yaml")


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    data = _rezip(xlsx(WELLBEING), {"xl/media/padding.bin": bytes(65 * 1024 * 1024)})
    assert len(data) < 1024 * 1024
    with pytest.raises(ImportFailed, match="inflates to"):
        import_questionnaire(data, "bomb.xlsx", "wellbeing", "1", "x.yaml")


def test_csv_with_the_header_beside_the_sheet_name_or_the_survey_sheet_alone():
    beside = (
        "survey,type,name,label::English (en),dimension\n"
        ",select_one agree,teach,Teaching,main\n"
        "choices,list_name,name,label::English (en)\n"
        ",agree,1,Low\n,agree,2,High\n"
        "settings,form_title,default_language\n,Pupils,English (en)\n"
    ).encode()
    outcome = import_questionnaire(beside, "form.csv", "pupils", "1", "x.yaml")
    assert outcome.problems == [] and outcome.definition.title == {"en": "Pupils"}
    alone = "type;name;label\nnote;hello;Hello\ninteger;age;Age\n".encode()  # as Excel saves it in Denmark
    outcome = import_questionnaire(alone, "survey.csv", "pupils", "1", "x.yaml")
    assert "key: hello" in outcome.yaml and "key: age" in outcome.yaml
    assert any("at least one dimension is required" in problem for problem in outcome.problems)
    bad = "survey,type,name\n,integer,age\nchoises,list_name,name\n".encode()
    with pytest.raises(ImportFailed, match="line 3: 'choises' is not an XLSForm sheet name"):
        import_questionnaire(bad, "bad.csv", "pupils", "1", "x.yaml")

"""Whatever a spreadsheet or expression holds, the import answers with findings or a clear failure, never a crash."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from survey.interchange.expressions import ExpressionError, parse_limesurvey, parse_xlsform
from survey.interchange.sheets import Row, Sheet
from survey.interchange.xlsform import import_xlsform

TYPES = ["select_one agree", "select_multiple agree", "select_one", "integer", "decimal", "text", "note",
         "begin_group", "end_group", "begin_repeat", "end_repeat", "geopoint", "", "select_one missing"]
cells = st.one_of(st.sampled_from(["", "yes", "no", "1", "2", "x", "${a} = '1'", "${a} >", "Ünïcode ·"]), st.text(max_size=12))


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(TYPES), cells, cells, cells, cells, cells), max_size=12),
       choices=st.lists(st.tuples(st.sampled_from(["agree", "other", ""]), cells, cells), max_size=8))
def test_any_sheet_content_gives_findings_or_a_document(rows, choices):
    survey = Sheet("survey", ["type", "name", "label::English (en)", "relevant", "dimension", "required"])
    for number, values in enumerate(rows, start=2):
        survey.rows.append(Row(number, {c: v for c, v in zip(survey.columns, values) if v}))
    choice_sheet = Sheet("choices", ["list_name", "name", "label::English (en)"])
    for number, values in enumerate(choices, start=2):
        choice_sheet.rows.append(Row(number, {c: v for c, v in zip(choice_sheet.columns, values) if v}))
    result = import_xlsform({"survey": survey, "choices": choice_sheet}, "wellbeing", "1")
    assert result.document is None or result.document["pages"]
    assert all(finding.where.startswith(("sheet ", "the file")) for finding in result.findings)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="${}()'\"=!<>andortsel_ c,.0123456789&|", max_size=40))
def test_any_expression_parses_or_says_why(text):
    for parse in (parse_xlsform, parse_limesurvey):
        try:
            parse(text)
        except ExpressionError as error:
            assert str(error)

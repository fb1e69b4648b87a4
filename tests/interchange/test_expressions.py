"""XLSForm and LimeSurvey expressions into Benchlearn conditions: translated, or refused with the reason."""
from __future__ import annotations

import pytest

from survey.interchange.expressions import ExpressionError, Target, parse_limesurvey, parse_xlsform, render
from survey.questions.conditions import parse_condition

OPTIONS = {"female": "female", "male": "male", "1": "c1"}
TARGETS = {
    "gender": Target("gender", "single", OPTIONS.get),
    "age": Target("age", "numeric", lambda v: float(v) if isinstance(v, str) else v),
    "sports": Target("sports", "multiple", {"football": "football"}.get),
    "happy": Target("school.happy", "rating", lambda v: int(float(v)) if str(v).strip("'").isdigit() else {"dk": "dont_know"}.get(v)),
    "note": Target("note", "text", lambda v: None),
    "Q1": Target("q1", "single", {"A1": "a1"}.get),
    "Q2_SQ001": Target("q2", "multiple", lambda v: None, option="sq001"),
}


def xlsform(text: str) -> str:
    rendered, _ = render(parse_xlsform(text), TARGETS.get)
    return str(parse_condition(rendered))


@pytest.mark.parametrize("source, expected", [
    ("${gender} = 'female'", "gender = 'female'"),
    ("${gender} != 'male'", "gender != 'male'"),
    ("${age} < 18", "age < 18"),
    ("${age} > 17.5", "age > 17.5"),
    ("'17' < ${age}", "age > 17"),
    ("selected(${sports}, 'football')", "selected(sports, 'football')"),
    ("${happy} >= '4'", "school.happy >= 4"),
    ("${happy} = 'dk'", "school.happy = 'dont_know'"),
    ("${gender} = '1'", "gender = 'c1'"),
    ("${note} != ''", "answered(note)"),
    ("${age} = ''", "not(answered(age))"),
    ("${age} > 15 and (${gender} = 'female' or selected(${sports}, 'football'))",
     "age > 15 and (gender = 'female' or selected(sports, 'football'))"),
    ("not(${gender} = 'female' and ${age} < 20)", "not(gender = 'female' and age < 20)"),
])
def test_xlsform_relevant(source, expected):
    assert xlsform(source) == expected


@pytest.mark.parametrize("source, reason", [
    ("${nobody} = 'x'", "'nobody', which is not an imported question"),
    ("${sports} = 'football'", "use selected()"),
    ("${gender} = 'other'", "'other' is not an answer of 'gender'"),
    ("${gender} > 'female'", "compares numbers"),
    ("count-selected(${sports}) > 1", "count-selected() has no equivalent"),
    ("${note} = 'hello'", "conditions cannot test its content"),
    ("${age} == 3", "expected a value, found '='"),
    ("${age} >", "ends too early"),
])
def test_xlsform_relevant_that_cannot_be_carried(source, reason):
    with pytest.raises(ExpressionError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        xlsform(source)


@pytest.mark.parametrize("source, expected", [
    ('((Q1.NAOK == "A1"))', "q1 = 'a1'"),
    ('Q1 eq "A1" && !is_empty(Q2_SQ001)', "q1 = 'a1' and selected(q2, 'sq001')"),
    ('Q2_SQ001 == "Y" || Q2_SQ001.NAOK != "Y"', "selected(q2, 'sq001') or not(selected(q2, 'sq001'))"),
    ('{Q1 == "A1"}', "q1 = 'a1'"),
    ("is_empty(Q1)", "not(answered(q1))"),
])
def test_limesurvey_relevance(source, expected):
    rendered, _ = render(parse_limesurvey(source), TARGETS.get)
    assert str(parse_condition(rendered)) == expected


def test_limesurvey_always():
    assert render(parse_limesurvey("1"), TARGETS.get) == (None, frozenset())
    with pytest.raises(ExpressionError, match="property .shown"):
        parse_limesurvey("Q1.shown == 1")

"""LimeSurvey in: 3.x files (texts in each row) and 4.x-6.x files (l10n tables), losses by element and id,
and hostile XML refused before anything is expanded."""
from __future__ import annotations

from pathlib import Path

import pytest

from survey.interchange.operations import import_questionnaire
from survey.interchange.report import ImportFailed

FIXTURES = Path(__file__).parent / "fixtures"


def imported(name: str):
    return import_questionnaire((FIXTURES / name).read_bytes(), name, "wellbeing", "2027", "wellbeing-2027.yaml")


def messages(outcome) -> list[str]:
    return [str(finding) for finding in outcome.findings]


def test_limesurvey_3_file_with_two_languages():
    outcome = imported("wellbeing-ls3.lss")
    assert outcome.problems == []
    assert outcome.source_format == "LimeSurvey (DBVersion 366)"
    definition = outcome.definition
    assert definition.default_language == "da" and definition.languages == ["da", "en"]
    assert definition.title == {"da": "Trivsel 2027", "en": "Well-being 2027"}
    assert [page.key for page in definition.pages] == ["undervisning", "om_dig"]
    assert [(q.key, q.type) for q in definition.questions()] == [
        ("intro", "display"), ("teach", "display"), ("teach.sq001", "rating"), ("teach.sq002", "rating"),
        ("gender", "single"), ("place", "single"), ("age", "numeric"), ("act", "multiple"), ("comm", "text"),
        ("placename", "text"), ("samepage", "text"),
    ]
    assert definition.question("intro").text["en"] == "Welcome to the well-being survey."  # HTML removed
    scale = definition.scale_of("teach.sq001")
    assert scale.points == 5 and scale.labels["da"][0] == "Helt uenig"
    assert definition.dimension("teach").items == ["teach.sq001", "teach.sq002"]
    age = definition.question("age")
    assert (age.decimal, age.min, age.max, age.unit, age.required) == (False, 14, 99, {"da": "år", "en": "years"}, True)
    assert [o.label["da"] for o in definition.question("place").options] == ["Ja", "Nej"]
    assert definition.question("comm").max_length == 2000 and definition.question("placename").long is False
    assert definition.question("gender").help == {"da": "Vælg et svar", "en": "Choose one"}


def test_limesurvey_relevance_becomes_conditions():
    definition = imported("wellbeing-ls3.lss").definition
    assert definition.pages[1].shown_if == "teach.sq001 = 5 or gender = 'c2'"
    assert definition.question("placename").shown_if == "place = 'yes'"


def test_limesurvey_losses_are_named_by_element_and_id():
    found = messages(imported("wellbeing-ls3.lss"))
    assert "question qid=23 (BIRTH): not carried: type 'D' (a date) has no equivalent" in found
    assert any(m.startswith("question qid=22 (COMM): not carried: the condition of 'comm' looks at act, age") for m in found)
    assert any(m.startswith("question qid=11 (TEACH): changed: answer codes A1, A2, A3, A4, A5 became 1..5") for m in found)


def test_limesurvey_6_file_with_l10n_tables():
    outcome = imported("pupils-ls6.lss")
    assert outcome.problems == []
    definition = outcome.definition
    assert definition.languages == ["en", "sv"] and definition.intro["sv"] == "Tack för att du deltar."
    assert definition.scale_of("class.sq1").points == 5 and definition.scale_of("ten.t1").points == 10
    assert definition.scale_of("staff.s1").labels == {"en": ["Poor", "OK", "Good"], "sv": ["Dålig", "OK", "Bra"]}
    assert definition.question("overall").type == "rating" and definition.dimension("overall").items == ["overall"]
    assert [o.key for o in definition.question("sex").options] == ["female", "male"]
    assert definition.question("story").shown_if == "answered(school) and overall > 2"
    found = messages(outcome)
    assert "question qid=7 (CALC): not carried: type '*' (an equation) has no equivalent" in found
    assert "question qid=8 (SECRET): not carried: a hidden question (respondents never see it)" in found
    assert "question qid=2 (STAFF): changed: soft mandatory: carried as optional" in found
    assert any(m.startswith("question qid=10 (ODD): not carried: relevance 'count(CLASS_SQ1) > 0'") for m in found)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE document [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<document><LimeSurveyDocType>Survey</LimeSurveyDocType><title>&lol4;</title></document>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<document><LimeSurveyDocType>Survey</LimeSurveyDocType><title>&secret;</title></document>"""


@pytest.mark.parametrize("hostile", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_hostile_xml_is_refused(hostile):
    with pytest.raises(ImportFailed, match="refused: the XML declares a DTD or entities"):
        import_questionnaire(hostile, "evil.lss", "wellbeing", "1", "x.yaml")


def test_xml_that_is_not_an_lss_file_is_refused():
    with pytest.raises(ImportFailed, match="not a LimeSurvey survey structure file"):
        import_questionnaire(b"<document><LimeSurveyDocType>Group</LimeSurveyDocType></document>", "g.lss", "w", "1", "x.yaml")
    with pytest.raises(ImportFailed, match="not well-formed XML"):
        import_questionnaire(b"<document>", "broken.lss", "w", "1", "x.yaml")

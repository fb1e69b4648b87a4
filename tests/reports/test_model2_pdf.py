"""The school PDF shows the item results of every question type (real WeasyPrint, read back with pdftotext):
rating items on different scales with each non-substantive option's share, single and multiple choice, a
numeric question; and says so when the questionnaire has no structural analysis or declares a scale equivalent."""
from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from survey.reporting import pdf
from survey.reporting.format import format_index, format_percent
from survey.reporting.loader import load_round_inputs
from survey.results.operations import freeze_round_results
from tests.reports.conftest import pdf_text
from tests.results.conftest import random_answers
from tests.results.test_model2 import mixed_people

AFTER = date(2026, 6, 1)


@pytest.fixture
def mixed_report(make_version, make_school, make_round, add_response):
    rng = np.random.default_rng(8)
    schools = [make_school(code) for code in ("AAA", "BBB", "CCC", "DDD")]
    survey_round = make_round(make_version(mixed=True), schools)
    for school, size in zip(schools, (60, 40, 30, 30)):
        for person in mixed_people(rng, size):
            add_response(survey_round, school, person["answers"], background=person["background"])
    freeze_round_results(survey_round, today=AFTER)
    reports, _ = load_round_inputs(survey_round, today=AFTER, school_codes={"AAA"})
    return reports[0]


def squeeze(text: str) -> str:
    """Without spaces: a narrow column may lose the space of "7 %" in pdftotext's layout."""
    return "".join(text.split())


def page_with(text: str, heading: str) -> str:
    return next(page for page in text.split("\f") if heading in page)


def test_every_type_has_its_item_results_in_the_pdf(mixed_report, tmp_path):
    text = pdf_text(pdf.render_school_report(mixed_report), tmp_path)
    questions = mixed_report.question_results
    own = questions[questions["school"] == "AAA"]

    background = page_with(text, "Baggrundsspørgsmål")
    for label, option, question in (("Ja", "yes", "bullied"), ("Nej", "no", "bullied"),
                                    ("Klassen", "class", "where"), ("Gården", "yard", "where")):
        row = own[(own["question"] == question) & (own["option"] == option)].iloc[0]
        shown = "–" if row["suppressed"] else format_percent(row["share"], "da")
        line = next(line for line in background.splitlines() if line.strip().startswith(label))
        assert shown in line, (label, line)
    assert "Flere svar var mulige" in background  # the multiple choice says what its shares are of
    days = own[own["question"] == "days"].iloc[0]
    line = next(line for line in background.splitlines() if line.strip().startswith("Skolen"))
    assert not days["suppressed"] and format_index(days["median"], "da") in line
    assert "Dage" in background

    # the 4-point wellbeing items show both non-substantive options' shares over all who saw them
    items = mixed_report.item_results
    safe = items[(items["school"] == "AAA") & (items["item"] == "wellbeing.safe")].iloc[0]
    wellbeing = page_with(text, "Ikke relevant")
    line = squeeze(next(line for line in wellbeing.splitlines() if "wellbeing.safe" in line))
    assert squeeze(format_percent(safe["share_ns_not_relevant"], "da")) in line
    assert squeeze(format_percent(safe["share_ns_dont_know"], "da")) in line
    assert "Altid" in wellbeing and "Aldrig" in wellbeing  # its own scale's labels in the distribution


def test_a_report_without_an_overall_dimension_says_there_is_no_structural_analysis(
        make_version, make_school, make_round, add_response, tmp_path):
    rng = np.random.default_rng(3)
    schools = [make_school(code) for code in ("AAA", "BBB")]
    make_version("t1", overall=False)
    version = make_version("t2", previous="t1", overall=False, scale_labels="Grad ", equivalent="'the same five points'")
    survey_round = make_round(version, schools)
    for school in schools:
        for row in random_answers(rng, 25):
            add_response(survey_round, school, {k: v for k, v in row.items() if not k.startswith("overall")})
    freeze_round_results(survey_round, today=AFTER)
    report = load_round_inputs(survey_round, today=AFTER, school_codes={"AAA"})[0][0]
    text = pdf_text(pdf.render_school_report(report), tmp_path)
    assert "ingen strukturanalyse" in text
    assert "the same five points" in page_with(text, "erklæret ækvivalente")

"""The network report's outcomes section from a real round: responses -> frozen results, outcomes imported
from CSV -> the network PDF, read back with pdftotext. r and its interval equal scipy's on the published school
indices and the schools' values; a suppressed school is left out. On SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from scipy.stats import pearsonr

from survey.outcomes.importer import import_outcomes, parse_outcome_csv
from survey.reporting import pdf
from survey.reporting.labels import words
from survey.reporting.loader import load_round_inputs
from survey.results.export import aggregates_table
from survey.results.operations import freeze_round_results
from tests.outcomes.conftest import outcome_csv, row
from tests.reports.conftest import pdf_text

AFTER = date(2026, 6, 1)
# code -> (responses, mean answer on "teach"); SMALL and MINI have too few responses: suppressed everywhere
# (together 7 respondents, so no other school needs to be suppressed to protect them)
SCHOOLS = {"LOW": (12, 1.8), "BIG": (20, 3.0), "MID": (10, 3.3), "SMALL": (3, 4.9), "MINI": (4, 2.0),
           "HIGH": (14, 4.4), "TOP": (9, 4.7), "OLD": (11, 2.5), "LATE": (8, 3.9)}
# code -> completion 2026 (the round's year); OLD has only 2025, LATE has 2027 too (never used)
COMPLETION = {"LOW": 61.5, "BIG": 70.0, "MID": 66.25, "SMALL": 99.0, "HIGH": 83.0, "TOP": 80.5, "LATE": 77.0}


@pytest.fixture
def report_round(network, make_version, make_school, make_round, add_response, db_session):
    network.share_school_names = True
    rng = np.random.default_rng(12)
    schools = {code: make_school(code, name=f"Skolen {code.title()}") for code in SCHOOLS}
    survey_round = make_round(make_version(), schools.values())  # closes 2026-03-01: the round's year is 2026
    for code, school in schools.items():
        size, teach = SCHOOLS[code]
        for _ in range(size):
            t = int(np.clip(round(teach + rng.normal(0, 0.6)), 1, 5))
            add_response(survey_round, school, {
                "teach.explains": t, "teach.boring": 6 - t, "teach.feedback": t, "wellbeing.safe": int(rng.integers(2, 6)),
                "wellbeing.friends": int(rng.integers(1, 5)), "overall.satisfied": t, "overall.recommend": t},
                program="EL")
    rows = [row(school=code, year="2026", value=str(value)) for code, value in COMPLETION.items()]
    rows += [row(school="OLD", year="2025", value="64"), row(school="OLD", year="2024", value="10"),
             row(school="LATE", year="2027", value="5"), row(school="BIG", program="EL", value="1", year="2026")]
    rows += [row(indicator="dropout", label_da="Frafald", label_sv="Avhopp", label_en="Drop-out",
                 direction="lower_is_better", school=code, year="2026", value="12") for code in ("LOW", "BIG", "MID")]
    import_outcomes(network, parse_outcome_csv(outcome_csv(*rows), network))
    freeze_round_results(survey_round, today=AFTER)
    return survey_round


def outcome_pages(text: str) -> str:
    w = words("da")
    start = text.index(w["outcomes_title"])
    return text[start:text.index(w["method"], start)]


def test_network_report_shows_r_and_interval_of_the_published_schools(report_round, tmp_path):
    exported = aggregates_table(report_round, today=AFTER)
    teach = exported[(exported["breakdown"] == "all") & (exported["dimension"] == "teach")
                     & (exported["school"] != "NETWORK") & ~exported["suppressed"].astype(bool)]
    assert "SMALL" not in set(teach["school"])  # suppressed: 3 responses
    values = {**COMPLETION, "OLD": 64.0}  # OLD: its latest value before the round's year
    schools = sorted(set(teach["school"]) & set(values))
    assert len(schools) == 7
    index = [float(teach.loc[teach["school"] == code, "index"].iloc[0]) for code in schools]
    expected = pearsonr(index, [values[code] for code in schools])
    interval = expected.confidence_interval(0.95)

    _, network_inputs = load_round_inputs(report_round, today=AFTER)
    text = outcome_pages(pdf_text(pdf.render_network_report(network_inputs), tmp_path))

    def comma(value: float) -> str:
        return f"{value:.2f}".replace(".", ",").replace("-", "\u2212")

    line = next(line for line in text.splitlines() if line.split()[:2] == ["1", "teach"])
    assert line.split()[2:] == ["7", comma(expected.statistic), f"[{comma(interval.low)};", f"{comma(interval.high)}]"]
    assert "En sammenhæng på tværs af skoler, ikke en effekt" in text
    assert f"teach: r = {comma(expected.statistic)}" in text  # the chart's caption
    # the table beside the charts: the schools used, with their value and its year; never the suppressed school
    assert "Skolen Small" not in text
    old = next(line for line in text.splitlines() if line.strip().startswith("Skolen Old"))
    assert old.split()[2:4] == ["2025", "64"]
    late = next(line for line in text.splitlines() if line.strip().startswith("Skolen Late"))
    assert late.split()[2:4] == ["2026", "77"]
    # drop-out: 3 schools, fewer than 5: no r, no chart
    dropout = text[text.index("Frafald"):]
    assert next(line for line in dropout.splitlines() if line.split()[:2] == ["1", "teach"]).split()[2:] == [
        "3", "–", "–"]
    assert "teach: r =" not in dropout


def test_network_report_without_outcome_indicators_has_no_outcomes_section(network, make_version, make_school,
                                                                            make_round, add_response, tmp_path):
    schools = [make_school(code) for code in ("AAA", "BBB")]
    survey_round = make_round(make_version(), schools)
    for school in schools:
        for answer in (2, 3, 4, 4, 5, 3):
            add_response(survey_round, school, {"teach.explains": answer, "overall.satisfied": answer})
    freeze_round_results(survey_round, today=AFTER)
    _, network_inputs = load_round_inputs(survey_round, today=AFTER)
    assert network_inputs.outcomes is None
    assert words("da")["outcomes_title"] not in pdf_text(pdf.render_network_report(network_inputs), tmp_path)

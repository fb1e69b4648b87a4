"""The evidence beside a practice card, checked against an independent computation from the raw answers: scores by
hand, scipy's Welch test and interval, statsmodels' Benjamini-Hochberg; suppressed cells never used."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from flask import render_template_string
from flask_babel import refresh
from scipy import stats
from statsmodels.stats.multitest import multipletests

from survey.analysis import evidence as pure
from survey.learning.evidence import card_evidence, evidence_for_cards
from survey.practices.models import CardStatus, PracticeCard, PracticeTag
from survey.results.operations import freeze_round_results
from survey.rounds.models import Population
from tests.analysis.conftest import make_spec  # noqa: F401 (a fixture)
from tests.portal.conftest import vnu  # noqa: F401 (a fixture)
from tests.results.conftest import (DIMENSIONS, REVERSE, add_response, make_round,  # noqa: F401 (fixtures)
                                    make_version)

TODAY = date(2026, 6, 1)
CLOSES = {"Runde 2024": date(2024, 3, 1), "Runde 2025": date(2025, 3, 1), "Runde 2026": date(2026, 3, 1)}
STARTED = date(2025, 8, 1)  # between the 2025 and 2026 rounds
# respondents per school and round: BBB is below k_min (5) in 2025, so its cells are "–" there
SIZES = {"AAA": (30, 36, 40), "BBB": (12, 3, 12), "CCC": (20, 20, 20), "DDD": (25, 25, 25)}
POPULATION = 80
LIFTED = {"teach.explains", "teach.feedback"}  # positively worded teaching items


def dimension_score(answers: dict, dimension: str) -> float:
    """A respondent's 0-100 dimension score from the codes (METHOD.md, Scores), written again here."""
    items = DIMENSIONS[dimension]
    scores = [((6 - answers[item] if item in REVERSE else answers[item]) - 1) / 4 * 100
              for item in items if isinstance(answers.get(item), int)]
    return float(np.mean(scores)) if len(scores) >= -(-len(items) // 2) else np.nan


@pytest.fixture
def practice(db_session, network, make_version, make_school, make_round, add_response):
    """Three closed rounds (the third on a new version of the same lineage), four schools, every answer kept."""
    rng = np.random.default_rng(12)
    schools = {code: make_school(code) for code in SIZES}
    old = make_version("t1")
    versions = {"Runde 2024": old, "Runde 2025": old, "Runde 2026": make_version("t2", previous="t1")}
    rounds, raw = {}, {}
    for position, (name, closes) in enumerate(CLOSES.items()):
        survey_round = make_round(versions[name], schools.values(), name=name,
                                  opens_on=date(closes.year, 1, 1), closes_on=closes)
        rounds[name] = survey_round
        for code, school in schools.items():
            db_session.add(Population(round_id=survey_round.id, program_id=school.programs[0].id, size=POPULATION))
            for _ in range(SIZES[code][position]):
                # AAA's teaching rises in 2026 (after its practice began); wellbeing stays where it was
                lift = 2 if code == "AAA" and name == "Runde 2026" else 0
                answers = {item: int(min(5, rng.integers(1, 6) + (lift if item in LIFTED else 0)))
                           for items in DIMENSIONS.values() for item in items}
                answers = {item: code_ for item, code_ in answers.items() if rng.random() > 0.05}
                add_response(survey_round, school, answers, program="EL")
                raw.setdefault((code, name), []).append(answers)
    db_session.flush()
    for survey_round in rounds.values():
        freeze_round_results(survey_round, today=TODAY)
    return schools, rounds, raw


def make_card(db_session, network, school, dimensions, started_on=STARTED):
    card = PracticeCard(network=network, school=school, title="Feedback i hvert modul", started_on=started_on,
                        status=CardStatus.PUBLISHED.value)
    card.tags = [PracticeTag(kind="dimension", value=f"student/{key}") for key in dimensions]
    db_session.add(card)
    db_session.flush()
    return card


def scores_of(raw, code, name, dimension) -> np.ndarray:
    values = np.array([dimension_score(answers, dimension) for answers in raw[(code, name)]])
    return values[~np.isnan(values)]


def test_series_and_change_since_it_began_match_the_raw_answers(practice, db_session, network):
    schools, rounds, raw = practice
    card = make_card(db_session, network, schools["AAA"], ["teach", "wellbeing"])
    found = card_evidence(card, today=TODAY)
    assert [d.tag for d in found.dimensions] == ["student/teach", "student/wellbeing"]

    # BH over every dimension of the school compared between the baseline (2025) and the latest round (2026)
    tests = {key: stats.ttest_ind(scores_of(raw, "AAA", "Runde 2026", key), scores_of(raw, "AAA", "Runde 2025", key),
                                  equal_var=False) for key in DIMENSIONS}
    q = dict(zip(tests, multipletests([t.pvalue for t in tests.values()], method="fdr_bh")[1]))
    for evidence in found.dimensions:
        key = evidence.dimension
        assert [point.round_name for point in evidence.series] == list(CLOSES)
        for point in evidence.series:
            scores = scores_of(raw, "AAA", point.round_name, key)
            fpc = np.sqrt((POPULATION - len(scores)) / (POPULATION - 1))  # the school gave its population
            low, high = stats.t.interval(0.95, len(scores) - 1, loc=scores.mean(), scale=stats.sem(scores) * fpc)
            assert point.n == len(scores) and not point.suppressed
            assert point.index == pytest.approx(scores.mean())
            assert (point.ci_low, point.ci_high) == pytest.approx((max(low, 0), min(high, 100)))
            assert point.response_rate == pytest.approx(len(raw[("AAA", point.round_name)]) / POPULATION)
        change = evidence.change
        assert change.status == "measured"
        assert (change.baseline.round_name, change.latest.round_name) == ("Runde 2025", "Runde 2026")
        latest, baseline = scores_of(raw, "AAA", "Runde 2026", key), scores_of(raw, "AAA", "Runde 2025", key)
        assert change.change == pytest.approx(latest.mean() - baseline.mean())
        interval = tests[key].confidence_interval(0.95)
        assert (change.change_low, change.change_high) == pytest.approx((interval.low, interval.high))
        assert change.q_value == pytest.approx(q[key])
        flagged = q[key] < 0.05 and abs(change.change) >= network.minimal_difference
        assert change.flag == (("up" if change.change > 0 else "down") if flagged else "")
    assert found.dimensions[0].change.flag == "up"  # the rise in teaching is clear


def test_a_suppressed_cell_shows_no_number_and_gives_no_change(practice, db_session, network):
    schools, rounds, raw = practice
    card = make_card(db_session, network, schools["BBB"], ["teach"])
    evidence = card_evidence(card, today=TODAY).dimensions[0]
    hidden = [point for point in evidence.series if point.suppressed]
    assert [point.round_name for point in hidden] == ["Runde 2025"]
    assert (hidden[0].n, hidden[0].index, hidden[0].ci_low, hidden[0].response_rate) == (None, None, None, None)
    assert evidence.change.status == "suppressed" and evidence.change.change is None


def test_no_round_before_it_began_or_since_says_so(practice, db_session, network):
    schools, _, _ = practice
    early = make_card(db_session, network, schools["AAA"], ["teach"], started_on=date(2023, 9, 1))
    late = make_card(db_session, network, schools["AAA"], ["teach"], started_on=date(2026, 4, 1))
    unknown = make_card(db_session, network, schools["AAA"], ["teach"], started_on=None)
    elsewhere = make_card(db_session, network, schools["AAA"], ["nosuch"])
    found = evidence_for_cards([early, late, unknown, elsewhere], today=TODAY)
    assert found[early.id].dimensions[0].change.status == "no_round_before"
    assert found[late.id].dimensions[0].change.status == "no_round_since"
    assert found[unknown.id].dimensions[0].change.status == "no_start"
    assert found[elsewhere.id].dimensions[0].change.status == "not_measured"
    assert len(found[early.id].dimensions[0].series) == 3  # the series is there either way


def test_the_macro_writes_the_evidence_in_the_readers_language(app, practice, db_session, network):
    schools, _, _ = practice
    card = make_card(db_session, network, schools["AAA"], ["teach"])
    evidence = card_evidence(card, today=TODAY)
    template = '{% from "learning/_evidence.html" import evidence %}{{ evidence(card_evidence) }}'
    change = evidence.dimensions[0].change
    pages = {}
    for language in ("en", "da"):
        with app.test_request_context(headers={"Accept-Language": language}):
            refresh()  # the test's app context outlives each request: choose the locale again
            pages[language] = render_template_string(template, card_evidence=evidence)
    english, danish = pages["en"], pages["da"]
    assert "Measured change since it began (August 2025)" in english
    assert f"+{change.change:.1f} points from Runde 2025 to Runde 2026" in english
    assert "A clear rise" in english and "caus" not in english.lower()
    assert f"+{change.change:.1f}".replace(".", ",") in danish and "Measured change" not in danish
    assert "<caption" in english and english.count("<tr>") == 4


def test_the_macro_is_valid_html_for_every_kind_of_evidence(app, practice, db_session, network, vnu):
    schools, _, _ = practice
    cards = [make_card(db_session, network, schools["AAA"], ["teach", "wellbeing"]),
             make_card(db_session, network, schools["BBB"], ["teach"]),  # a suppressed baseline
             make_card(db_session, network, schools["CCC"], ["teach"], started_on=None),
             make_card(db_session, network, schools["DDD"], ["nosuch"]),
             make_card(db_session, network, schools["DDD"], [])]
    found = evidence_for_cards(cards, today=TODAY)
    template = ('<!doctype html><html lang="en"><title>Cards</title><main>{% from "learning/_evidence.html" '
                'import evidence %}{% for card in cards %}<article><h2>Card</h2>{{ evidence(card) }}</article>'
                '{% endfor %}</main></html>')
    with app.test_request_context(headers={"Accept-Language": "en"}):
        refresh()
        html = render_template_string(template, cards=[found[card.id] for card in cards])
    assert vnu(html) == []
    assert html.count("Measured change since it began") == 5  # every dimension says what it measured, or why not


# --- the pure functions alone ----------------------------------------------------------------------------------


def test_suppressed_cells_never_enter_the_computation(make_spec):
    """An older frozen table could still hold a suppressed cell's exact n and sd: they must be ignored, and the
    dimension must leave the Benjamini-Hochberg family."""
    spec = make_spec({"a": 1, "b": 1, "overall": 1})
    rounds = [pure.EvidenceRound(1, date(2024, 3, 1), spec), pure.EvidenceRound(2, date(2025, 3, 1), spec)]

    def cells(hidden_value):
        rows = []
        for round_id, shift in ((1, 0.0), (2, 6.0)):
            for dimension, sd in (("a", 10.0), ("b", 12.0), ("overall", 8.0)):
                rows.append(dict(school="S", round=round_id, dimension=dimension, n=30, index=60 + shift, sd=sd,
                                 ci_low=55.0, ci_high=65.0, response_rate=0.5, suppressed=False))
        rows[-1].update(n=4, index=hidden_value, sd=1.0, suppressed=True)  # overall, 2025: "–"
        return pd.DataFrame(rows)

    one = pure.change_since_start(cells(99.0), rounds, date(2024, 9, 1)).set_index("dimension")
    other = pure.change_since_start(cells(10.0), rounds, date(2024, 9, 1)).set_index("dimension")
    pd.testing.assert_frame_equal(one, other)
    assert one.loc["overall", "status"] == "suppressed" and pd.isna(one.loc["overall", "q_value"])
    p = [stats.ttest_ind_from_stats(66, sd, 30, 60, sd, 30, equal_var=False).pvalue for sd in (10.0, 12.0)]
    assert one.loc[["a", "b"], "q_value"].tolist() == pytest.approx(multipletests(p, method="fdr_bh")[1])
    series = pure.evidence_series(cells(99.0), rounds)
    hidden = series[series["suppressed"]]
    assert len(hidden) == 1 and hidden[["n", "index", "ci_low", "response_rate"]].isna().all(axis=None)


def test_a_dimension_changed_between_the_rounds_has_no_change(make_spec):
    before = make_spec({"a": 2, "overall": 1})
    after = make_spec({"a": 3, "overall": 1})  # an item added: not comparable
    rounds = [pure.EvidenceRound(1, date(2024, 3, 1), before), pure.EvidenceRound(2, date(2025, 3, 1), after)]
    rows = [dict(school="S", round=r, dimension=d, n=30, index=60.0, sd=10.0, ci_low=56.0, ci_high=64.0,
                 response_rate=None, suppressed=False) for r in (1, 2) for d in ("a", "overall")]
    result = pure.change_since_start(pd.DataFrame(rows), rounds, date(2024, 6, 1)).set_index("dimension")
    assert result.loc["a", "status"] == "not_comparable" and result.loc["overall", "status"] == "measured"
    series = pure.evidence_series(pd.DataFrame(rows), rounds)
    assert series.loc[series["dimension"] == "a", "round"].tolist() == [2]


def test_the_card_page_shows_the_evidence_to_another_school(app, client, db_session, network, practice, make_user,
                                                            login):
    """A staff member of another school opens the published card and reads the card's school's measured change
    since the practice began, the same numbers as `card_evidence` (itself checked above against scipy)."""
    schools, _rounds, raw = practice
    card = make_card(db_session, network, schools["AAA"], ["teach"])
    reader = make_user("reader@ccc.example", school=schools["CCC"])
    db_session.commit()
    login(reader)
    page = client.get(f"/school/practices/{card.id}", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    with app.test_request_context(headers={"Accept-Language": "en"}):
        refresh()
        teaching = card_evidence(card, today=TODAY).shown("en")[0]
    assert teaching.status == "measured"
    text = " ".join(page.text.split())
    assert "Measured at the school" in text
    assert f"points from {teaching.baseline} to {teaching.latest}, 95% interval {teaching.interval}" in text
    expected = stats.ttest_ind(scores_of(raw, "AAA", "Runde 2026", "teach"),
                               scores_of(raw, "AAA", "Runde 2025", "teach"), equal_var=False)
    difference = (scores_of(raw, "AAA", "Runde 2026", "teach").mean()
                  - scores_of(raw, "AAA", "Runde 2025", "teach").mean())
    assert teaching.change == f"{difference:+.1f}" and expected.statistic > 0
    assert f"{teaching.change} points" in text


def _cells(rows):
    return pd.DataFrame([dict(school=school, round=round_id, dimension=dimension, n=30, index=index, sd=10.0,
                              ci_low=index - 4, ci_high=index + 4, response_rate=0.6, suppressed=False)
                         for school, round_id, dimension, index in rows])


def test_each_school_measures_from_the_rounds_it_took_part_in(make_spec):
    spec = make_spec({"a": 1, "overall": 1})
    rounds = [pure.EvidenceRound(r, date(2022 + r, 3, 1), spec) for r in (1, 2, 3)]
    cells = _cells([("S", 1, "a", 50.0), ("S", 3, "a", 60.0),  # S skipped the round just before it began
                    ("T", 1, "a", 50.0), ("T", 2, "a", 55.0),  # T has not taken part since it began
                    ("U", 3, "a", 70.0)])  # U took part only after
    result = pure.change_since_start(cells, rounds, date(2024, 6, 1)).set_index(["school", "dimension"])
    assert result.loc[("S", "a"), "status"] == "measured"
    assert (result.loc[("S", "a"), "baseline_round"], result.loc[("S", "a"), "change"]) == (1, 10.0)
    assert result.loc[("T", "a"), "status"] == "no_round_since"
    assert result.loc[("U", "a"), "status"] == "no_round_before"


def test_a_renamed_dimension_keeps_its_series(make_spec):
    before = make_spec({"teaching": 2, "overall": 1}, lineage={"teaching.1": "teaching.1", "teaching.2": "teaching.2"})
    after = make_spec({"lessons": 2, "overall": 1}, lineage={"lessons.1": "teaching.1", "lessons.2": "teaching.2"})
    rounds = [pure.EvidenceRound(1, date(2024, 3, 1), before), pure.EvidenceRound(2, date(2025, 3, 1), after)]
    cells = _cells([("S", 1, "teaching", 50.0), ("S", 2, "lessons", 58.0), ("S", 1, "overall", 60.0),
                    ("S", 2, "overall", 61.0)])
    series = pure.evidence_series(cells, rounds)
    lessons = series[series["dimension"] == "lessons"]
    assert lessons["round"].tolist() == [1, 2] and lessons["round_dimension"].tolist() == ["teaching", "lessons"]
    change = pure.change_since_start(cells, rounds, date(2024, 9, 1)).set_index("dimension")
    assert change.loc["lessons", "change"] == pytest.approx(8.0)

"""Anonymity of a round's results as a reader sees them: whatever is published (aggregates, item results),
no group of fewer than k_min respondents can be worked out, and no suppressed cell shows its exact n."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from survey.results.compute import NETWORK
from survey.results.service import compute_round
from tests.analysis.disclosure import derivable_small_sets
from tests.results.conftest import ITEM_KEYS

AFTER = date(2026, 6, 1)


def everything(code: int) -> dict:
    """Answers to every item (every respondent has every dimension score)."""
    return {item: code for item in ITEM_KEYS}


def add_people(add_response, survey_round, school, count: int, code: int = 3, program: str = "EL",
               gender: str | None = None, records: list | None = None) -> None:
    for _ in range(count):
        add_response(survey_round, school, everything(code), program=program, gender=gender)
        if records is not None:
            records.append((school.code, program, gender))


def derivable_from(aggregates: pd.DataFrame, records: list[tuple], breakdown: str, dimension: str,
                   k_min: int = 5):
    """The small sets of respondents that the published rows of one breakdown and dimension give away."""
    position = {"program": 1, "gender": 2}[breakdown]
    atoms: dict[tuple, int] = {}
    for record in records:
        atom = (record[0], record[position])
        atoms[atom] = atoms.get(atom, 0) + 1
    rows = aggregates[(aggregates["dimension"] == dimension) & ~aggregates["suppressed"].astype(bool)]
    published = []
    for row in rows.itertuples():
        if row.breakdown == "all":
            published.append({a for a in atoms if row.school == NETWORK or a[0] == row.school})
        elif row.breakdown == breakdown:
            published.append({a for a in atoms if a[1] == row.group and row.school in (NETWORK, a[0])})
    return derivable_small_sets(atoms, published, k_min)


def cells(aggregates: pd.DataFrame, school: str, breakdown: str, dimension: str = "teach") -> pd.DataFrame:
    return aggregates[(aggregates["school"] == school) & (aggregates["breakdown"] == breakdown)
                      & (aggregates["dimension"] == dimension)].set_index("group")


def test_respondents_who_skip_the_gender_question_cannot_be_worked_out(make_version, make_school, make_round,
                                                                        add_response):
    """AAA: 13 respondents, 5 female, 5 male, 3 who gave no gender. With AAA, its women and its men all
    published, the 3 would be AAA minus the two groups. Now the women (the smaller group, listed first)
    are hidden with them: shown without an index and with n "–"."""
    schools = [make_school("AAA"), make_school("BBB"), make_school("CCC")]
    survey_round = make_round(make_version(), schools)
    records: list = []
    add_people(add_response, survey_round, schools[0], 5, code=3, gender="female", records=records)
    add_people(add_response, survey_round, schools[0], 5, code=4, gender="male", records=records)
    add_people(add_response, survey_round, schools[0], 3, code=1, gender=None, records=records)
    for school in schools[1:]:
        add_people(add_response, survey_round, school, 6, code=2, gender="female", records=records)
        add_people(add_response, survey_round, school, 6, code=5, gender="male", records=records)
    table = compute_round(survey_round, today=AFTER).aggregates

    for dimension in ("teach", "wellbeing", "overall"):
        aaa = cells(table, "AAA", "gender", dimension)
        assert aaa.loc["female", "suppressed"] and np.isnan(aaa.loc["female", "index"])
        assert pd.isna(aaa.loc["female", "n"]) and aaa.loc["female", "n_shown"] == "–"
        assert aaa.loc["female", "suppression"] == "suppressed"
        assert not aaa.loc["male", "suppressed"] and aaa.loc["male", "n"] == 5
        assert not cells(table, "AAA", "all", dimension)["suppressed"].any()  # the school itself is shown
        assert derivable_from(table, records, "gender", dimension) == []


def test_a_small_program_cannot_be_rebuilt_from_the_network_program_across_schools(
        make_version, make_school, make_round, add_response):
    """AAA has 3 in VVS. Hiding AAA's VVS and, to protect it, AAA's EL is not enough: the network's VVS
    (26) minus BBB's (8) and CCC's (15) VVS would give AAA's 3. BBB's VVS (the smallest published VVS of a
    school) is hidden too, and BBB's EL with it (else BBB's VVS = BBB - BBB's EL)."""
    schools = [make_school(code, programs=("EL", "VVS")) for code in ("AAA", "BBB", "CCC")]
    survey_round = make_round(make_version(), schools)
    records: list = []
    plan = {"AAA": {"EL": 20, "VVS": 3}, "BBB": {"EL": 12, "VVS": 8}, "CCC": {"EL": 10, "VVS": 15}}
    for school in schools:
        for program, count in plan[school.code].items():
            add_people(add_response, survey_round, school, count, code=2 + len(program) % 3, program=program,
                       records=records)
    table = compute_round(survey_round, today=AFTER).aggregates

    hidden = {(row.school, row.group) for row in table[(table["breakdown"] == "program")
                                                       & (table["dimension"] == "teach")
                                                       & table["suppressed"]].itertuples()}
    assert hidden == {("AAA", "EL"), ("AAA", "VVS"), ("BBB", "EL"), ("BBB", "VVS")}
    assert not cells(table, NETWORK, "program")["suppressed"].any()  # the network's programs stay
    assert not cells(table, "CCC", "program")["suppressed"].any()
    for dimension in ("teach", "wellbeing", "overall"):
        assert derivable_from(table, records, "program", dimension) == []


def test_the_items_of_a_hidden_school_index_are_hidden_too(make_version, make_school, make_round,
                                                           add_response):
    """AAA (3) is hidden and BBB (12), the smallest school, with it: BBB's items are hidden too, else the
    mean of BBB's item scores would give BBB's index (every respondent answered every item), and then AAA's
    by subtraction from the network's."""
    schools = [make_school("AAA"), make_school("BBB"), make_school("CCC")]
    survey_round = make_round(make_version(), schools)
    for school, count in zip(schools, (3, 12, 30)):
        add_people(add_response, survey_round, school, count, code=2 if school.code == "BBB" else 4)
    results = compute_round(survey_round, today=AFTER)
    all_rows = results.aggregates[(results.aggregates["breakdown"] == "all")
                                  & (results.aggregates["school"] != NETWORK)].set_index("school")
    assert all_rows.loc["BBB", "suppression"].eq("suppressed").all()
    items = results.items.set_index("school")
    assert items.loc["BBB", "suppressed"].all()
    assert items.loc["BBB", "mean"].isna().all() and items.loc["BBB", "n"].isna().all()
    assert (items.loc["BBB", "n_shown"] == "–").all()
    assert not items.loc["CCC", "suppressed"].any() and not items.loc[NETWORK, "suppressed"].any()


def test_a_hidden_dimension_hides_only_that_dimensions_items(make_version, make_school, make_round,
                                                             add_response):
    """BBB's respondents all skip the wellbeing items but two: its wellbeing index (n = 2) is hidden and with
    it that dimension's items (and, complementarily, CCC's); BBB's other items stay."""
    schools = [make_school("AAA"), make_school("BBB"), make_school("CCC")]
    survey_round = make_round(make_version(), schools)
    add_people(add_response, survey_round, schools[0], 20, code=4)
    add_people(add_response, survey_round, schools[2], 15, code=2)
    for i in range(10):
        answers = everything(3)
        if i >= 2:
            answers = {item: code for item, code in answers.items() if not item.startswith("wellbeing")}
        add_response(survey_round, schools[1], answers, program="EL")
    results = compute_round(survey_round, today=AFTER)
    bbb = results.items[results.items["school"] == "BBB"].set_index("item")
    assert bbb.loc[["wellbeing.safe", "wellbeing.friends"], "suppressed"].all()
    assert not bbb.loc[["teach.explains", "overall.satisfied"], "suppressed"].any()


def test_no_suppressed_cell_carries_its_exact_n(make_version, make_school, make_round, add_response):
    schools = [make_school("AAA", programs=("EL", "VVS")), make_school("BBB"), make_school("CCC")]
    survey_round = make_round(make_version(), schools + [make_school("EMPTY")])
    add_people(add_response, survey_round, schools[0], 2, program="VVS", gender="male")
    add_people(add_response, survey_round, schools[0], 9, gender="female")
    add_people(add_response, survey_round, schools[1], 4, gender="female")
    add_people(add_response, survey_round, schools[2], 12, gender="male")
    results = compute_round(survey_round, today=AFTER)
    for table in (results.aggregates, results.items):
        hidden = table["suppressed"].astype(bool)
        assert hidden.any() and table.loc[hidden, "n"].isna().all()
        assert table.loc[~hidden, "n"].notna().all()
        # one symbol: small and protecting cells look the same (METHOD.md, Anonymity)
        assert set(table.loc[hidden, "n_shown"]) == {"–"}
        assert set(table.loc[hidden, "suppression"]) == {"suppressed"}
        assert (table.loc[~hidden, "n_shown"] == table.loc[~hidden, "n"].astype(int).astype(str)).all()
    empty = results.aggregates[results.aggregates["school"] == "EMPTY"]
    assert (empty["n_shown"] == "–").all()


@pytest.mark.parametrize("k_min", [5, 8])
def test_k_min_is_the_networks(make_version, make_school, make_round, add_response, network, k_min):
    network.k_min = k_min
    schools = [make_school("AAA"), make_school("BBB"), make_school("CCC")]
    survey_round = make_round(make_version(), schools)
    for school, count in zip(schools, (6, 20, 30)):
        add_people(add_response, survey_round, school, count)
    table = compute_round(survey_round, today=AFTER).aggregates
    aaa = cells(table, "AAA", "all")
    assert bool(aaa["suppressed"].iloc[0]) == (k_min > 6)
    assert aaa["n_shown"].iloc[0] == ("6" if k_min == 5 else "–")

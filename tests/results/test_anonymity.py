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


# --- METHOD.md v2: school-level confidentiality, one symbol, response rates -----------------------------------


def network_rows(aggregates: pd.DataFrame, breakdown: str, dimension: str = "teach") -> pd.DataFrame:
    return cells(aggregates, NETWORK, breakdown, dimension)


def test_a_network_program_of_two_schools_is_withheld_from_their_staff(make_version, make_school, make_round,
                                                                       add_response, db_session):
    """AAA and BBB share program EL (10 each); CCC and DDD teach only MEK. NETWORK EL minus AAA's own EL is
    BBB's EL exactly: AAA's staff see it as "–" (no n, no index), as does everyone else (2 schools); admins
    see it, with `schools` = 2."""
    from survey.results.service import round_results
    from survey.results.operations import freeze_round_results

    schools = [make_school("AAA", programs=("EL",)), make_school("BBB", programs=("EL",)),
               make_school("CCC", programs=("MEK",)), make_school("DDD", programs=("MEK",))]
    survey_round = make_round(make_version(), schools)
    for school, program in zip(schools, ("EL", "EL", "MEK", "MEK")):
        add_people(add_response, survey_round, school, 10, code=2 if school.code == "BBB" else 4, program=program)
    freeze_round_results(survey_round, today=AFTER)
    results = round_results(survey_round, today=AFTER)

    admin_view = network_rows(results.for_school("AAA", staff=False).aggregates, "program")
    assert admin_view.loc["EL", "n"] == 20 and admin_view.loc["EL", "schools"] == 2
    assert not admin_view.loc["EL", "suppressed"] and admin_view.loc["EL", "index"] > 0
    for code in ("AAA", "CCC"):
        staff_view = results.for_school(code).aggregates
        el = network_rows(staff_view, "program").loc["EL"]
        assert el["suppressed"] and pd.isna(el["n"]) and np.isnan(el["index"]) and el["n_shown"] == "–"
        assert pd.isna(el["schools"]) and el["suppression"] == "suppressed"
    # the network's own dimension cell pools 4 schools and 30 outside AAA: shown
    assert not network_rows(results.for_school("AAA").aggregates, "all").loc["all", "suppressed"]


def test_a_network_cell_dominated_by_the_viewer_is_withheld_from_it_only(make_version, make_school, make_round,
                                                                         add_response):
    """Gender female: AAA 20, BBB 2, CCC 2 (3 schools). For AAA, 4 respondents outside it: "–". For BBB, 22
    outside and 3 schools: shown."""
    from survey.results.service import round_results
    from survey.results.operations import freeze_round_results

    schools = [make_school(code, programs=("EL",)) for code in ("AAA", "BBB", "CCC")]
    survey_round = make_round(make_version(), schools)
    for school, women in zip(schools, (20, 2, 2)):
        add_people(add_response, survey_round, school, women, gender="female")
        add_people(add_response, survey_round, school, 10, gender="male", code=2)
    freeze_round_results(survey_round, today=AFTER)
    results = round_results(survey_round, today=AFTER)
    assert network_rows(results.for_school("AAA").aggregates, "gender").loc["female", "suppressed"]
    shown = network_rows(results.for_school("BBB").aggregates, "gender").loc["female"]
    assert not shown["suppressed"] and shown["n"] == 24 and shown["schools"] == 3


def test_a_withheld_network_program_cannot_be_rebuilt_from_the_networks_other_cells(make_version, make_school,
                                                                                   make_round, add_response):
    """Every school teaches EL (6 each); only AAA also teaches MEK (6). NETWORK MEK is AAA's MEK, so it is
    withheld from the others; and since NETWORK minus NETWORK EL would give it back, EL is withheld too."""
    from survey.results.service import round_results
    from survey.results.operations import freeze_round_results

    schools = [make_school("AAA", programs=("EL", "MEK"))] + [make_school(code, programs=("EL",))
                                                              for code in ("BBB", "CCC", "DDD")]
    survey_round = make_round(make_version(), schools)
    for school in schools:
        add_people(add_response, survey_round, school, 6, program="EL")
    add_people(add_response, survey_round, schools[0], 6, program="MEK", code=1)
    freeze_round_results(survey_round, today=AFTER)
    results = round_results(survey_round, today=AFTER)
    admin_view = network_rows(results.for_school("BBB", staff=False).aggregates, "program")
    assert not admin_view["suppressed"].any()
    for dimension in ("teach", "overall"):
        staff_view = results.for_school("BBB").aggregates
        programs = network_rows(staff_view, "program", dimension)
        assert programs.loc["MEK", "suppressed"] and programs.loc["EL", "suppressed"], dimension
        assert not network_rows(staff_view, "all", dimension)["suppressed"].any()
    # the network's items of a shown dimension stay shown (4 schools, 24 outside BBB)
    items = results.for_school("BBB").items
    assert not items.loc[items["school"] == NETWORK, "suppressed"].any()


def test_a_networks_items_and_benchmark_go_with_its_withheld_dimension_cell(make_version, make_school,
                                                                            make_round, add_response):
    """Two schools: the network's dimension cells are another school's to each; its items, the network mean,
    the quartiles and the gap to the network on the school's own rows go with them."""
    from survey.results.service import round_results
    from survey.results.operations import freeze_round_results

    schools = [make_school(code, programs=("EL",)) for code in ("AAA", "BBB")]
    survey_round = make_round(make_version(), schools)
    for school in schools:
        add_people(add_response, survey_round, school, 8, code=2 if school.code == "AAA" else 5)
    freeze_round_results(survey_round, today=AFTER)
    view = round_results(survey_round, today=AFTER).for_school("AAA")
    network = view.aggregates[view.aggregates["school"] == NETWORK]
    assert network["suppressed"].all() and network["index"].isna().all() and network["n"].isna().all()
    own = view.aggregates[view.aggregates["school"] == "AAA"]
    assert own[["network_mean", "median", "top_quartile", "gap", "gap_low", "gap_high", "uncertain"]].isna().all().all()
    items = view.items[view.items["school"] == NETWORK]
    assert items["suppressed"].all() and items["mean"].isna().all() and (items["n_shown"] == "–").all()


def test_a_suppressed_group_has_no_response_rate(make_version, make_school, make_round, add_response, db_session):
    """AAA: EL 3 of a population of 10, MEK 20 of 40. A rate of 0.3 on the suppressed EL row is its n (3);
    MEK, hidden to protect EL, shows no rate either. The school's own rate is shown."""
    from survey.rounds.models import Population

    schools = [make_school("AAA", programs=("EL", "MEK")), make_school("BBB"), make_school("CCC")]
    survey_round = make_round(make_version(), schools)
    add_people(add_response, survey_round, schools[0], 3, program="EL")
    add_people(add_response, survey_round, schools[0], 20, program="MEK", code=2)
    for school in schools[1:]:
        add_people(add_response, survey_round, school, 10)
    db_session.add_all([Population(round_id=survey_round.id, program_id=p.id, size=size)
                        for p, size in zip(schools[0].programs, (10, 40))])
    db_session.flush()
    table = compute_round(survey_round, today=AFTER).aggregates
    programs = cells(table, "AAA", "program")
    assert programs["suppressed"].all()
    assert programs["response_rate"].isna().all()
    assert cells(table, "AAA", "all")["response_rate"].iloc[0] == pytest.approx(23 / 50)
    hidden = table[table["suppressed"].astype(bool)]
    assert hidden["response_rate"].isna().all()


def test_programs_of_4_4_and_20_show_nothing_that_pins_the_small_ones(make_version, make_school, make_round,
                                                                      add_response):
    """A school of 28 with programs of 4, 4 and 20: the two small ones and the large one are all "–" with
    the same `suppression` and no "< 5" anywhere (the issue's example)."""
    schools = [make_school("AAA", programs=("EL", "MEK", "VVS")), make_school("BBB"), make_school("CCC")]
    survey_round = make_round(make_version(), schools)
    for program, count in (("EL", 4), ("MEK", 4), ("VVS", 20)):
        add_people(add_response, survey_round, schools[0], count, program=program)
    for school in schools[1:]:
        add_people(add_response, survey_round, school, 10)
    results = compute_round(survey_round, today=AFTER)
    for table in (results.aggregates, results.items):
        assert not table["n_shown"].astype(str).str.contains("<").any()
        assert set(table["suppression"].dropna()) <= {"suppressed"}
    assert set(results.aggregates["suppression"].dropna()) == {"suppressed"}
    programs = cells(results.aggregates, "AAA", "program")
    assert programs.loc[["EL", "MEK"], "suppressed"].all()
    assert set(programs.loc[programs["suppressed"].astype(bool), "n_shown"]) == {"–"}


def test_the_items_of_a_complementary_suppressed_school_are_suppressed_too(make_version, make_school, make_round,
                                                                           add_response):
    """AAA (3) is small; BBB (12), the smallest published school, is suppressed to protect it: every one of
    BBB's item cells is suppressed with its dimension cells."""
    schools = [make_school("AAA"), make_school("BBB"), make_school("CCC"), make_school("DDD")]
    survey_round = make_round(make_version(), schools)
    for school, count in zip(schools, (3, 12, 30, 30)):
        add_people(add_response, survey_round, school, count)
    results = compute_round(survey_round, today=AFTER)
    school_rows = cells(results.aggregates, "BBB", "all").reset_index()
    assert school_rows["suppressed"].all()
    items = results.items[results.items["school"] == "BBB"]
    assert items["suppressed"].all() and items["mean"].isna().all() and items["n"].isna().all()


def test_a_lone_suppressed_item_of_a_published_dimension_takes_another_item_with_it(
        make_version, make_school, make_round, add_response):
    """AAA: 12 respondents answer every teaching item but 9 of them say "don't know" to teach.feedback (3
    answers): with the dimension index and the two other items published, the third would follow from them.
    So the smaller of the other two is suppressed too."""
    schools = [make_school(code) for code in ("AAA", "BBB", "CCC")]
    survey_round = make_round(make_version(), schools)
    for i in range(12):
        answers = everything(4) | {"teach.feedback": 2 if i < 3 else "dk"}
        if i < 1:
            answers["teach.explains"] = None  # one fewer answer: teach.explains is the smaller
        add_response(survey_round, schools[0], answers)
    for school in schools[1:]:
        add_people(add_response, survey_round, school, 10)
    items = compute_round(survey_round, today=AFTER).items
    teach = items[(items["school"] == "AAA") & (items["dimension"] == "teach")].set_index("item")
    assert teach.loc["teach.feedback", "suppressed"] and teach.loc["teach.explains", "suppressed"]
    assert not teach.loc["teach.boring", "suppressed"]
    assert not cells(compute_round(survey_round, today=AFTER).aggregates, "AAA", "all")["suppressed"].any()

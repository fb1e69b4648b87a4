"""Benchmark partners in the results: the analysis's own function on the round's published school indices,
named only where the network shares names, stored with the frozen results and covered by their hash."""
from __future__ import annotations

import re
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from survey.analysis import IMPROVE_FIRST, benchmark_partners
from survey.extensions import db
from survey.results.compute import NETWORK, PARTNER_COLUMNS, content_hash
from survey.results.models import RoundResult
from survey.results.service import from_parquet, questions_from_parquet, round_results, verify
from tests.results.conftest import SCHOOLS, answer_partner_round, stored_results

AFTER = date(2026, 6, 1)


@pytest.fixture
def partner_round(make_version, make_school, make_round, add_response):
    schools = [make_school(code, name=f"Skolen {code.lower()}", type=kind, programs=("EL",))
               for code, (kind, _, _) in SCHOOLS.items()]
    survey_round = make_round(make_version(), schools)
    answer_partner_round(survey_round, add_response)
    return survey_round


def direct_partners(results, school: str, share_names: bool) -> pd.DataFrame:
    """`benchmark_partners` called directly on the round's published school indices."""
    rows = results.aggregates[(results.aggregates["breakdown"] == "all") & (results.aggregates["school"] != NETWORK)]
    improve = rows[(rows["school"] == school) & (rows["quadrant"] == IMPROVE_FIRST)]["dimension"]
    index_by_school = rows[["school", "dimension", "n", "index", "sd", "suppressed"]].rename(columns={"index": "mean"})
    return benchmark_partners(school, list(improve), index_by_school,
                              school_types={code: kind for code, (kind, _, _) in SCHOOLS.items()},
                              school_sizes={code: size for code, (_, size, _) in SCHOOLS.items()},
                              share_names=share_names,
                              names={code: f"Skolen {code.lower()}" for code in SCHOOLS})


def test_partners_are_the_analysis_function_on_the_same_data(partner_round):
    results = stored_results(partner_round, AFTER)
    partners = results.partners
    assert tuple(partners.columns) == PARTNER_COLUMNS
    assert {"LOW1", "LOW2"} <= set(partners["school"])  # the weak teachers have someone to learn from
    for school in SCHOOLS:
        own = partners[partners["school"] == school].reset_index(drop=True)
        anonymous = direct_partners(results, school, share_names=False)
        named = direct_partners(results, school, share_names=True)
        assert len(own) == len(anonymous) == len(named), school
        if own.empty:
            continue
        assert own["dimension"].tolist() == anonymous["dimension"].tolist()
        assert own["order"].tolist() == anonymous["order"].tolist()
        assert own["partner_label"].tolist() == anonymous["partner"].tolist()  # not shared: anonymous
        assert own["partner_school"].tolist() == named["school"].tolist()
        np.testing.assert_allclose(own["partner_index"], anonymous["mean"], rtol=1e-9)
        np.testing.assert_allclose(own["p_value"], anonymous["p_value"], rtol=1e-9)
        assert (own["p_value"] < 0.05).all() and (own["partner_index"] > own["school_index"]).all()
    low1 = partners[partners["school"] == "LOW1"]
    assert low1["partner_school"].iloc[0] in ("TOP2", "TOP3")  # same type (EUD) first


def test_partners_are_frozen_with_the_results_and_covered_by_the_hash(partner_round, db_session):
    first = stored_results(partner_round, AFTER)
    stored = db_session.get(RoundResult, partner_round.id)
    aggregates, items, partners = from_parquet(stored.aggregates)
    questions = questions_from_parquet(stored.aggregates)
    pd.testing.assert_frame_equal(partners, first.partners)
    assert content_hash(aggregates, items, partners, questions) == stored.content_hash and verify(stored)
    assert content_hash(aggregates, items, partners.iloc[1:], questions) != stored.content_hash
    again = round_results(partner_round, today=AFTER)
    pd.testing.assert_frame_equal(again.partners, first.partners)


def test_anonymous_unless_the_network_shares_names(partner_round, network):
    results = stored_results(partner_round, date(2026, 2, 1))  # provisional: computed with the setting
    assert not results.partners.empty
    assert results.partners["partner_label"].map(lambda label: bool(re.fullmatch(r"School [A-Z]+", label))).all()
    names = {f"Skolen {code.lower()}" for code in SCHOOLS}
    assert not set(results.partners["partner_label"]) & names
    own = results.for_school("LOW1")
    assert set(own.partners["school"]) == {"LOW1"} and not own.partners.empty
    assert own.partners["partner_school"].isna().all()  # the codes are not handed out either

    network.share_school_names = True
    db.session.flush()
    named = stored_results(partner_round, date(2026, 2, 2))  # the next day's snapshot
    expected = named.partners["partner_school"].map(lambda code: f"Skolen {code.lower()}")
    assert named.partners["partner_label"].tolist() == expected.tolist()
    assert named.for_school("LOW1").partners["partner_school"].notna().all()


def test_most_similar_size_is_the_population_the_school_gave(partner_round, db_session):
    """With TOP1 an EUD school too, LOW1 (EUD, 14 responses) has two EUD partners: TOP1 (20 responses) is
    closer in responses than TOP3 (25); with the populations the schools gave (LOW1 300, TOP1 40, TOP3 280
    students) TOP3 is the most similar."""
    from survey.rounds.operations import set_population

    open_day = date(2026, 2, 1)  # an open round's results are a snapshot taken once a day
    schools = {school.code: school for school in partner_round.schools}
    schools["TOP1"].type = "EUD"
    db_session.flush()
    low1 = stored_results(partner_round, open_day).partners.query("school == 'LOW1'")
    assert low1["partner_school"].tolist() == ["TOP1", "TOP3"]
    for code, size in (("LOW1", 300), ("TOP1", 40), ("TOP3", 280)):
        set_population(partner_round, schools[code].programs[0], size)
    db_session.flush()
    low1 = stored_results(partner_round, open_day + timedelta(days=1)).partners.query("school == 'LOW1'")
    assert low1["partner_school"].tolist() == ["TOP3", "TOP1"]

"""Frozen results and provisional snapshots, stored only by their operations and read back as stored; the content
hash is stable and the same on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from survey.extensions import db
from survey.results.compute import content_hash
from survey.results.models import RoundResult
from survey.results.operations import freeze_round_results, take_snapshot
from survey.results.service import ResultsNotReady, compute_round, round_results
from tests.conftest import fresh_database_url, make_app
from tests.results.conftest import random_answers

AFTER = date(2026, 6, 1)
DURING = date(2026, 2, 1)


@pytest.fixture
def filled_round(make_version, make_school, make_round, add_response):
    rng = np.random.default_rng(3)
    schools = [make_school(code, programs=("EL", "VVS")) for code in ("AAA", "BBB", "CCC")]
    survey_round = make_round(make_version(), schools)
    for school, size in zip(schools, (20, 9, 14)):
        for i, row in enumerate(random_answers(rng, size)):
            add_response(survey_round, school, row, program=("EL", "VVS")[i % 2],
                         gender=(None, "female", "male")[i % 3])
    return survey_round


def test_closed_round_is_computed_once_and_frozen(filled_round, db_session):
    with pytest.raises(ResultsNotReady, match="being prepared"):
        round_results(filled_round, today=AFTER)  # reading never freezes
    assert db_session.get(RoundResult, filled_round.id) is None
    freeze_round_results(filled_round, today=AFTER)
    first = round_results(filled_round, today=AFTER)
    assert first.frozen and first.as_of is None
    stored = db_session.get(RoundResult, filled_round.id)
    assert stored is not None and stored.content_hash == first.content_hash and stored.responses == 43
    second = round_results(filled_round, today=AFTER)
    assert second.computed_at == first.computed_at  # read back, not recomputed
    assert second.content_hash == first.content_hash
    pd.testing.assert_frame_equal(second.aggregates, first.aggregates)
    pd.testing.assert_frame_equal(second.items, first.items)
    pd.testing.assert_frame_equal(second.partners, first.partners)
    assert content_hash(second.aggregates, second.items, second.partners, second.questions) == stored.content_hash
    assert freeze_round_results(filled_round, today=AFTER) is stored


def test_open_round_is_provisional_and_not_frozen(filled_round, db_session):
    with pytest.raises(ResultsNotReady, match="provisional results .* are being prepared"):
        round_results(filled_round, today=DURING)  # reading never takes the snapshot
    take_snapshot(filled_round, today=DURING)
    results = round_results(filled_round, today=DURING)
    assert not results.frozen and results.as_of == DURING and results.responses == 43
    assert db_session.get(RoundResult, filled_round.id) is None
    with pytest.raises(ValueError, match="not closed"):
        freeze_round_results(filled_round, today=DURING)


def test_hash_is_stable_across_computations(filled_round):
    one, two = compute_round(filled_round, today=AFTER), compute_round(filled_round, today=AFTER)
    assert one.content_hash == two.content_hash
    pd.testing.assert_frame_equal(one.aggregates, two.aggregates)


def test_trend_against_previous_round(make_version, make_school, make_round, add_response, network):
    rng = np.random.default_rng(11)
    school = make_school("AAA")
    old = make_round(make_version("t1"), [school], name="Runde 2025", opens_on=date(2025, 1, 1),
                     closes_on=date(2025, 3, 1))
    new = make_round(make_version("t2", previous="t1"), [school], name="Runde 2026")
    for survey_round, shift in ((old, 0), (new, 1)):
        for row in random_answers(rng, 40, missing=0):
            row = {k: min(5, v + shift) if isinstance(v, int) and k != "teach.boring" else v for k, v in row.items()}
            add_response(survey_round, school, row)
    freeze_round_results(new, today=AFTER)
    table = round_results(new, today=AFTER).aggregates
    rows = table[(table["breakdown"] == "all") & (table["dimension"] == "wellbeing")].set_index("school")
    school = rows.loc["AAA"]
    assert school["change"] > 0 and school["change_low"] <= school["change"] <= school["change_high"]
    assert 0 <= school["q_value"] <= 1 and school["trend_flag"] in ("up", "")
    assert school["previous_n"] == 40  # the earlier round's n of the same cell
    # the network of one school: its earlier cell was withheld from staff, so its change would give it back
    assert rows.loc["NETWORK", ["change", "previous_n"]].isna().all()
    assert db.session.get(RoundResult, old.id) is None  # computed for the trend, not stored on the way
    freeze_round_results(old, today=AFTER)
    again = compute_round(new, today=AFTER)  # the same trends from the previous round's frozen results
    assert again.content_hash == round_results(new, today=AFTER).content_hash


def build_round(url: str) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """The same small round, built from scratch in the database at `url`."""
    from survey.catalog.operations import publish_definition, validate_source
    from survey.network.models import Network, Program, School
    from survey.responses.bulk import bulk_insert_responses
    from survey.rounds.models import SurveyRound
    from tests.results.conftest import definition_yaml

    app = make_app(url)
    with app.app_context():
        upgrade()
        network = Network(name="Net")
        schools = [School(network=network, code=code, name=code, type="EUD", region="Midtjylland",
                          programs=[Program(code="EL", name="El"), Program(code="VVS", name="Vvs")])
                   for code in ("AAA", "BBB", "CCC", "DDD")]
        db.session.add(network)
        db.session.flush()
        text = definition_yaml()
        version = publish_definition(network, validate_source(text, "t.yaml"), text, "test").version
        survey_round = SurveyRound(network=network, version=version, name="R", opens_on=date(2026, 1, 1),
                                   closes_on=date(2026, 3, 1), schools=schools)
        db.session.add(survey_round)
        db.session.flush()
        rng = np.random.default_rng(5)
        n = 3000
        answers = rng.integers(1, 6, (n, 7)).astype(np.uint8)
        answers[rng.random((n, 7)) < 0.05] = 0
        answers[rng.random((n, 7)) < 0.05] = 255
        school = rng.integers(0, 4, n)
        program_ids = np.array([[p.id for p in s.programs] for s in schools])[school, rng.integers(0, 2, n)]
        program_ids[rng.random(n) < 0.05] = 0
        background = np.stack([np.zeros(n), rng.integers(0, 3, n)], axis=1).astype(np.uint8)
        bulk_insert_responses(db.session, round_id=survey_round.id, version_id=version.id,
                              school_ids=np.array([s.id for s in schools])[school], program_ids=program_ids,
                              answers=answers, background=background, submitted_on=date(2026, 2, 1))
        db.session.commit()
        freeze_round_results(survey_round, today=AFTER)
        db.session.commit()
        results = round_results(survey_round, today=AFTER)
        stored = db.session.scalar(select(RoundResult))
        assert stored.content_hash == results.content_hash
        db.session.remove()
        db.engine.dispose()
    return results.content_hash, results.aggregates, results.items


def test_same_hash_on_sqlite_and_postgresql(tmp_path_factory):
    built = {}
    for kind in ("sqlite", "postgresql"):
        url, drop = fresh_database_url(kind, tmp_path_factory)
        try:
            built[kind] = build_round(url)
        finally:
            drop()
    (hash_a, agg_a, items_a), (hash_b, agg_b, items_b) = built["sqlite"], built["postgresql"]
    pd.testing.assert_frame_equal(agg_a, agg_b)
    pd.testing.assert_frame_equal(items_a, items_b)
    assert hash_a == hash_b
    assert len(agg_a) > 50 and agg_a["index"].notna().any() and agg_a["quadrant"].notna().any()


def test_results_frozen_with_exact_n_are_shown_without_it(filled_round, db_session):
    """Results frozen before suppressed cells lost their n still hold it in the database: it is blanked
    when read (as "–", whatever the reason), while the stored bytes and their hash stay as frozen."""
    from survey.results.service import to_parquet, verify

    computed = compute_round(filled_round, today=AFTER)
    truth = pd.DataFrame(computed.aggregates).drop(columns=["suppression", "n_shown"])
    hidden = truth["suppressed"].to_numpy(dtype=bool)
    assert hidden.any()
    truth["n"] = np.where(hidden, 3, truth["n"].fillna(0).astype(int))  # what an old freeze stored: exact n
    items = computed.items.drop(columns=["suppression", "n_shown"])
    items["n"] = items["n"].fillna(2).astype(int)
    payload = to_parquet(truth, items, computed.partners)
    stored = RoundResult(round_id=filled_round.id, content_hash=content_hash(truth, items, computed.partners),
                         responses=computed.responses, computed_at=pd.Timestamp("2026-03-02", tz="UTC"),
                         aggregates=payload)
    db_session.add(stored)
    db_session.flush()

    shown = round_results(filled_round, today=AFTER)
    assert shown.frozen and shown.content_hash == stored.content_hash and verify(stored)
    for table in (shown.aggregates, shown.items):
        suppressed = table["suppressed"].to_numpy(dtype=bool)
        assert table.loc[suppressed, "n"].isna().all() and table.loc[~suppressed, "n"].notna().all()
        assert set(table.loc[suppressed, "n_shown"]) <= {"–"}  # the stored 3 and 2: never a number or a bound
        assert set(table.loc[suppressed, "suppression"]) <= {"suppressed"}
    assert (shown.aggregates.loc[hidden, "n_shown"] == "–").all()

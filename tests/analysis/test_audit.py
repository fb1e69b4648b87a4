"""The exact disclosure audit (METHOD.md v2, Anonymity: "Audit"): it finds what a reader can pin down in
tables made by hand, and finds nothing in what the results computation publishes for random networks, read
by every school's staff and by a reader of every school's results."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from survey.analysis import DimensionSpec, QuestionnaireSpec
from survey.analysis.audit import OTHERS, audit_published_tables, network_cells_shown_to_staff
from survey.results.compute import compute_results
from survey.results.loading import RoundData
from tests.analysis.disclosure import audit_round, small_and_all, true_counts

K = 5


def row(school, breakdown="all", group="all", n=None, *, dimension="d", index=50.0, shown=None, rate=np.nan):
    """One aggregates row as published: n None = suppressed (shown "–" unless `shown` says otherwise)."""
    hidden = n is None
    return {"school": school, "breakdown": breakdown, "group": group, "dimension": dimension,
            "n": pd.NA if hidden else n, "index": np.nan if hidden else index, "suppressed": hidden,
            "n_shown": shown or ("–" if hidden else str(n)), "response_rate": rate}


def table(*rows) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows))
    frame["n"] = frame["n"].astype("Int64")
    return frame


def found(aggregates, items=None, **kwargs) -> set[tuple]:
    return {(d.kind, d.cell[:3], d.low, d.high)
            for d in audit_published_tables(aggregates, items, k_min=K, **kwargs)}


# --- what the audit must find ------------------------------------------------------------------------------


def a_school_of_28(marker_a: str, marker_b: str) -> pd.DataFrame:
    """Programs of 4, 4 and 20 in a school of 28, the two small ones suppressed, beside two other schools."""
    return table(row("NETWORK", n=68), row("S", n=28), row("T", n=20), row("U", n=20),
                 row("S", "program", "A", shown=marker_a), row("S", "program", "B", shown=marker_b),
                 row("S", "program", "C", 20), row("T", "program", "C", 20), row("U", "program", "C", 20),
                 row("NETWORK", "program", "A", shown=marker_a), row("NETWORK", "program", "B", shown=marker_b),
                 row("NETWORK", "program", "C", 60))


def test_less_than_k_min_markers_pin_two_small_programs_to_their_exact_n():
    """Every respondent came through a program's link: A + B = 28 - 20 = 8 and each "< 5", so both are 4."""
    flagged = found(a_school_of_28("< 5", "< 5"), every_respondent_in={"program"})
    assert {("n", ("S", "program", "A"), 4, 4), ("n", ("S", "program", "B"), 4, 4)} <= flagged
    # with respondents in no program possible, A and B still hold at most 4 each
    assert ("n", ("S", "program", "A"), 0, 4) in found(a_school_of_28("< 5", "< 5"))


def test_one_symbol_leaves_the_two_small_programs_uncertain_by_their_sum():
    """With "–" alone, A and B are each anywhere in [0, 8]: uncertain by 8 >= k_min."""
    assert found(a_school_of_28("–", "–"), every_respondent_in={"program"}) == set()


def test_a_complementary_mark_bounds_the_small_cell():
    """"complementary" says n >= k_min: A (hidden with B, together 9) is then at most 4."""
    aggregates = table(row("NETWORK", n=49), row("S", n=29), row("T", n=20),
                       row("S", "program", "A", shown="< 5"), row("S", "program", "B"),
                       row("S", "program", "C", 20), row("T", "program", "C", 20))
    aggregates["suppression"] = [None] * 3 + ["primary", "complementary", None, None]
    assert ("n", ("S", "program", "A"), 0, 4) in found(aggregates)


def test_a_response_rate_on_a_suppressed_row_gives_its_n():
    """A's rate 0.3 with A's population of 10 (known to its school) caps A at 3 respondents."""
    aggregates = table(row("NETWORK", n=60), row("S", n=40, rate=0.8), row("T", n=20),
                       row("S", "program", "A", rate=0.3), row("S", "program", "B"),
                       row("S", "program", "C", 30, rate=0.75), row("T", "program", "C", 20))
    populations = pd.DataFrame({"school": ["S", "S", "S"], "program": ["A", "B", "C"], "size": [10, 30, 40]})
    assert found(aggregates) == set()
    flagged = found(aggregates, populations=populations)
    assert ("n", ("S", "program", "A"), 0, 3) in flagged


def test_a_network_program_of_one_other_school_is_that_school():
    """VHS's staff see the network's DETAIL (17) though their school has none: it is one other school's."""
    view = table(row("NETWORK", n=100), row("VHS", n=40), row("NETWORK", "program", "DETAIL", 17),
                 row("VHS", "program", "EL", 40), row("NETWORK", "program", "EL", 83))
    truth = pd.DataFrame({"school": ["VHS", "ABC", "XYZ", "ABC", "XYZ", "VHS"],
                          "breakdown": ["program"] * 3 + ["all"] * 3,
                          "group": ["EL", "EL", "DETAIL", "all", "all", "all"],
                          "dimension": "d", "n": [40, 43, 17, 43, 17, 40]})
    breaches = network_cells_shown_to_staff(view, None, truth, None, viewer="VHS", k_min=K)
    assert ("program", "DETAIL", "d", 1, 17) in breaches
    assert ("program", "EL", "d", 2, 43) in breaches  # network EL - own EL = ABC's EL
    assert len(breaches) == 2  # the network itself pools 3 schools, 60 respondents outside VHS


def test_a_school_sees_the_few_respondents_of_other_schools_in_no_program():
    """Network 30, own 20; network EL 27, own EL 20: the other schools' 10 hold 7 in EL and 3 in no program."""
    view = table(row("NETWORK", n=30), row("X", n=20), row("X", "program", "EL", 20),
                 row("NETWORK", "program", "EL", 27))
    assert found(view, viewer="X") == {("n", (OTHERS, "program", None), 3, 3)}


def test_the_respondents_who_skip_a_question_are_a_hidden_group_too():
    aggregates = table(row("NETWORK", n=13), row("S", n=13), row("S", "gender", "f", 5),
                       row("S", "gender", "m", 5), row("NETWORK", "gender", "f", 5), row("NETWORK", "gender", "m", 5))
    assert found(aggregates) == {("n", ("S", "gender", None), 3, 3)}


def item_rows(*rows):
    frame = pd.DataFrame([{"school": s, "item": i, "dimension": "d", "n": pd.NA if n is None else n,
                           "mean": np.nan if n is None else 50.0, "suppressed": n is None,
                           "n_shown": "–" if n is None else str(n)} for s, i, n in rows])
    frame["n"] = frame["n"].astype("Int64")
    return frame


def test_a_hidden_index_beside_all_its_published_items_is_derivable():
    """B's index is hidden (with A's), but B's items are shown: their mean is B's index, and A's follows from
    the network's."""
    aggregates = table(row("NETWORK", n=53), row("A", n=None), row("B", n=None), row("C", n=30))
    items = item_rows(("NETWORK", "d.1", 53), ("NETWORK", "d.2", 53), ("A", "d.1", None), ("A", "d.2", None),
                      ("B", "d.1", 20), ("B", "d.2", 20), ("C", "d.1", 30), ("C", "d.2", 30))
    assert {("value", ("A", "all", "all")), ("value", ("B", "all", "all"))} <= {
        (d.kind, d.cell[:3]) for d in audit_published_tables(aggregates, items, k_min=K)}
    assert found(aggregates) == set()  # without the items both are safe


def test_an_item_is_derivable_from_its_dimension_and_the_other_items():
    aggregates = table(row("S", n=30))
    items = item_rows(("S", "d.1", 30), ("S", "d.2", 30), ("S", "d.3", None))
    assert ("value", ("S", "item", "d.3")) in {(d.kind, d.cell[:3])
                                             for d in audit_published_tables(aggregates, items, k_min=K)}


# --- what the results computation publishes ----------------------------------------------------------------

SPEC = QuestionnaireSpec(points=5, dimensions=(DimensionSpec("teach", ("teach.1", "teach.2", "teach.3")),
                                               DimensionSpec("overall", ("overall.1", "overall.2"))),
                         overall="overall", reverse=frozenset(), lineage={})
PROGRAMS = ("EL", "SSA", "VVS")


@st.composite
def networks(draw):
    """3 to 5 schools, each with some of three programs (often small), a few respondents in no program, a
    gender question some skip, answers with a few gaps, populations a little above the responses."""
    k_min = draw(st.sampled_from([3, 5]))
    people, populations = [], []
    for s in range(draw(st.integers(3, 5))):
        school = f"S{s}"
        offered = draw(st.lists(st.sampled_from(PROGRAMS), min_size=1, max_size=3, unique=True))
        for program in offered:
            count = draw(st.one_of(st.integers(0, 4), st.integers(0, 14)))
            people += [(school, program)] * count
            populations.append((school, program, count + draw(st.integers(0, 4)) or 1))
        people += [(school, None)] * draw(st.sampled_from([0, 0, 0, 1, 2, 6]))
    return people, populations, k_min, draw(st.integers(0, 2 ** 32 - 1))


def round_data(people, seed: int) -> RoundData:
    rng = np.random.default_rng(seed)
    n, items = len(people), list(SPEC.item_keys)
    raw = rng.integers(1, SPEC.points + 1, size=(n, len(items))).astype(np.uint8)
    raw[rng.random(raw.shape) < 0.08] = 0
    codes = np.where(raw == 0, np.nan, raw).astype(np.float32)
    frame = pd.DataFrame({
        "school": pd.Categorical([s for s, _ in people]),
        "program": pd.Categorical([p for _, p in people], categories=list(PROGRAMS)),
        "gender": pd.Categorical(rng.choice(np.array(["f", "m", None], dtype=object), n, p=[0.45, 0.45, 0.1]),
                                 categories=["f", "m"]),
    })
    frame = pd.concat([frame, pd.DataFrame(codes, columns=items)], axis=1)
    return RoundData(round=None, spec=SPEC, frame=frame, raw_answers=raw,
                     breakdowns=("program", "gender"))


def random_round(network):
    people, populations, k_min, seed = network
    data = round_data(people, seed)
    populations = pd.DataFrame(populations, columns=["school", "program", "size"])
    schools = tuple(sorted({s for s, _ in people} | set(populations["school"])))
    results = compute_results(data, k_min=k_min, schools=schools, populations=populations)
    truth, truth_items = true_counts(data.frame, data.raw_answers, SPEC, data.breakdowns)
    return results, truth, truth_items, populations, k_min


@settings(max_examples=40, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(networks().filter(lambda network: network[0]))
def test_nothing_published_for_a_random_network_can_be_pinned_down(network):
    """First: no group that may hold fewer than k_min respondents (a small cell, the few in no group, a handful
    of other schools' respondents) has its n bounded narrower than k_min or its value derivable, for any
    reader, and no NETWORK cell a school's staff see pools fewer than 3 schools or k_min respondents outside
    it. Then METHOD's audit rule as written: no suppressed cell's n or value, however large, is derivable
    exactly or bounded narrower than k_min (a hidden cell that can be worked out protects nothing)."""
    small, everything = small_and_all(audit_round(*random_round(network)))
    assert small == []
    assert everything == []


def test_a_network_item_answered_by_few_takes_another_network_item_with_it():
    """30 respondents at three schools answer teach.1 and teach.2, only 3 answer teach.3: the network's
    teach.3 is suppressed, and as the network's teach index and teach.1 are published, teach.2 must go
    too, else teach.3's mean is 3 x the index minus the other two (with complete answers)."""
    data = round_data([(f"S{s}", "EL") for s in range(3) for _ in range(10)], seed=7)
    column = SPEC.item_keys.index("teach.3")
    data.raw_answers[:, :] = np.where(data.raw_answers == 0, 3, data.raw_answers)
    data.raw_answers[3:, column] = 0
    data.answers[:, :] = np.where(data.raw_answers == 0, np.nan, data.raw_answers)
    data.frame[list(SPEC.item_keys)] = data.answers
    results = compute_results(data, k_min=K, schools=("S0", "S1", "S2"))
    network = results.items[results.items["school"] == "NETWORK"].set_index("item")["suppressed"]
    assert network["teach.3"] and network[["teach.1", "teach.2"]].sum() == 1
    assert not results.aggregates.query("school == 'NETWORK' and breakdown == 'all'")["suppressed"].any()
    assert [d for d in audit_published_tables(results.aggregates, results.items, k_min=K)
            if d.kind == "value"] == []


# --- METHOD v2's columns add nothing a reader could subtract ------------------------------------------------

METHOD2_FLOATS = ("fpc", "rank_low", "rank_high", "importance_low", "importance_high", "gap", "gap_low",
                  "gap_high", "change", "change_low", "change_high", "q_value", "previous_n",
                  "previous_response_rate")


def _with_previous(network, previous_seed: int):
    """The random round, computed with an earlier round of the same schools (other answers, and other people
    dropped, so cells suppressed in one round are published in the other)."""
    from survey.results.compute import PreviousRound

    people, populations, k_min, seed = network
    rng = np.random.default_rng(previous_seed)
    earlier_people = [person for person in people if rng.random() < 0.8]
    populations = pd.DataFrame(populations, columns=["school", "program", "size"])
    schools = tuple(sorted({s for s, _ in people} | set(populations["school"])))
    earlier = compute_results(round_data(earlier_people, previous_seed), k_min=k_min, schools=schools,
                              populations=populations)
    previous = PreviousRound(earlier.aggregates, SPEC, earlier.contributions)
    current = compute_results(round_data(people, seed), k_min=k_min, schools=schools, populations=populations,
                              previous=previous)
    return current, earlier, populations, k_min


def _blank_on(rows: pd.DataFrame) -> bool:
    return (rows[list(METHOD2_FLOATS)].isna().all().all() and (rows["trend_flag"] == "").all()
            and rows["uncertain"].isna().all())


@settings(max_examples=25, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(networks().filter(lambda network: network[0]), st.integers(0, 2 ** 32 - 1))
def test_the_method_2_columns_say_nothing_about_a_suppressed_cell(network, previous_seed):
    """On a suppressed cell every new column is blank; where published they only restate published numbers:
    fpc with the population gives back the published n, the gap is the index minus the published network
    index, the change the index minus the earlier round's published index, previous_n the earlier round's
    published n (blank where that cell was suppressed). The staff view blanks them with a withheld network
    cell, and the exact audit still finds nothing."""
    from survey.results.service import RoundResults
    from datetime import datetime, timezone
    from types import SimpleNamespace

    results, earlier, populations, k_min = _with_previous(network, previous_seed)
    table = results.aggregates
    suppressed = table["suppressed"].to_numpy(dtype=bool)
    assert _blank_on(table[suppressed])

    size = populations.assign(school=populations["school"].astype(str)).groupby("school")["size"].sum()
    schools_all = table[(table["breakdown"] == "all").to_numpy() & (table["school"] != "NETWORK").to_numpy()
                        & table["fpc"].notna().to_numpy()]
    population = schools_all["school"].map(size).to_numpy(dtype=float)
    n_back = population - schools_all["fpc"].to_numpy() ** 2 * (population - 1)
    assert np.allclose(n_back, schools_all["n"].to_numpy(dtype=float), atol=1e-6)

    network_index = table[(table["school"] == "NETWORK").to_numpy() & (table["breakdown"] == "all").to_numpy()
                          ].set_index("dimension")["index"]
    gapped = table[table["gap"].notna()]
    expected = gapped["index"].to_numpy(dtype=float) - gapped["dimension"].map(network_index).to_numpy(dtype=float)
    assert np.allclose(gapped["gap"].to_numpy(dtype=float), expected)

    before = earlier.aggregates[earlier.aggregates["breakdown"] == "all"].set_index(["school", "dimension"])
    changed = table[table["change"].notna()]
    keys = pd.MultiIndex.from_frame(changed[["school", "dimension"]])
    assert np.allclose(changed["change"].to_numpy(dtype=float), changed["index"].to_numpy(dtype=float)
                       - before["index"].reindex(keys).to_numpy(dtype=float))
    assert np.allclose(changed["previous_n"].to_numpy(dtype=float),
                       before["n"].reindex(keys).to_numpy(dtype=float, na_value=np.nan))
    assert not before["suppressed"].reindex(keys).any()
    with_previous_n = table[table["previous_n"].notna()]
    assert (with_previous_n["change"].notna()).all()

    whole = RoundResults(SimpleNamespace(network=SimpleNamespace(share_school_names=False, k_min=k_min), id=0),
                         results.aggregates, results.items, results.content_hash, True, datetime.now(timezone.utc),
                         results.responses, results.partners, None, results.contributions)
    for code in sorted(set(table["school"]) - {"NETWORK"}):
        view = whole.for_school(code).aggregates
        withheld = (view["school"] == "NETWORK").to_numpy() & view["suppressed"].to_numpy(dtype=bool)
        assert _blank_on(view[withheld])
        hidden_dimensions = set(view.loc[withheld & (view["breakdown"] == "all").to_numpy(), "dimension"])
        own = view[(view["school"] == code).to_numpy() & view["dimension"].isin(hidden_dimensions).to_numpy()]
        assert own[["gap", "gap_low", "gap_high"]].isna().all().all()

    truth, truth_items = true_counts(*_truth_of(network))
    small, everything = small_and_all(audit_round(results, truth, truth_items, populations, k_min))
    assert small == [] and everything == []


def _truth_of(network):
    people, _, _, seed = network
    data = round_data(people, seed)
    return data.frame, data.raw_answers, SPEC, data.breakdowns

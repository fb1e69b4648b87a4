import pandas as pd
import pytest
from scipy import stats

from survey.analysis import anonymous_label, benchmark_partners

# teaching: published indices 30, 40, 50 (X), 60, 70, 80 (G), 80 (H), 81 (E), 82 (F);
# I (99) is suppressed. Upper quartile of the 9: position 0.75 * 8 = 6 -> 80.
SCHOOLS = {  # school: (mean, n, sd, suppressed)
    "X": (50, 100, 20, False), "A": (30, 100, 20, False), "B": (40, 100, 20, False),
    "C": (60, 100, 20, False), "D": (70, 100, 20, False), "E": (81, 100, 20, False),
    "F": (82, 100, 20, False), "G": (80, 100, 20, False), "H": (80, 5, 40, False),
    "I": (float("nan"), 3, float("nan"), True),
}
TYPES = {"X": "EUD", "E": "EUD", "F": "stx", "G": "EUD", "H": "EUD", "I": "EUD"}
SIZES = {"X": 100, "E": 500, "F": 120, "G": 150, "H": 110, "I": 3}


@pytest.fixture
def cells():
    return pd.DataFrame([{"school": s, "dimension": "teaching", "n": n, "mean": m, "sd": sd,
                          "suppressed": hidden} for s, (m, n, sd, hidden) in SCHOOLS.items()])


def test_partners_are_significantly_better_top_quartile_schools_most_similar_first(cells):
    result = benchmark_partners("X", ["teaching"], cells, TYPES, SIZES, share_names=True)
    # top quartile (>= 80): G, H, E, F.  Welch against X (50, sd 20, n 100):
    #   E, F, G: se = sqrt(400/100 + 400/100) = 2.83, t >= 30 / 2.83 = 10.6 -> p << 0.05
    #   H: se = sqrt(4 + 1600/5) = 18.0, t = 1.67, df ~ 4 -> p ~ 0.17: not a partner
    # order: same type (EUD) first - G (size gap |150 - 100| = 50), E (gap 400) - then F (stx)
    assert result["school"].tolist() == ["G", "E", "F"]
    assert result["order"].tolist() == [1, 2, 3]
    assert result["same_type"].tolist() == [True, True, False]
    assert result["difference"].tolist() == [30, 31, 32]
    expected = stats.ttest_ind_from_stats(50, 20, 100, 80, 20, 100, equal_var=False).pvalue
    assert result.loc[0, "p_value"] == pytest.approx(expected)
    h = stats.ttest_ind_from_stats(50, 20, 100, 80, 40, 5, equal_var=False).pvalue
    assert h > 0.05


def test_within_a_school_type_the_same_organiser_comes_before_the_closer_size(cells):
    # G (EUD, size gap 50) came first; E (EUD, gap 400) shares X's organiser, so it now leads; F (stx) stays
    # last although it shares the organiser too: the type comes first. A school without organiser shares none.
    organisers = {"X": "KOM1", "E": "KOM1", "F": "KOM1", "G": "KOM2"}
    result = benchmark_partners("X", ["teaching"], cells, TYPES, SIZES, share_names=True,
                                school_organisers=organisers)
    assert result["school"].tolist() == ["E", "G", "F"]
    no_owner = benchmark_partners("X", ["teaching"], cells, TYPES, SIZES, share_names=True,
                                  school_organisers={"E": "KOM1", "G": "KOM2"})
    assert no_owner["school"].tolist() == ["G", "E", "F"]


def test_anonymised_labels_follow_rank_order(cells):
    result = benchmark_partners("X", ["teaching"], cells, TYPES, SIZES, share_names=False)
    # rank order by index: F (82) = School A, E (81) = School B, G (80) = School C;
    # listed most similar first: G, E, F
    assert result["partner"].tolist() == ["School C", "School B", "School A"]
    assert "school" not in result.columns


def test_names_are_shared_when_the_network_shares_them(cells):
    names = {"G": "Gribskov Gymnasium", "E": "EUC Syd"}
    result = benchmark_partners("X", ["teaching"], cells, TYPES, SIZES, share_names=True,
                                names=names)
    assert result["partner"].tolist() == ["Gribskov Gymnasium", "EUC Syd", "F"]


def test_size_defaults_to_the_number_of_respondents(cells):
    cells.loc[cells["school"] == "E", "n"] = 101
    result = benchmark_partners("X", ["teaching"], cells, TYPES)
    # no sizes given: size = n. X has 100; G (n 100, gap 0) before E (n 101, gap 1); F last
    assert result["partner"].tolist() == ["School C", "School B", "School A"]


def test_no_partners_for_a_top_school_or_a_suppressed_one(cells):
    assert benchmark_partners("F", ["teaching"], cells, TYPES, SIZES).empty
    assert benchmark_partners("I", ["teaching"], cells, TYPES, SIZES).empty
    assert benchmark_partners("X", ["wellbeing"], cells, TYPES, SIZES).empty


def test_each_improve_first_dimension_gets_its_own_list(cells):
    other = cells.assign(dimension="wellbeing")
    result = benchmark_partners("X", ["teaching", "wellbeing"],
                                pd.concat([cells, other], ignore_index=True), TYPES, SIZES)
    assert result["dimension"].tolist() == ["teaching"] * 3 + ["wellbeing"] * 3


@pytest.mark.parametrize(("position", "label"), [(0, "School A"), (25, "School Z"),
                                                 (26, "School AA"), (27, "School AB")])
def test_anonymous_labels_run_past_z(position, label):
    assert anonymous_label(position) == label

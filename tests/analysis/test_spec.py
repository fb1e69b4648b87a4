import pytest

from survey.analysis import DimensionSpec, QuestionnaireSpec


def test_item_keys_run_dimension_by_dimension(make_spec):
    spec = make_spec({"teaching": 2, "overall": 1})
    assert spec.item_keys == ("teaching.1", "teaching.2", "overall.1")
    assert spec.predictors == ("teaching",)
    assert spec.dimension_of("teaching.2") == "teaching"


@pytest.mark.parametrize(("items", "needed"), [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (6, 3)])
def test_half_of_the_items_rounded_up(items, needed):
    # ceil(m / 2): 1 -> 1, 2 -> 1, 3 -> 2 (1.5 up), 4 -> 2, 5 -> 3 (2.5 up), 6 -> 3
    dimension = DimensionSpec("d", tuple(f"d.{i}" for i in range(items)))
    assert dimension.min_answered == needed


def test_lineage_defaults_to_the_item_key(make_spec):
    spec = make_spec({"teaching": 2, "overall": 1}, lineage={"teaching.1": "old.teaching.a"})
    assert dict(spec.lineage) == {"teaching.1": "old.teaching.a", "teaching.2": "teaching.2",
                                  "overall.1": "overall.1"}


@pytest.mark.parametrize("problem", [
    dict(points=1),
    dict(overall="missing"),
    dict(reverse=frozenset({"nope.1"})),
    dict(dimensions=(DimensionSpec("a", ("x",)), DimensionSpec("b", ("x",)))),
])
def test_invalid_specs_are_refused(problem):
    arguments = dict(points=5, dimensions=(DimensionSpec("a", ("a.1",)),), overall="a") | problem
    with pytest.raises(ValueError):
        QuestionnaireSpec(**arguments)


def test_specs_are_hashable_values(make_spec):
    assert make_spec({"a": 2, "overall": 1}) == make_spec({"a": 2, "overall": 1})
    assert hash(make_spec({"a": 2, "overall": 1})) == hash(make_spec({"a": 2, "overall": 1}))

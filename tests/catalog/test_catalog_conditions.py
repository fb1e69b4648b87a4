"""The routing conditions (`shown_if`, survey/questions/conditions.py): read, evaluated and written back.

A condition decides on the server whether a respondent sees a page or question, so it must never run code,
must say where it is wrong, and must read the same after being written out (imports, exports, the canonical
JSON of a published version).
"""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.questions.conditions import (
    MAX_LENGTH,
    Answered,
    Comparison,
    ConditionError,
    Junction,
    Not,
    Selected,
    parse_condition,
)

NO_DATABASE = settings(database=None, deadline=None, max_examples=200)

ANSWERS = {
    "placement": "yes",         # single choice: its option key
    "teaching.explains": 4,     # rating: its code
    "teaching.feedback": "dont_know",  # rating: a non-substantive option, as its key
    "age": 17,                  # numeric
    "activities": ["sport", "music"],  # multiple choice: the chosen option keys
    "none_chosen": [],
    "comments": "",
}


def holds(text: str, answers=ANSWERS) -> bool:
    return parse_condition(text).evaluate(answers)


# ---- reading


def test_a_comparison_reads_as_key_operator_value():
    assert parse_condition("placement = 'yes'") == Comparison("placement", "=", "yes")
    assert parse_condition('age>=18') == Comparison("age", ">=", 18.0)
    assert parse_condition("teaching.explains != 2") == Comparison("teaching.explains", "!=", 2.0)
    assert parse_condition("age < -1.5") == Comparison("age", "<", -1.5)


def test_calls_read_as_selected_and_answered():
    assert parse_condition("selected(activities, 'sport')") == Selected("activities", "sport")
    assert parse_condition("answered( comments )") == Answered("comments")


def test_and_binds_tighter_than_or():
    parsed = parse_condition("a = 1 or b = 2 and c = 3")
    assert parsed == Junction("or", (Comparison("a", "=", 1.0), Junction("and", (
        Comparison("b", "=", 2.0), Comparison("c", "=", 3.0)))))
    grouped = parse_condition("(a = 1 or b = 2) and c = 3")
    assert grouped == Junction("and", (Junction("or", (
        Comparison("a", "=", 1.0), Comparison("b", "=", 2.0))), Comparison("c", "=", 3.0)))


def test_not_takes_a_parenthesised_condition():
    assert parse_condition("not(a = 1) and b = 2") == Junction(
        "and", (Not(Comparison("a", "=", 1.0)), Comparison("b", "=", 2.0))
    )


def test_keys_are_every_question_a_condition_reads():
    condition = parse_condition("not(a = 1) or (selected(b, 'x') and answered(c.d)) or a = 2")
    assert condition.keys == frozenset({"a", "b", "c.d"})


@pytest.mark.parametrize("text, column, message", [
    ("", 1, "the condition is empty"),
    ("placement = ", 13, "the condition ends where a value was expected"),
    ("placement 'yes'", 11, "expected one of = != < <= > >= after 'placement', found \"'yes'\""),
    ("placement == 'yes'", 11, "write = once to compare (not ==)"),
    ("placement = yes", 13, "expected a value in quotes or a number after '=', found 'yes'"),
    ("placement = 'yes' and", 22, "the condition ends where a comparison was expected"),
    ("placement = 'yes' age > 3", 19, "unexpected 'age': expected 'and', 'or' or the end"),
    ("Placement = 'yes'", 1, "unexpected character 'P'"),
    ("placement = 'yes", 13, "unexpected character \"'\""),
    ("not placement = 'yes'", 5, "expected '(', found 'placement'"),
    ("(age > 3", 9, "the condition ends where ')' was expected"),
    ("selected(activities, sport)", 22, "selected() needs an option key in quotes, found 'sport'"),
    ("answered(and)", 10, "expected a question key, found 'and'"),
    ("and = 1", 1, "'and' cannot start a comparison"),
    ("age > 3 & age < 9", 9, "unexpected character '&'"),
])
def test_a_condition_that_cannot_be_read_names_its_column(text: str, column: int, message: str):
    with pytest.raises(ConditionError) as raised:
        parse_condition(text)
    assert (raised.value.message, raised.value.column) == (message, column)
    assert str(raised.value) == f"{message} (at column {column})"


def test_nesting_is_limited_and_reported_where_it_goes_too_deep():
    assert parse_condition("(" * 20 + "a = 1" + ")" * 20) == Comparison("a", "=", 1.0)
    for text in ("(" * 21 + "a = 1" + ")" * 21, "(" * 21, "not(" * 21 + "a = 1" + ")" * 21):
        with pytest.raises(ConditionError, match="nest at most 20 deep") as raised:
            parse_condition(text)
        assert raised.value.column <= len(text) + 1


def test_length_is_limited():
    long = " or ".join(f"a = {i}" for i in range(400))
    assert len(long) > MAX_LENGTH
    with pytest.raises(ConditionError, match=f"at most {MAX_LENGTH} characters"):
        parse_condition(long)
    parse_condition(long[:MAX_LENGTH].rsplit(" or ", 1)[0])


# ---- evaluating


def test_a_comparison_on_an_unanswered_or_not_asked_question_is_false():
    for text in ("missing = 'yes'", "missing != 'yes'", "missing > 2", "missing != 2"):
        assert holds(text) is False
    assert holds("not(missing = 'yes')") is True


def test_ratings_compare_as_codes_and_their_non_substantive_options_as_keys():
    assert holds("teaching.explains = 4") and holds("teaching.explains >= 3") and not holds("teaching.explains < 4")
    assert holds("teaching.feedback = 'dont_know'")
    assert not holds("teaching.feedback >= 1")  # "don't know" is no point of the scale
    assert not holds("teaching.feedback != 'dont_know'")


def test_single_choices_compare_as_option_keys():
    assert holds("placement = 'yes'") and holds("placement != 'no'")
    assert not holds("placement = 'no'")
    assert not holds("placement < 'z'")  # only = and != compare texts
    assert holds("selected(placement, 'yes')")


def test_numbers_compare_as_numbers_whether_given_as_numbers_or_text():
    assert holds("age > 16.5") and holds("age = 17") and not holds("age != 17")
    assert parse_condition("age >= 18").evaluate({"age": "18"}) is True
    assert parse_condition("age >= 18").evaluate({"age": "eighteen"}) is False
    assert parse_condition("age = 1").evaluate({"age": True}) is False  # a yes/no is no number


def test_multiple_choices_are_tested_with_selected():
    assert holds("selected(activities, 'sport')") and not holds("selected(activities, 'art')")
    assert not holds("activities = 'sport'")  # a list is never equal to one option
    assert not holds("selected(none_chosen, 'sport')") and not holds("selected(missing, 'sport')")


def test_answered_tells_an_answer_from_none():
    assert holds("answered(age)") and holds("answered(activities)") and holds("answered(teaching.feedback)")
    for key in ("missing", "none_chosen", "comments"):
        assert not holds(f"answered({key})"), key
    assert parse_condition("answered(a)").evaluate({"a": ()}) is False


def test_and_or_not_combine_as_written():
    assert holds("placement = 'yes' and age > 16")
    assert not holds("placement = 'no' and age > 16")
    assert holds("placement = 'no' or age > 16")
    assert holds("placement = 'no' and age > 99 or answered(age)")   # (false and false) or true
    assert not holds("placement = 'no' and (age > 99 or answered(age))")
    assert holds("not(placement = 'no' or age > 99)")


def test_evaluation_never_runs_code():
    """Texts are data: a key or value that looks like Python is read as a key or a string, never run."""
    with pytest.raises(ConditionError):
        parse_condition("__import__('os').system('true')")
    assert parse_condition("placement = '__import__(\"os\")'").evaluate(ANSWERS) is False


# ---- writing back


@pytest.mark.parametrize("text, canonical", [
    ("placement='yes'", "placement = 'yes'"),
    ('placement = "it\'s"', "placement = \"it's\""),
    ("age>=18.0", "age >= 18"),
    ("age < 0.0000001", "age < 0.0000001"),
    ("a = 1 or b = 2 and c = 3", "a = 1 or (b = 2 and c = 3)"),
    ("((a = 1))", "a = 1"),
    ("not ( selected(x, 'y') )", "not(selected(x, 'y'))"),
    ("answered(q) and not(answered(r))", "answered(q) and not(answered(r))"),
])
def test_str_gives_the_canonical_text(text: str, canonical: str):
    assert str(parse_condition(text)) == canonical
    assert parse_condition(canonical) == parse_condition(text)


KEYS = st.sampled_from(["a", "b.c", "placement", "teaching.explains"])
VALUES = st.one_of(
    st.text(alphabet="abc xyz_'", max_size=8).filter(lambda v: not ("'" in v and '"' in v)),
    st.integers(-1000, 1000).map(float),
    st.floats(-1000, 1000, allow_nan=False).map(lambda f: round(f, 6)),
)
LEAVES = st.one_of(
    st.builds(Comparison, KEYS, st.sampled_from(["=", "!=", "<", "<=", ">", ">="]), VALUES),
    st.builds(Selected, KEYS, st.text(alphabet="abc_", min_size=1, max_size=6)),
    st.builds(Answered, KEYS),
)
CONDITIONS = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.builds(Not, inner),
        st.builds(Junction, st.sampled_from(["and", "or"]), st.lists(inner, min_size=2, max_size=3).map(tuple)),
    ),
    max_leaves=8,
)


@NO_DATABASE
@given(condition=CONDITIONS, answers=st.dictionaries(KEYS, st.one_of(
    st.none(), st.integers(1, 5), st.sampled_from(["x", "abc", "dont_know"]), st.lists(st.sampled_from(["a", "b"])),
)))
def test_the_canonical_text_reads_back_as_a_condition_that_decides_the_same(condition, answers):
    text = str(condition)
    again = parse_condition(text)
    assert str(again) == text
    assert again.evaluate(answers) == condition.evaluate(answers)
    assert again.keys == condition.keys

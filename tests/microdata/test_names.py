"""Variable names: legal in SPSS and Stata, deterministic, collision-free (survey/microdata/names.py)."""
from __future__ import annotations

import hashlib
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from survey.microdata.names import MAX_LENGTH, base_name, is_legal, is_reserved, variable_names
from survey.microdata.variables import FIXED_COLUMNS

STATA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,31}")
KEYS = st.from_regex(r"[a-z][a-z0-9_]{0,20}(\.[a-z0-9_]{1,20}){0,3}", fullmatch=True)


def test_dots_become_underscores_and_short_names_stay_readable():
    names = variable_names(["teaching.explains", "gender", "activities.sport"], taken=FIXED_COLUMNS)
    assert names == {"teaching.explains": "teaching_explains", "gender": "gender",
                     "activities.sport": "activities_sport"}


def test_reserved_words_of_spss_and_stata_get_a_suffix():
    names = variable_names(["in", "to", "with", "byte", "str12", "strl", "all", "using", "index"])
    assert names == {"in": "in_q", "to": "to_q", "with": "with_q", "byte": "byte_q", "str12": "str12_q",
                     "strl": "strl_q", "all": "all_q", "using": "using_q", "index": "index"}
    assert all(not is_reserved(name) for name in names.values())


def test_long_keys_are_cut_to_32_characters_with_a_hash_of_the_key():
    long = "teaching.explains_the_subject_matter_clearly_and_kindly"
    other = "teaching.explains_the_subject_matter_clearly_and_slowly"
    names = variable_names([long, other])
    assert len(names[long]) == len(names[other]) == MAX_LENGTH
    assert names[long].startswith("teaching_explains_the_subje_") and names[long] != names[other]
    assert names[long] == base_name(long)  # the same name in every export of any version


def test_collisions_are_resolved_in_order_without_regard_to_case():
    names = variable_names(["a.b", "a_b", "language", "program"], taken=FIXED_COLUMNS)
    assert names["a.b"] == "a_b" and names["a_b"] != "a_b" and names["a_b"].startswith("a_b_")
    assert names["language"] != "language" and names["program"] != "program"  # the fixed columns keep theirs
    assert len({name.lower() for name in names.values()} | set(FIXED_COLUMNS)) == len(names) + len(FIXED_COLUMNS)


def test_a_hash_collision_falls_back_to_a_counter():
    hashed = "x_" + hashlib.sha1(b"x").hexdigest()[:4]
    names = variable_names(["x"], taken=["x", hashed])
    assert names["x"] == "x_2"


@settings(deadline=None)  # a timing limit would only make a slow machine fail
@given(st.lists(KEYS, min_size=1, max_size=40, unique=True))
def test_every_name_is_legal_in_spss_and_stata_and_unique(keys):
    names = variable_names(keys, taken=FIXED_COLUMNS)
    assert list(names) == keys
    for name in names.values():
        assert STATA_NAME.fullmatch(name) and is_legal(name), name
        assert len(name.encode()) <= 64 and not name.endswith(".")
    lowered = [name.lower() for name in names.values()]
    assert len(set(lowered)) == len(lowered) and not set(lowered) & set(FIXED_COLUMNS)
    assert variable_names(keys, taken=FIXED_COLUMNS) == names  # deterministic


def test_the_not_asked_code_is_outside_every_code_a_definition_may_give():
    from survey.catalog.rules import EXPORT_CODE_RANGE
    from survey.microdata.variables import NOT_ASKED_CODE

    assert not EXPORT_CODE_RANGE[0] <= NOT_ASKED_CODE <= EXPORT_CODE_RANGE[1] and not 1 <= NOT_ASKED_CODE <= 11

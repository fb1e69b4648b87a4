"""Loading a round's packed responses from the database."""
from __future__ import annotations

import numpy as np
import pandas as pd

from survey.results.loading import load_round, questionnaire_spec


def test_spec_from_version(make_version):
    spec = questionnaire_spec(make_version())
    assert spec.points == 5
    assert spec.dimension_keys == ("teach", "wellbeing", "overall")
    assert spec.overall == "overall"
    assert spec.reverse == {"teach.boring"}
    assert spec.lineage["teach.explains"] == "student/t1/teach.explains"


def test_round_trip_keeps_codes_as_given(make_version, make_school, make_round, add_response):
    school = make_school("AAA", programs=("EL", "VVS"))
    other = make_school("BBB", programs=("EL",))
    survey_round = make_round(make_version(), [school, other])
    add_response(survey_round, school, {"teach.explains": 5, "teach.boring": 1, "teach.feedback": "dk",
                                        "overall.satisfied": 4}, program="VVS", gender="male")
    add_response(survey_round, other, {"teach.boring": 2, "wellbeing.safe": 3}, program="EL")
    add_response(survey_round, school, {})

    data = load_round(survey_round, with_ids=True)
    frame = pd.concat([data.frame, data.answer_frame()], axis=1)
    assert list(frame["school"]) == ["AAA", "BBB", "AAA"]
    assert frame["program"].tolist()[:2] == ["VVS", "EL"] and pd.isna(frame["program"].iloc[2])
    assert frame["gender"].tolist()[0] == "male" and frame["gender"].isna().tolist()[1:] == [True, True]
    # reverse item stored as given (1, not flipped), don't know and no answer -> NaN
    assert frame.loc[0, "teach.boring"] == 1
    assert frame.loc[0, "teach.explains"] == 5
    assert np.isnan(frame.loc[0, "teach.feedback"])
    assert np.isnan(frame.loc[1, "teach.explains"])
    assert frame.loc[:, "overall.satisfied"].tolist()[0] == 4
    assert data.answers.shape == (3, 7) and data.answers.dtype == np.float32
    assert np.array_equal(data.answers, frame[list(data.spec.item_keys)].to_numpy(), equal_nan=True)
    assert data.raw_answers[0, 2] == 255
    assert data.breakdowns == ("program", "gender")
    assert len(data.response_ids) == 3 and str(data.submitted_on[0]) == "2026-02-01"


def test_empty_round(make_version, make_school, make_round):
    data = load_round(make_round(make_version(), [make_school()]))
    assert data.size == 0 and data.answers.shape == (0, 7)

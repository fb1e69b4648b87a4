"""Plans test fixtures: three closed rounds of one questionnaire lineage (t1, then t2 and t3 following it) at
eight schools, frozen. "teach" drives overall satisfaction, so the weak schools (LOW1, LOW2) have it in their
"Improve first" quadrant with the strong schools as benchmark partners; LOW1 improves its teaching round after
round."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from tests.results.conftest import DIMENSIONS, add_response, make_round, make_version  # noqa: F401  (fixtures)

AFTER = date(2026, 6, 1)  # the day the three rounds are frozen
ROUNDS = (("Runde 2024", date(2024, 1, 1), date(2024, 3, 1)), ("Runde 2025", date(2025, 1, 1), date(2025, 3, 1)),
          ("Runde 2026", date(2026, 1, 1), date(2026, 3, 1)))
# code -> (type, responses, mean answer on "teach" in each round)
SCHOOLS = {
    "LOW1": ("EUD", 24, (1.8, 2.9, 3.4)), "LOW2": ("hhx", 14, (2.0, 2.0, 2.1)), "MID1": ("EUD", 10, (3.0, 3.0, 3.0)),
    "MID2": ("hhx", 11, (3.2, 3.2, 3.2)), "MID3": ("stx", 10, (3.3, 3.3, 3.3)), "TOP1": ("hhx", 14, (4.6, 4.6, 4.6)),
    "TOP2": ("EUD", 12, (4.5, 4.5, 4.5)), "TOP3": ("EUD", 15, (4.4, 4.4, 4.4)),
}


@pytest.fixture
def lineage(db_session, network, make_version, make_school, make_round, add_response):
    """The schools and the three frozen rounds (oldest first) of versions t1 -> t2 -> t3, and each school's
    respondent dimension scores per round, worked out here from the answers given (every item answered: a
    dimension score is the mean of its items' (x - 1) / 4 x 100, the reverse item flipped), for the tests to
    compare the results with."""
    from survey.results.operations import freeze_due_rounds

    rng = np.random.default_rng(12)
    schools = {code: make_school(code, name=f"Skolen {code.lower()}", type=kind, programs=("EL",))
               for code, (kind, _, _) in SCHOOLS.items()}
    versions = [make_version("t1"), make_version("t2", previous="t1"), make_version("t3", previous="t2")]
    rounds, scores = [], {}
    for number, (version, (name, opens, closes)) in enumerate(zip(versions, ROUNDS)):
        survey_round = make_round(version, schools.values(), name=name, opens_on=opens, closes_on=closes)
        for code, school in schools.items():
            _, size, teach = SCHOOLS[code]
            for _ in range(size):
                t = int(np.clip(round(teach[number] + rng.normal(0, 0.7)), 1, 5))
                answers = {"teach.explains": t, "teach.boring": 6 - t, "teach.feedback": t,
                           "wellbeing.safe": int(rng.integers(2, 6)), "wellbeing.friends": int(rng.integers(2, 6)),
                           "overall.satisfied": t, "overall.recommend": int(np.clip(t + rng.integers(-1, 2), 1, 5))}
                add_response(survey_round, school, answers, program="EL", on=opens)
                points = {key: (value - 1) / 4 * 100 for key, value in answers.items()}
                points["teach.boring"] = 100 - points["teach.boring"]
                scores.setdefault((number, code), []).append({
                    dimension: float(np.mean([points[item] for item in items])) for dimension, items in DIMENSIONS.items()})
        rounds.append(survey_round)
    run = freeze_due_rounds(today=AFTER)
    assert not run.failed, run.failed
    return {"schools": schools, "rounds": rounds, "versions": versions,
            "scores": {key: pd.DataFrame(rows) for key, rows in scores.items()}}

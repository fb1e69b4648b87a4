"""A network with two comparable closed rounds, action plans set on the first, and practice cards: what the
learning view and "Learn from" read."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

import numpy as np
import pytest

from survey.network.models import Network, School
from survey.plans.models import ActionPlan, PlanFocus
from survey.practices.models import PracticeCard, PracticeTag
from tests.results.conftest import add_response, make_round, make_version  # noqa: F401  (fixtures)
from tests.results.conftest import stored_results

AFTER = date(2026, 6, 1)
# code -> (type, responses, mean answer on "teach" in the first round, in the second); overall satisfaction
# follows teach, so teach is the important dimension and the weak schools must improve it first
SCHOOLS = {
    "LOW1": ("EUD", 14, 1.6, 2.4), "LOW2": ("hhx", 12, 2.0, 2.7), "MID1": ("EUD", 10, 3.0, 3.6),
    "MID2": ("hhx", 16, 3.2, 3.2), "MID3": ("stx", 11, 3.3, 3.2), "TOP1": ("hhx", 20, 4.6, 4.6),
    "TOP2": ("EUD", 12, 4.5, 4.5), "TOP3": ("EUD", 25, 4.4, 4.3),
}
# school -> (plan status, focus dimensions) of the plans set on the first round
PLANS = {"LOW1": ("active", ["teach"]), "LOW2": ("completed", ["teach"]), "MID1": ("active", ["teach", "wellbeing"]),
         "MID2": ("draft", ["teach"]), "TOP1": ("active", ["wellbeing"])}


@dataclass
class LearningNetwork:
    network: Network
    schools: dict[str, School]
    old: object
    new: object
    cards: dict[str, PracticeCard]


def _answers(rng, teach: float) -> dict:
    t = int(np.clip(round(teach + rng.normal(0, 0.6)), 1, 5))
    return {"teach.explains": t, "teach.boring": 6 - t, "teach.feedback": t,
            "wellbeing.safe": int(rng.integers(2, 5)), "wellbeing.friends": int(rng.integers(2, 5)),
            "overall.satisfied": t, "overall.recommend": int(np.clip(t + rng.integers(-1, 2), 1, 5))}


def add_card(db_session, school, title: str, dimensions, *, status: str = "published", featured: bool = False,
             family: str = "student") -> PracticeCard:
    card = PracticeCard(network_id=school.network_id, school_id=school.id, title=title,
                        summary=f"Summary of {title}", contact_name=f"Contact {title}", contact_role="Teacher",
                        contact_email=f"{title.lower().replace(' ', '.')}@example.org", status=status,
                        featured=featured, started_on=date(2025, 4, 1),
                        published_at=datetime(2025, 5, 1, tzinfo=timezone.utc) if status == "published" else None)
    card.tags = [PracticeTag(kind="dimension", value=f"{family}/{key}") for key in dimensions]
    db_session.add(card)
    db_session.flush()
    return card


@pytest.fixture
def learning_network(db_session, network, make_school, make_version, make_round, add_response, make_network):
    rng = np.random.default_rng(12)
    schools = {code: make_school(code, name=f"Skolen {code.lower()}", type=kind, programs=("EL",))
               for code, (kind, _, _, _) in SCHOOLS.items()}
    old = make_round(make_version("t1"), schools.values(), name="Runde 2025", opens_on=date(2025, 1, 1),
                     closes_on=date(2025, 3, 1))
    new = make_round(make_version("t2", previous="t1"), schools.values(), name="Runde 2026")
    for code, school in schools.items():
        _, size, before, after = SCHOOLS[code]
        for _ in range(size):
            add_response(old, school, _answers(rng, before), program="EL", on=date(2025, 2, 1))
            add_response(new, school, _answers(rng, after), program="EL")
    for code, (status, focuses) in PLANS.items():
        plan = ActionPlan(school_id=schools[code].id, base_round_id=old.id, title=f"Plan {code}", status=status)
        plan.focuses = [PlanFocus(dimension=key, position=i) for i, key in enumerate(focuses)]
        db_session.add(plan)
    db_session.flush()
    cards = {
        "top1": add_card(db_session, schools["TOP1"], "Morning circles", ["teach"]),
        "top3": add_card(db_session, schools["TOP3"], "Peer observation", ["teach"], featured=True),
        # TOP2 is high on teach but below the round's top quartile, and no partner of the weak schools
        "top2": add_card(db_session, schools["TOP2"], "Feedback weeks", ["teach", "wellbeing"]),
        "draft": add_card(db_session, schools["TOP1"], "Secret draft", ["teach"], status="draft"),
        "weak": add_card(db_session, schools["MID2"], "Weak school idea", ["teach"]),
        "own": add_card(db_session, schools["LOW1"], "Our own idea", ["teach"]),
        "wellbeing": add_card(db_session, schools["MID3"], "Yard friends", ["wellbeing"]),
        "other_family": add_card(db_session, schools["TOP1"], "Staff room", ["teach"], family="staff"),
    }
    other = make_network("Andet netværk")
    stranger = School(network=other, code="FAR", name="Fremmed skole", type="EUD", region="Midtjylland")
    db_session.add(stranger)
    db_session.flush()
    cards["stranger"] = add_card(db_session, stranger, "Foreign idea", ["teach"])
    stored_results(new, AFTER)  # freezes both rounds
    return LearningNetwork(network, schools, old, new, cards)

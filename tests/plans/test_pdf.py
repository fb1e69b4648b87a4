"""The school's PDF of the later round prints "what we set out to do, what changed" in the school's report only,
in its language; the admins' copy leaves it out unless the network lets admins read plans."""
from __future__ import annotations

import pytest

from survey.plans import operations
from survey.reporting.build import build_reports
from survey.reporting.loader import load_round_inputs
from survey.reporting.storage import ADMIN_COPY_SUFFIX, ReportStore
from tests.plans.test_review import expected
from tests.reports.conftest import pdf_text

HEADINGS = {"da": "Det satte vi os for, det ændrede sig", "en": "What we set out to do, what changed",
            "sv": "Det vi föresatte oss, det som förändrades"}
MEASURED = {"da": "Den målte ændring", "en": "The measured change", "sv": "Den uppmätta förändringen"}
CAUSED = {"da": "ikke et bevis for, at planen forårsagede den", "en": "not proof that the plan caused it",
          "sv": "inte ett bevis för att planen orsakade den"}


@pytest.fixture
def planned(db_session, lineage, make_user):
    school = lineage["schools"]["LOW1"]
    user = make_user("low1@example.org", school=school)
    plan = operations.create_plan(school, lineage["rounds"][0], user, title="Bedre undervisning",
                                  dimensions=["teach"])
    operations.set_focuses(plan, user, ["teach"], {"teach": 40.0})
    operations.add_action(plan, user, description="Ugentlige feedbacksamtaler", dimension="teach", status="done")
    return plan


@pytest.mark.parametrize("language", ["da", "en", "sv"])
def test_the_pdf_prints_the_review_for_the_planning_school_only(db_session, lineage, planned, tmp_path, language):
    later = lineage["rounds"][1]
    reports, _network = load_round_inputs(later, school_codes={"LOW1", "LOW2"}, language_of=lambda school: language)
    by_code = {inputs.school_code: inputs for inputs in reports}
    store = ReportStore(tmp_path / "reports")
    result = build_reports(list(by_code.values()), store, workers=1)
    assert not result.failed, result.failed
    own = pdf_text(store.path(later.id, "LOW1").read_bytes(), tmp_path)
    other = pdf_text(store.path(later.id, "LOW2").read_bytes(), tmp_path)
    flat = " ".join(own.split())
    assert HEADINGS[language] in flat and MEASURED[language] in flat and CAUSED[language] in flat
    assert "Bedre undervisning" in flat
    assert "Ugentlige feedbacksamtaler" in flat
    truth = expected(lineage, 0, 1, "LOW1")["teach"]
    decimal = "," if language in ("da", "sv") else "."
    change = f"+{truth['change']:.1f}".replace(".", decimal)
    interval = f"[+{truth['low']:.1f}; +{truth['high']:.1f}]".replace(".", decimal)
    assert change in flat and interval.replace(" ", "") in flat.replace(" ", "")  # the interval may wrap
    assert HEADINGS[language] not in " ".join(other.split()) and "Bedre undervisning" not in other


def test_the_admins_copy_leaves_the_plan_out_unless_admins_read_plans(db_session, lineage, planned, tmp_path):
    later = lineage["rounds"][1]
    network = lineage["schools"]["LOW1"].network
    reports, _network = load_round_inputs(later, school_codes={"LOW1", "LOW2"}, admin_copies=True)
    keys = sorted(inputs.store_key for inputs in reports)
    assert keys == ["LOW1", "LOW1" + ADMIN_COPY_SUFFIX, "LOW2"]  # no comments in this round: the plan makes the copy
    store = ReportStore(tmp_path / "reports")
    assert not build_reports(reports, store, workers=1).failed
    served = store.admin_path(later.id, "LOW1", network.admins_read_comments, network.admins_read_plans)
    assert served.name.startswith("LOW1" + ADMIN_COPY_SUFFIX)
    assert "Bedre undervisning" not in pdf_text(served.read_bytes(), tmp_path)
    assert store.admin_path(later.id, "LOW2", False, False) == store.path(later.id, "LOW2")

    network.admins_read_plans = True
    db_session.flush()
    reports, _network = load_round_inputs(later, school_codes={"LOW1"}, admin_copies=True)
    assert [inputs.store_key for inputs in reports] == ["LOW1"]
    assert store.admin_path(later.id, "LOW1", False, True) == store.path(later.id, "LOW1")

""""What we set out to do, what changed": the review's numbers against an independent computation from the
respondents' scores (statsmodels' Welch interval, scipy's Welch test, statsmodels' Benjamini-Hochberg), on the
next comparable round (whose own trend columns compare with the plan's round) and on the one after (computed
against the plan's round the same way); shown on the later round's dashboard of that school only."""
from __future__ import annotations

import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from survey.plans import operations
from survey.plans.review import review_of_plan, review_on_round
from tests.plans.conftest import SCHOOLS
from tests.plans.test_pages import EN, log_in

DIMENSION_KEYS = ("teach", "wellbeing", "overall")


def expected(lineage, base: int, later: int, code: str, minimal: float = 3.0) -> dict[str, dict]:
    """Per dimension: change, its 95% Welch interval and the trend flag, from the respondents' scores."""
    before, after = lineage["scores"][(base, code)], lineage["scores"][(later, code)]
    found = {}
    for key in DIMENSION_KEYS:
        low, high = CompareMeans(DescrStatsW(after[key]), DescrStatsW(before[key])).tconfint_diff(
            alpha=0.05, usevar="unequal")
        found[key] = {"change": after[key].mean() - before[key].mean(), "low": low, "high": high,
                      "p": stats.ttest_ind(after[key], before[key], equal_var=False).pvalue,
                      "index": after[key].mean()}
    q = multipletests([found[key]["p"] for key in DIMENSION_KEYS], method="fdr_bh")[1]
    for key, q_value in zip(DIMENSION_KEYS, q):
        change = found[key]["change"]
        found[key]["flag"] = ("up" if change > 0 else "down") if q_value < 0.05 and abs(change) >= minimal else ""
    return found


@pytest.fixture
def plan(db_session, lineage, make_user):
    school = lineage["schools"]["LOW1"]
    user = make_user("low1@example.org", school=school)
    plan = operations.create_plan(school, lineage["rounds"][0], user, title="Bedre undervisning",
                                  dimensions=["teach", "wellbeing"])
    operations.set_focuses(plan, user, ["teach", "wellbeing"], {"teach": 40.0, "wellbeing": 75.0})
    operations.add_action(plan, user, description="Ugentlige feedbacksamtaler", owner="Team EL", dimension="teach",
                          status="done")
    operations.add_action(plan, user, description="Fælles morgenmad", status="in_progress")
    operations.update_plan(plan, user, title=plan.title, status="active")
    return plan


@pytest.mark.parametrize(("later", "from_round_trend"), [(1, True), (2, False)])
def test_the_review_numbers_are_the_welch_change_of_the_respondents_scores(db_session, lineage, plan, later,
                                                                          from_round_trend):
    survey_round = lineage["rounds"][later]
    review = review_on_round(survey_round, lineage["schools"]["LOW1"], "da")
    assert review is not None and review.from_round_trend is from_round_trend
    assert (review.title, review.status, review.base_round, review.round) == \
        ("Bedre undervisning", "active", "Runde 2024", survey_round.name)
    truth = expected(lineage, 0, later, "LOW1")
    assert [focus.dimension for focus in review.focuses] == ["teach", "wellbeing"]
    for focus in review.focuses:
        want = truth[focus.dimension]
        assert focus.baseline == pytest.approx(lineage["scores"][(0, "LOW1")][focus.dimension].mean(), rel=1e-9)
        assert focus.index == pytest.approx(want["index"], rel=1e-9)
        assert focus.change == pytest.approx(want["change"], rel=1e-8)
        assert (focus.change_low, focus.change_high) == (pytest.approx(want["low"], rel=1e-7),
                                                         pytest.approx(want["high"], rel=1e-7))
        assert focus.flag == want["flag"]
        assert focus.reached == (want["index"] >= focus.goal)
        assert (focus.n, focus.previous_n) == (str(SCHOOLS["LOW1"][1]),) * 2
    teach, wellbeing = review.focuses
    assert teach.flag == "up" and teach.reached  # LOW1 taught better: 1.8 -> 2.9 -> 3.4 on a 5-point scale
    assert [(a.description, a.status) for a in teach.actions] == [("Ugentlige feedbacksamtaler", "done")]
    assert wellbeing.actions == () and [(a.description, a.status) for a in review.other_actions] == \
        [("Fælles morgenmad", "in_progress")]


def test_the_plan_page_reviews_the_next_comparable_round_and_a_later_plan_takes_over(db_session, lineage, plan,
                                                                                    make_user):
    assert review_of_plan(plan, "en").round == "Runde 2025"
    colleague = make_user("colleague@example.org", school=lineage["schools"]["LOW1"])
    second = operations.create_plan(lineage["schools"]["LOW1"], lineage["rounds"][1], colleague,
                                    title="Næste plan", dimensions=["teach"])
    # the 2026 round reviews the latest plan before it; the 2024 plan keeps its review on 2025
    assert review_on_round(lineage["rounds"][2], lineage["schools"]["LOW1"], "da").plan_id == second.id
    assert review_on_round(lineage["rounds"][1], lineage["schools"]["LOW1"], "da").plan_id == plan.id
    assert review_on_round(lineage["rounds"][0], lineage["schools"]["LOW1"], "da") is None
    assert review_on_round(lineage["rounds"][1], lineage["schools"]["LOW2"], "da") is None


def test_the_later_rounds_dashboard_shows_the_review_to_the_schools_staff_only(app, db_session, lineage, plan,
                                                                              make_user):
    later = lineage["rounds"][1]
    low1 = make_user("low1.staff@example.org", school=lineage["schools"]["LOW1"])
    low2 = make_user("low2@example.org", school=lineage["schools"]["LOW2"])
    admin = make_user("admin@example.org", role="network_admin")
    db_session.commit()
    truth = expected(lineage, 0, 1, "LOW1")["teach"]
    staff = log_in(app, low1)
    page = staff.get(f"/school/reports/{later.id}/LOW1/", headers=EN)
    assert page.status_code == 200
    assert "What we set out to do, what changed" in page.text and "Bedre undervisning" in page.text
    assert f"+{truth['change']:.1f}" in page.text and f"[+{truth['low']:.1f}; +{truth['high']:.1f}]" in page.text
    assert "Measured change" in page.text and "caused" in page.text  # "not proof that the plan caused it"
    earlier = staff.get(f"/school/reports/{lineage['rounds'][0].id}/LOW1/", headers=EN)
    assert earlier.status_code == 200 and "What we set out to do" not in earlier.text

    other = log_in(app, low2).get(f"/school/reports/{later.id}/LOW2/", headers=EN)
    assert other.status_code == 200 and "What we set out to do" not in other.text and "Bedre undervisning" not in other.text

    admin_browser = log_in(app, admin)
    assert "Bedre undervisning" not in admin_browser.get(f"/admin/results/{later.id}/LOW1/", headers=EN).text
    admin.network.admins_read_plans = True
    db_session.commit()
    assert "Bedre undervisning" in admin_browser.get(f"/admin/results/{later.id}/LOW1/", headers=EN).text

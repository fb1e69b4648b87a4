"""`demo seed` adds rounds: open ones with links, two closed ones per family with synthetic responses worth
analysing, and between a family's two rounds some schools really change while most stay where they were."""
from __future__ import annotations

import numpy as np
from sqlalchemy import func, select

from scipy import stats

from survey.extensions import db
from survey.responses.models import DONT_KNOW, NOT_ANSWERED, NOT_ASKED, FreeTextAnswer, Response
from survey.rounds.models import Population, RoundState, SurveyLink, SurveyRound

from .conftest import TODAY


def per_school_counts(round_id):
    return dict(
        db.session.execute(
            select(Response.school_id, func.count()).where(Response.round_id == round_id).group_by(Response.school_id)
        ).all()
    )


def dimension_scores(survey_round, rows, key):
    """Respondent dimension scores 0-100 by the method: flip reverse items, at least half answered."""
    version = survey_round.version
    items = version.items
    positions = [i for i, item in enumerate(items) if item.dimension.key == key]
    k = version.scale_points
    codes = np.array([[row.answers[i] for i in positions] for row in rows], dtype=float)
    codes[(codes == NOT_ANSWERED) | (codes == DONT_KNOW)] = np.nan
    reverse = np.array([items[i].reverse for i in positions])
    codes[:, reverse] = k + 1 - codes[:, reverse]
    scores = (codes - 1) / (k - 1) * 100
    answered = np.sum(~np.isnan(scores), axis=1)
    mean = np.nansum(scores, axis=1) / np.maximum(answered, 1)
    mean[answered < -(-len(positions) // 2)] = np.nan
    return mean


def test_demo_seed_adds_rounds_and_realistic_responses_once(cli):
    first = cli("demo", "seed")
    assert first.exit_code == 0, first.stderr
    assert first.stdout.count("http://benchlearn.test/s/") == 3
    rounds = {r.name: r for r in db.session.scalars(select(SurveyRound))}
    closed = rounds["Elevtrivsel 2026"]
    assert closed.state_on(TODAY) is RoundState.CLOSED and closed.version.label == "student 2026"
    assert rounds["Elevtrivsel 2027"].version.label == "student 2027"
    for name in ("Elevtrivsel 2027", "Medarbejdertrivsel 2026", "Virksomhedstilfredshed 2026"):
        assert rounds[name].state_on(TODAY) is RoundState.OPEN
        assert db.session.scalar(select(func.count(SurveyLink.id)).where(SurveyLink.round_id == rounds[name].id)) >= 20

    counts = per_school_counts(closed.id)
    assert len(counts) == len(closed.schools) >= 18
    assert all(80 <= n <= 500 for n in counts.values())
    assert 4000 <= sum(counts.values()) <= 8000

    comments = db.session.scalars(
        select(FreeTextAnswer.question_key).join(Response).where(Response.round_id == closed.id)
    ).all()
    assert {"best", "improve"} <= set(comments) and 0.05 < len(comments) / sum(counts.values()) < 0.5

    again = cli("demo", "seed")
    assert again.exit_code == 0
    assert per_school_counts(closed.id) == counts
    assert db.session.scalar(select(func.count(SurveyRound.id))) == 11  # 3 open, 2 closed of each of 4 families

    rows = db.session.scalars(select(Response).where(Response.round_id == closed.id)).all()
    assert all(closed.opens_on <= r.submitted_on <= closed.closes_on for r in rows)
    assert {len(r.answers) for r in rows} == {len(closed.version.items)}
    codes = np.frombuffer(b"".join(r.answers for r in rows), dtype=np.uint8)
    assert set(np.unique(codes)) <= {0, 1, 2, 3, 4, 5, 255}
    assert 0.005 < np.mean(codes == NOT_ANSWERED) < 0.05 and np.mean(codes == DONT_KNOW) > 0.01

    # Response rates of 60-85 % (allowing for rounding of small programs).
    populations = dict(db.session.execute(select(Population.program_id, Population.size).where(Population.round_id == closed.id)).all())
    by_program = dict(
        db.session.execute(
            select(Response.program_id, func.count()).where(Response.round_id == closed.id).group_by(Response.program_id)
        ).all()
    )
    rates = [by_program[p] / size for p, size in populations.items() if by_program.get(p, 0) >= 20]
    assert rates and all(0.55 <= rate <= 0.9 for rate in rates)

    # Schools really differ: some pair of school means is further apart than their standard errors allow.
    school_of = np.array([r.school_id for r in rows])
    teaching = dimension_scores(closed, rows, "teaching")
    means, errors = [], []
    for school_id in counts:
        values = teaching[(school_of == school_id) & ~np.isnan(teaching)]
        means.append(values.mean())
        errors.append(values.std(ddof=1) / np.sqrt(len(values)))
    low, high = int(np.argmin(means)), int(np.argmax(means))
    assert means[high] - means[low] > 3 * (errors[high] + errors[low])

    # Overall satisfaction depends on the dimensions.
    overall = dimension_scores(closed, rows, "overall")
    complete = ~np.isnan(overall) & ~np.isnan(teaching)
    assert np.corrcoef(overall[complete], teaching[complete])[0, 1] > 0.3

    # Background groups differ too: the breakdowns have something to show.
    age = [i for i, q in enumerate(closed.version.background_questions) if q.key == "age_band"][0]
    age_of = np.array([r.background[age] for r in rows])
    group_means = [overall[(age_of == code) & ~np.isnan(overall)] for code in np.unique(age_of) if code]
    spread = max(g.mean() for g in group_means) - min(g.mean() for g in group_means)
    assert spread > 3 * max(g.std(ddof=1) / np.sqrt(len(g)) for g in group_means)


def test_demo_seed_adds_a_closed_well_being_round_whose_follow_ups_are_not_asked_without_bullying(cli):
    assert cli("demo", "seed").exit_code == 0
    wellbeing = db.session.scalar(select(SurveyRound).where(SurveyRound.name == "Trivselsmåling 2026/27"))
    assert wellbeing.state_on(TODAY) is RoundState.CLOSED and wellbeing.version.label == "wellbeing 2027"
    rows = db.session.scalars(select(Response).where(Response.round_id == wellbeing.id)).all()
    assert len(per_school_counts(wellbeing.id)) == len(wellbeing.schools) and len(rows) >= 18 * 40
    assert {"da", "en", "ar"} == {r.language for r in rows}
    questions = [q.key for q in wellbeing.version.background_questions]
    widths = {"single": 1, "numeric": 9}
    offset, at = {}, 0
    for question in wellbeing.version.background_questions:
        offset[question.key] = at
        at += widths.get(question.type) or 1 + -(-len(question.options) // 8)
    assert {len(r.background) for r in rows} == {at} and "bullied_where" in questions
    gate = [r.background[offset["bullied"]] for r in rows]  # 1 = never, 2..4 = bullied, 0 = no answer
    where = [r.background[offset["bullied_where"]] for r in rows]
    assert all((w == NOT_ASKED) == (g not in (2, 3, 4)) for g, w in zip(gate, where))
    assert 0.05 < sum(g in (2, 3, 4) for g in gate) / len(rows) < 0.3


CLOSED_PAIRS = {"student": ("Elevtrivsel 2025", "Elevtrivsel 2026"),
                "staff": ("Medarbejdertrivsel 2024", "Medarbejdertrivsel 2025"),
                "company": ("Virksomhedstilfredshed 2024", "Virksomhedstilfredshed 2025"),
                "wellbeing": ("Trivselsmåling 2025/26", "Trivselsmåling 2026/27")}


def test_every_family_has_two_comparable_closed_rounds_where_a_few_schools_change(cli):
    assert cli("demo", "seed").exit_code == 0
    rounds = {r.name: r for r in db.session.scalars(select(SurveyRound))}
    for family, (earlier, later) in CLOSED_PAIRS.items():
        first, second = rounds[earlier], rounds[later]
        assert first.version.family.key == family and first.version_id == second.version_id  # comparable
        assert first.closes_on < second.opens_on and second.state_on(TODAY) is RoundState.CLOSED
        for survey_round in (first, second):  # every school answered and gave its populations
            assert len(per_school_counts(survey_round.id)) == len(survey_round.schools) >= 18
            given = db.session.scalar(select(func.sum(Population.size)).where(Population.round_id == survey_round.id))
            assert given > sum(per_school_counts(survey_round.id).values())

    # The student family by the method's own scores, per school and dimension, compared by Welch's test.
    first, second = rounds["Elevtrivsel 2025"], rounds["Elevtrivsel 2026"]
    rows = {r.id: db.session.scalars(select(Response).where(Response.round_id == r.id)).all() for r in (first, second)}
    keys = [d.key for d in first.version.dimensions if not d.is_overall]
    moved, tested = [], 0
    for key in keys:
        scores = {r.id: dimension_scores(r, rows[r.id], key) for r in (first, second)}
        schools = {r.id: np.array([row.school_id for row in rows[r.id]]) for r in (first, second)}
        for school_id in per_school_counts(first.id):
            before, after = ([s for s in scores[r.id][schools[r.id] == school_id] if not np.isnan(s)]
                             for r in (first, second))
            tested += 1
            if stats.ttest_ind(after, before, equal_var=False).pvalue < 0.001:
                moved.append((school_id, key, np.mean(after) - np.mean(before)))
    changes = [change for _, _, change in moved]
    assert 5 <= len(moved) <= tested // 4, moved  # some pairs changed, most did not
    assert min(changes) < -3 and max(changes) > 3  # up at some schools, down at others
    assert 3 <= len({school for school, _, _ in moved}) < len(per_school_counts(first.id))  # a few, not all

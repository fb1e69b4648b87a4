"""The exact disclosure audit on the demo's closed round: every table it publishes, read by a reader of every
school's results and by each school's staff (METHOD.md v2, Anonymity: "Audit")."""
from __future__ import annotations

from datetime import timedelta

import pandas as pd
from sqlalchemy import select

from survey.demo.rounds import CLOSED_ROUND
from survey.extensions import db
from survey.network.models import Program, School
from survey.results.loading import load_round
from survey.results.operations import freeze_round_results
from survey.results.service import round_results
from survey.rounds.models import Population, SurveyRound
from tests.analysis.disclosure import audit_round, small_and_all, true_counts


def test_nothing_the_demo_round_publishes_can_be_pinned_down(cli):
    """Every respondent of the demo came through a program's link, and a reader may know it: no one is in no
    program. First what could expose a group of fewer than k_min, then METHOD's rule for every hidden cell."""
    assert cli("demo", "seed").exit_code == 0
    closed = db.session.scalar(select(SurveyRound).where(SurveyRound.name == CLOSED_ROUND.name))
    after = closed.closes_on + timedelta(days=1)
    freeze_round_results(closed, today=after)
    results = round_results(closed, today=after)
    data = load_round(closed)
    truth, truth_items = true_counts(data.frame, data.raw_answers, data.spec, data.breakdowns)
    populations = pd.DataFrame(db.session.execute(
        select(School.code, Program.code, Population.size).join(Program, Population.program_id == Program.id)
        .join(School, Program.school_id == School.id).where(Population.round_id == closed.id)).all(),
        columns=["school", "program", "size"])
    small, everything = small_and_all(audit_round(results, truth, truth_items, populations, closed.network.k_min,
                                                  every_respondent_in={"program"}, view_of=results.for_school))
    assert small == []
    assert everything == []

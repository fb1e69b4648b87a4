"""The page a reader gets for a round whose results are not stored yet (`ResultsNotReady`): they are being
prepared. Readers never compute or store results; the periodic job and "Close now" do
(`survey.results.operations`). Staff and admins alike see it, for dashboards and downloads."""
from __future__ import annotations

from flask import render_template

from survey.results.service import ResultsNotReady
from survey.rounds.models import RoundState


def preparing_page(not_ready: ResultsNotReady) -> str:
    return render_template("results/preparing.html", round=not_ready.round, state=not_ready.state,
                           states=RoundState)

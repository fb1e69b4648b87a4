"""Report builds as a background job (`report.build`): what the admin's "Build reports" button queues.

The job loads the round's report inputs from the database and hands them to
`survey.reporting.build.build_reports`, exactly as `benchlearn report build` does; progress is one step per
report. Where it runs (Celery or the web process) is the job runner's business (`survey.jobs`).
"""
from __future__ import annotations

from survey.extensions import db
from survey.jobs import job
from survey.jobs.registry import Progress

BUILD = "report.build"


@job(BUILD)
def build_round_reports(progress: Progress, *, round_id: int, network_id: int,
                        school_codes: list[str] | None = None, workers: int | None = None) -> dict:
    """Build the round's school reports (with admins' copies) and, for a whole round, the network report;
    returns {built, skipped, failed, seconds}."""
    from survey.reporting.build import build_reports
    from survey.reporting.loader import load_round_inputs
    from survey.reporting.storage import default_store
    from survey.rounds.models import SurveyRound

    survey_round = db.session.get(SurveyRound, round_id)
    if survey_round is None or survey_round.network_id != network_id:
        raise LookupError(f"the network has no round {round_id}")
    reports, network = load_round_inputs(survey_round, school_codes=set(school_codes) if school_codes else None,
                                         admin_copies=True)
    # Read-only from here: end the read transaction before minutes of rendering, so that no snapshot is held
    # open on PostgreSQL and SQLite lets the progress connection write.
    db.session.rollback()
    result = build_reports(reports if school_codes else [*reports, network], default_store(), progress=progress,
                           workers=workers)
    return result.as_dict()

"""Admin pages of the outcomes: upload a CSV (every problem listed by row, nothing saved unless the whole file
is right), the network's indicators with their values per year, and deleting an indicator (audit-recorded).
The loader resolves an indicator key of the URL within the admin's own network (404 otherwise)."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from survey.audit import record
from survey.extensions import db
from survey.outcomes.forms import DeleteIndicatorForm, OutcomeUploadForm
from survey.outcomes.importer import OutcomeImportError, import_outcomes, parse_outcome_csv
from survey.outcomes.models import OutcomeIndicator
from survey.outcomes.operations import delete_indicator, indicators_of, label_of, values_per_year
from survey.outcomes.school_view import direction_words
from survey.portal import admin_blueprint
from survey.results.dashboard.page import page_language

bp = admin_blueprint("outcomes_admin", __name__)


@bp.url_value_preprocessor
def _load(_endpoint, values) -> None:
    if values and "indicator_key" in values:
        g.indicator = db.session.scalar(select(OutcomeIndicator).where(
            OutcomeIndicator.network_id == current_user.network_id,
            OutcomeIndicator.key == values.pop("indicator_key"))) or abort(404)


@bp.route("/outcomes", methods=["GET", "POST"])
def index():
    network = current_user.network
    form, problems = OutcomeUploadForm(), []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            parsed = parse_outcome_csv(upload.read(), network)
        except OutcomeImportError as error:
            problems = [str(problem) for problem in error.problems]
        else:
            summary = import_outcomes(network, parsed)
            record(current_user, "outcomes.change", "outcome indicators",
                   {"change": "import", "file": (upload.filename or "")[:100], "added": summary.added,
                    "replaced": summary.replaced, "indicators": sorted(parsed.indicators)})
            flash(_("Imported %(rows)d values of %(indicators)d indicators: %(added)d added, %(replaced)d replaced.",
                    rows=len(parsed.values), indicators=len(parsed.indicators), added=summary.added,
                    replaced=summary.replaced), "success")
            return redirect(url_for(".index"))
    language = page_language()
    indicators = indicators_of(network)
    counts = values_per_year(network)
    rows = [{"indicator": indicator, "label": label_of(indicator, language),
             "direction": direction_words(indicator.direction), "years": counts.get(indicator.id, {})}
            for indicator in indicators]
    status = 422 if problems or form.errors else 200
    return render_template("outcomes/admin.html", form=form, problems=problems, rows=rows,
                           delete_form=DeleteIndicatorForm(formdata=None)), status


@bp.post("/outcomes/<indicator_key>/delete")
def delete():
    form = DeleteIndicatorForm()
    if not form.validate_on_submit():
        abort(400)
    indicator = g.indicator
    key = indicator.key
    removed = delete_indicator(indicator)
    record(current_user, "outcomes.change", f"outcome indicator {key}", {"change": "delete", "values": removed})
    flash(_("Indicator %(key)s deleted with its %(values)d values.", key=key, values=removed), "success")
    return redirect(url_for(".index"))

"""An admin builds a round's reports from the report page: the build is a `report.build` job of the in-process
runner, the page follows its progress from the Job row, and the stored reports are listed when it is done."""
from __future__ import annotations

import re
import time

from survey.extensions import db
from survey.jobs import JobState
from survey.jobs.models import jobs_of_network
from survey.reporting.storage import default_store
from survey.results.operations import freeze_due_rounds
from tests.conftest import csrf_token_from
from tests.jobs.conftest import closed_round, log_in, wait_until_finished


def test_the_admin_builds_reports_and_follows_the_job_on_the_page(committed_app, tenant):
    network_id, email = tenant
    round_id = closed_round(network_id)
    freeze_due_rounds()
    db.session.commit()
    client = committed_app.test_client()
    log_in(client, email)
    page = client.get(f"/admin/reports/{round_id}")
    assert "No reports have been built for this round." in page.text and "Latest build" not in page.text
    started = client.post(f"/admin/reports/{round_id}/build", data={"csrf_token": csrf_token_from(page.text)},
                          follow_redirects=True)
    assert "The build has started." in started.text and 'role="status"' in started.text
    seen = [re.search(r'<p role="status" id="job-status">(.*?)</p>', started.text, re.S).group(1).strip()]
    again = client.post(f"/admin/reports/{round_id}/build", data={"csrf_token": csrf_token_from(page.text)},
                        follow_redirects=True)
    if "Done" not in again.text:  # a second click while it runs queues nothing
        assert "A build of this round is already under way." in again.text
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        text = client.get(f"/admin/reports/{round_id}").text
        seen.append(re.search(r'<p role="status" id="job-status">(.*?)</p>', text, re.S).group(1).strip())
        if seen[-1] in ("Done", "Failed"):
            break
        time.sleep(0.2)
    assert seen[-1] == "Done", seen
    assert "3 built, 0 up to date, 0 failed." in text
    for key in ("ONE", "TWO", "_network"):
        assert f'href="/admin/reports/{round_id}/{key}.pdf"' in text
    with client.get(f"/admin/reports/{round_id}/TWO.pdf") as download:
        assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert default_store().path(round_id, "ONE") is not None


def test_reports_that_cannot_be_stored_show_their_errors_on_the_page(committed_app, tenant, tmp_path):
    network_id, email = tenant
    round_id = closed_round(network_id)
    freeze_due_rounds()
    db.session.commit()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the report store should be")
    committed_app.config["REPORTS_DIR"], kept = str(blocker), committed_app.config["REPORTS_DIR"]
    try:
        client = committed_app.test_client()
        log_in(client, email)
        page = client.get(f"/admin/reports/{round_id}")
        client.post(f"/admin/reports/{round_id}/build", data={"csrf_token": csrf_token_from(page.text)})
        db.session.rollback()
        job_id = db.session.scalar(jobs_of_network(network_id, "report.build").limit(1)).id
        db.session.rollback()
        status = wait_until_finished(job_id, seconds=180)
        text = client.get(f"/admin/reports/{round_id}").text
    finally:
        committed_app.config["REPORTS_DIR"] = kept
    assert status.state == JobState.DONE and status.result["built"] == []
    assert "0 built, 0 up to date, 3 failed." in text
    for key in ("ONE", "TWO", "_network"):  # each report's own error, escaped
        assert f"{key}: NotADirectoryError: [Errno 20] Not a directory: &#39;{blocker}/{round_id}&#39;" in text

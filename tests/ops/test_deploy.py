"""deploy/: smoke.sh brings up nginx, gunicorn, the Celery worker and beat as the units start them, has the worker
run a job, and passes a respondent and a staff login through the proxy; the environment template and nginx agree with the app's settings."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from survey.config import PROJECT_ROOT, Config
from tests.conftest import IN_CI

DEPLOY = PROJECT_ROOT / "deploy"
NGINX = Path("/usr/sbin/nginx")  # Debian's, as smoke.sh runs it


def test_smoke_script_passes_through_the_proxy():
    if not NGINX.exists():
        message = "nginx is not installed (bash scripts/system-packages test installs it)"
        if IN_CI:
            pytest.fail(f"{message}; CI must run deploy/smoke.sh")
        pytest.skip(message)
    smoke = subprocess.Popen(["bash", str(DEPLOY / "smoke.sh")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    try:
        out, err = smoke.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        smoke.terminate()  # its trap stops what it started and drops its database
        out, err = smoke.communicate(timeout=120)
        pytest.fail(f"deploy/smoke.sh took over 300 s:\n{out}{err}")
    assert smoke.returncode == 0, out + err
    for step in ("to the Celery worker: 1 results.freeze_due: done", "/healthz through the proxy: 200",
                 "plain HTTP redirects: 301", "HSTS once",
                 "respondent sent the survey: 200", "logged in: 200 /school/", "all passed", "cleaned up"):
        assert step in out, out


def settings_read_by_config() -> set[str]:
    source = (PROJECT_ROOT / "survey" / "config.py").read_text(encoding="utf-8")
    return set(re.findall(r"""env(?:iron)?(?:\.get)?[\(\[]\s*["']([A-Z][A-Z0-9_]+)["']""", source))


def test_the_environment_template_lists_every_setting_and_no_secret():
    template = (DEPLOY / "benchlearn.env.example").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^#?([A-Z][A-Z0-9_]+)=(.*)$", template, re.MULTILINE))
    read = settings_read_by_config()
    assert {"SECRET_KEY", "DATABASE_URL", "TRUSTED_PROXIES"} <= read
    assert read - listed.keys() == set()
    for secret in ("SECRET_KEY", "MAIL_PASSWORD"):
        assert listed[secret] == "", f"{secret} must be left empty in the template"
    assert listed["TRUSTED_PROXIES"] == "1" and listed["BENCHLEARN_ENV"] == "production"


def test_nginx_takes_the_uploads_the_app_takes():
    site = (DEPLOY / "nginx" / "benchlearn.conf").read_text(encoding="utf-8")
    size = re.search(r"client_max_body_size (\d+)([km]?);", site)
    limit = int(size.group(1)) * {"": 1, "k": 1024, "m": 1024 * 1024}[size.group(2)]
    assert limit == Config().MAX_CONTENT_LENGTH

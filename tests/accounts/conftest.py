"""Fixtures for accounts: an English-speaking client, the mail outbox, links read out of e-mails."""
from __future__ import annotations

import email
import re
import time
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest

LINK = re.compile(r"https?://\S+")


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Debian's chromium through Playwright against a live server")


@pytest.fixture
def client(app, db_session):
    """The test client, asking for English pages (the portal's default language is Danish)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def outbox(app, tmp_path, monkeypatch) -> Path:
    """The `file` mail backend writes every message sent during the test here."""
    folder = tmp_path / "outbox"
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(folder))
    return folder


def messages_in(folder: Path, count: int | None = None, timeout: float = 10.0) -> list[EmailMessage]:
    """The messages in the outbox, oldest first; with `count`, wait until that many arrived (reset e-mails
    leave in a background thread)."""
    deadline = time.monotonic() + timeout
    while True:
        files = sorted(folder.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns) if folder.exists() else []
        if count is None or len(files) >= count or time.monotonic() > deadline:
            return [email.message_from_bytes(path.read_bytes(), policy=default_policy) for path in files]
        time.sleep(0.05)


def link_in(message: EmailMessage) -> str:
    """The path of the one link in a message (the site's address comes from PUBLIC_URL)."""
    links = LINK.findall(message.get_content())
    assert len(links) == 1, links
    assert links[0].startswith("http://benchlearn.test/"), links[0]
    return links[0].removeprefix("http://benchlearn.test")

"""`benchlearn backup create` and `restore` on both databases: the demo network with frozen results and built
reports, backed up and restored onto an empty database and report store, reads back the same; a damaged or
foreign archive, or a target that is not empty, is refused with nothing touched."""
from __future__ import annotations

import hashlib
import io
import json
import re
import sqlite3
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import func, select

from survey.extensions import db
from survey.network.models import School
from survey.responses.models import Response
from survey.results.models import ResultSnapshot, RoundResult
from survey.results.service import verify
from survey.rounds.models import SurveyRound
from tests.conftest import fresh_database_url, make_app

REPORTED_SCHOOLS = ("AAE", "AMO")
CLOSED_ROUND = "Elevtrivsel 2026"


def invoke(app, *args: str):
    """The `benchlearn` command as a shell runs it: a context of its own, whose session ends with it."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)


class Site:
    """An app on a database of its own and a report store of its own, and a way to drop both."""

    def __init__(self, kind: str, tmp_path_factory):
        self.kind = kind
        self.url, self._drop = fresh_database_url(kind, tmp_path_factory)
        self.reports = tmp_path_factory.mktemp("reports")
        self.app = make_app(self.url, REPORTS_DIR=str(self.reports))

    def state(self) -> dict:
        """What a user sees of the site: rounds, response counts per round and school, the frozen results' and
        snapshots' content hashes (checked against the stored tables), and the report files."""
        with self.app.app_context():
            rounds = db.session.execute(select(SurveyRound.id, SurveyRound.name, SurveyRound.opens_on,
                                               SurveyRound.closes_on).order_by(SurveyRound.id)).all()
            counts = db.session.execute(
                select(Response.round_id, School.code, func.count()).join(School, Response.school_id == School.id)
                .group_by(Response.round_id, School.code).order_by(Response.round_id, School.code)).all()
            frozen = db.session.scalars(select(RoundResult).order_by(RoundResult.round_id)).all()
            assert all(verify(result) for result in frozen), "a stored result does not match its content hash"
            results = [(r.round_id, r.content_hash, r.responses) for r in frozen]
            snapshots = db.session.execute(select(ResultSnapshot.round_id, ResultSnapshot.as_of,
                                                  ResultSnapshot.content_hash)).all()
            db.session.remove()
        files = {path.relative_to(self.reports).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
                 for path in sorted(self.reports.rglob("*")) if path.is_file()}
        return {"rounds": rounds, "counts": counts, "results": results, "snapshots": sorted(snapshots),
                "reports": files}

    def tables(self) -> list[str]:
        with self.app.app_context():
            names = sa.inspect(db.engine).get_table_names()
            db.engine.dispose()
            return names

    def drop(self) -> None:
        with self.app.app_context():
            db.engine.dispose()
        self._drop()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def source(request, tmp_path_factory):
    """The demo network (closed rounds frozen, open rounds' snapshots), two schools' PDF reports built."""
    site = Site(request.param, tmp_path_factory)
    with site.app.app_context():
        upgrade()
    seeded = invoke(site.app, "demo", "seed")
    assert seeded.exit_code == 0, seeded.output
    built = invoke(site.app, "report", "build", CLOSED_ROUND, "--workers", "1",
                   *[arg for code in REPORTED_SCHOOLS for arg in ("--school", code)])
    assert built.exit_code == 0, built.output
    yield site
    site.drop()


@pytest.fixture(scope="module")
def archive(source, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("backup") / "benchlearn.tar"
    created = invoke(source.app, "backup", "create", str(path))
    assert created.exit_code == 0, created.output
    return path


@pytest.fixture
def target(source, tmp_path_factory):
    """A new empty database of the source's kind (nothing migrated) and an empty report store."""
    site = Site(source.kind, tmp_path_factory)
    yield site
    site.drop()


def test_restore_onto_an_empty_database_reads_back_the_same(source, archive, target):
    before = source.state()
    assert before["results"] and before["snapshots"], "the demo freezes its closed rounds, snapshots its open ones"
    assert all(any(f"/{code}-" in name for name in before["reports"]) for code in REPORTED_SCHOOLS)
    assert target.tables() == []

    restored = invoke(target.app, "backup", "restore", str(archive))

    assert restored.exit_code == 0, restored.output
    assert "report files" in restored.output
    assert target.state() == before
    again = invoke(target.app, "report", "build", CLOSED_ROUND, "--school", REPORTED_SCHOOLS[0], "--workers", "1")
    assert again.exit_code == 0 and re.search(r"\b0 built, [1-9]\d* up to date, 0 failed", again.output), again.output


def test_the_archive_says_what_it_holds(source, archive):
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
        for name, member in manifest["members"].items():
            assert hashlib.sha256(tar.extractfile(name).read()).hexdigest() == member["sha256"]
    assert manifest["database"] == source.kind
    with source.app.app_context():
        assert manifest["alembic_revision"] == db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
        db.session.remove()
    assert set(names) == {"manifest.json", *manifest["members"]}
    assert sum(name.startswith("reports/") for name in names) == len(source.state()["reports"])
    assert archive.stat().st_mode & 0o077 == 0, "the archive holds password hashes: its owner alone reads it"


def test_a_database_that_is_not_empty_is_refused_and_left_alone(source, archive):
    before = source.state()
    refused = invoke(source.app, "backup", "restore", str(archive))
    assert refused.exit_code == 1
    assert "is not empty" in refused.output and "--force" in refused.output
    assert source.state() == before


def test_force_replaces_what_the_target_holds(source, archive, target):
    assert invoke(target.app, "backup", "restore", str(archive)).exit_code == 0
    with target.app.app_context():
        closed = db.session.scalar(select(SurveyRound).where(SurveyRound.name == CLOSED_ROUND))
        db.session.execute(sa.delete(Response).where(Response.round_id == closed.id))
        db.session.commit()
        db.session.remove()
    (target.reports / "stray.pdf").write_bytes(b"%PDF-")
    assert target.state() != source.state()

    replaced = invoke(target.app, "backup", "restore", "--force", str(archive))

    assert replaced.exit_code == 0, replaced.output
    assert target.state() == source.state()


def rewritten(archive: Path, into: Path, change) -> Path:
    """A copy of the archive with `change(name, data) -> data` applied to each member."""
    with tarfile.open(archive) as old, tarfile.open(into, "w") as new:
        for info in old:
            data = change(info.name, old.extractfile(info).read())
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))
    return into


def damage(name: str, data: bytes) -> bytes:
    if name.startswith("database."):
        middle = len(data) // 2
        return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]
    return data


def future_revision(name: str, data: bytes) -> bytes:
    if name == "manifest.json":
        manifest = json.loads(data)
        manifest["alembic_revision"] = "9999_from_a_later_version"
        return json.dumps(manifest).encode()
    return data


@pytest.mark.parametrize("change, message", [
    (damage, "does not match its manifest"),
    (future_revision, "which this version of Benchlearn does not know"),
])
def test_a_damaged_or_unknown_archive_is_refused_before_anything_is_touched(archive, target, tmp_path, change,
                                                                           message):
    bad = rewritten(archive, tmp_path / "bad.tar", change)
    refused = invoke(target.app, "backup", "restore", str(bad))
    assert refused.exit_code == 1
    assert message in refused.output
    assert target.tables() == []
    assert list(target.reports.iterdir()) == []


def test_an_archive_of_the_other_database_kind_is_refused(source, archive, tmp_path):
    """Checked before any connection to the target: a PostgreSQL URL no server answers will do."""
    url = f"sqlite:///{tmp_path / 'new.db'}" if source.kind == "postgresql" else "postgresql+psycopg://x@127.0.0.1:1/x"
    other = make_app(url, REPORTS_DIR=str(tmp_path / "reports"))
    refused = invoke(other, "backup", "restore", str(archive))
    assert refused.exit_code == 1
    assert "restore it where the app runs on" in refused.output


def test_a_backup_never_overwrites_a_file(source, tmp_path):
    existing = tmp_path / "kept.tar"
    existing.write_bytes(b"last week's backup")
    refused = invoke(source.app, "backup", "create", str(existing))
    assert refused.exit_code == 1 and "exists" in refused.output
    assert existing.read_bytes() == b"last week's backup"


def test_sqlite_backup_while_a_write_is_under_way_copies_the_committed_state(tmp_path_factory, tmp_path):
    """SQLite's online backup is safe while the app runs: a transaction still open is neither waited for
    nor copied half-done."""
    site = Site("sqlite", tmp_path_factory)
    with site.app.app_context():
        upgrade()
    assert invoke(site.app, "network", "create", "Netværket").exit_code == 0
    writer = sqlite3.connect(site.url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE network SET name = 'not committed'")
        created = invoke(site.app, "backup", "create", str(tmp_path / "live.tar"))
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        site.drop()
    assert created.exit_code == 0, created.output
    with tarfile.open(tmp_path / "live.tar") as tar:
        tar.extract("database.sqlite3", tmp_path, filter="data")
    copy = sqlite3.connect(tmp_path / "database.sqlite3")
    assert copy.execute("SELECT name FROM network").fetchall() == [("Netværket",)]
    copy.close()

"""Benchmark: `backup create` and `backup restore` of the demo database, on SQLite and PostgreSQL.

The demo network is seeded into a fresh database (`benchlearn demo seed`: its schools, closed rounds with
synthetic responses and frozen results, the open rounds' snapshots) and some of a closed round's school reports
are built. Then, RUNS times: the archive is created (timed), and restored onto a new empty database and
report store (timed), which is dropped again. The operations are timed in process (the `benchlearn` command adds
its start-up, about 2 s on this machine).

    python bench/backup.py [--db sqlite|postgresql|both] [--runs 3] [--reports 3]

Prints the demo's responses and frozen rounds, the archive's size and the median (and each) of the create and
restore times.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.databases import fresh_postgres_database  # noqa: E402

CLOSED_ROUND = "Elevtrivsel 2026"


def make_app(url: str, reports: Path):
    from survey import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                       "TESTING": True, "REPORTS_DIR": str(reports)})


def fresh(kind: str, folder: Path, name: str):
    if kind == "sqlite":
        return f"sqlite:///{folder / (name + '.db')}", lambda: None
    return fresh_postgres_database(f"bench_backup_{name}")


def seed(app, reports: int) -> None:
    """Migrate, seed the demo, build the first `reports` schools' reports of its closed round."""
    from flask_migrate import upgrade

    commands = [["demo", "seed"]]
    if reports:
        schools = [arg for code in ("AAE", "AMO", "AMV")[:reports] for arg in ("--school", code)]
        commands.append(["report", "build", CLOSED_ROUND, "--workers", "1", *schools])
    with app.app_context():
        upgrade()
        runner = app.test_cli_runner()
        for args in commands:
            result = runner.invoke(args=args)
            if result.exit_code != 0:
                raise SystemExit(f"{' '.join(args)} failed: {result.output}")


def bench(kind: str, runs: int, reports: int) -> dict:
    import sqlalchemy as sa

    from survey.backup.operations import create_backup, restore_backup
    from survey.extensions import db

    folder = Path(tempfile.mkdtemp(prefix="benchlearn-bench-backup-"))
    url, drop = fresh(kind, folder, "source")
    source = make_app(url, folder / "reports")
    seed(source, reports)
    with source.app_context():
        responses = db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("response")))
        frozen = db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("round_result")))
        db.session.remove()
    created, restored, size = [], [], 0
    try:
        for run in range(runs):
            archive = folder / f"backup-{run}.tar"
            with source.app_context():
                started = time.perf_counter()
                manifest = create_backup(archive, db.engine, folder / "reports")
                created.append(time.perf_counter() - started)
                db.engine.dispose()
            size = archive.stat().st_size
            target_url, drop_target = fresh(kind, folder, f"target{run}")
            target = make_app(target_url, folder / f"reports-{run}")
            try:
                with target.app_context():
                    started = time.perf_counter()
                    restore_backup(archive, db.engine, folder / f"reports-{run}", ROOT / "migrations")
                    restored.append(time.perf_counter() - started)
                    db.engine.dispose()
            finally:
                drop_target()
    finally:
        with source.app_context():
            db.engine.dispose()
        drop()
        shutil.rmtree(folder, ignore_errors=True)
    return {"kind": kind, "bytes": size, "reports": manifest.report_files, "create": created, "restore": restored,
            "responses": responses, "frozen": frozen}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reports", type=int, default=3, choices=range(4), help="school reports to build (0-3)")
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    print("database     archive            create (median; runs)            restore (median; runs)")
    for kind in kinds:
        figures = bench(kind, args.runs, args.reports)
        each = lambda values: ", ".join(f"{v:.2f}" for v in values)  # noqa: E731
        print(f"{kind}: {figures['responses']:,} responses, {figures['frozen']} rounds frozen", flush=True)
        print(f"{kind:<12} {figures['bytes'] / 1e6:5.1f} MB, {figures['reports']} files  "
              f"{statistics.median(figures['create']):.2f} s ({each(figures['create'])})   "
              f"{statistics.median(figures['restore']):.2f} s ({each(figures['restore'])})", flush=True)


if __name__ == "__main__":
    main()

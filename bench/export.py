"""Benchmark: the response export of a round, in every format, from the database.

A synthetic closed round of N responses (default 100,000) in three languages across 50 schools with 4 programs
each is bulk-loaded (`survey.responses.bulk`) under a format-2 questionnaire with a mix of types: 40 rating
items (5 points, "don't know" and "not applicable"; 10 of them on a page routed to those in a placement), a
single choice (placement), two more single choices, a multiple choice of 6 options (routed) and two numeric
questions: 52 exported variables besides the fixed columns. Then `export_responses` writes the round as CSV,
SPSS (.sav), Stata (.dta), Parquet and XLSX, each format in a fresh process (so its peak memory, ru_maxrss,
is its own), several runs each.

    python bench/export.py [--responses N] [--runs 3] [--db sqlite|postgresql|both] [--formats csv,sav,...]

Prints per format the median seconds (and every run), peak RSS and file size. Targets (issue 10): CSV <= 5 s
and SPSS <= 15 s at 100,000 responses; XLSX was 63 s and 1.9 GB before it was written in constant memory.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.aggregate import make_app  # noqa: E402  (the bench's app on a database, as the aggregate bench makes it)
from bench.databases import fresh_postgres_database  # noqa: E402

SCHOOLS, PROGRAMS, ITEMS, ROUTED_ITEMS, POINTS = 50, 4, 40, 10, 5
ROUND_NAME = "Export bench"
FORMATS = ("csv", "sav", "dta", "parquet", "xlsx")
LANGUAGES = ("da", "en", "ar")
CHUNK = 50_000


def definition_yaml() -> str:
    """40 rating items on 4 pages (the last routed), background questions before them, a routed multiple
    choice after them."""
    lines = ["family: student", 'version: "bench"', "default_language: da", "languages: [da, en, ar]",
             "title: {da: Bench}", "intro: {da: Bench}", "scales:", "  agree:", f"    points: {POINTS}",
             "    labels:", "      da: [" + ", ".join(f"L{i}" for i in range(1, POINTS + 1)) + "]",
             "    non_substantive:", "      - {key: dont_know, code: 9, label: {da: Ved ikke}}",
             "      - {key: not_applicable, code: 8, label: {da: Ikke relevant}}",
             "pages:", "  - key: about", "    questions:",
             "      - {type: single, key: program, source: program, text: {da: Uddannelse}}",
             "      - type: single", "        key: placed", "        text: {da: I praktik?}", "        options:",
             "          - {key: 'yes', label: {da: Ja}}", "          - {key: 'no', label: {da: Nej}}",
             "      - type: single", "        key: gender", "        text: {da: Køn}", "        options:",
             "          - {key: female, label: {da: Kvinde}}", "          - {key: male, label: {da: Mand}}",
             "          - {key: other, label: {da: Andet}}",
             "      - type: single", "        key: year", "        text: {da: År}", "        options:",
             *[f"          - {{key: y{i}, label: {{da: År {i}}}}}" for i in range(1, 5)],
             "      - {type: numeric, key: age, text: {da: Alder}, min: 14, max: 99}",
             "      - {type: numeric, key: hours, decimal: true, text: {da: Timer}}"]
    per_page = ITEMS // 4
    for page in range(4):
        lines += [f"  - key: p{page}", "    questions:"]
        if page == 3:
            lines[-1:-1] = ["    shown_if: \"placed = 'yes'\""]
        for i in range(per_page):
            lines.append(f"      - {{type: rating, key: d{page}.q{i}, scale: agree, text: {{da: Spørgsmål {page} {i}}}}}")
    lines += ["  - key: activities", "    shown_if: \"placed = 'yes'\"", "    questions:",
              "      - type: multiple", "        key: activities", "        text: {da: Aktiviteter}",
              "        options:", *[f"          - {{key: a{i}, label: {{da: Aktivitet {i}}}}}" for i in range(5)],
              "          - {key: none, label: {da: Ingen}, exclusive: true}",
              "  - key: comments", "    questions:", "      - {type: text, key: comments, text: {da: Kommentarer}}",
              "dimensions:"]
    for page in range(4):
        lines += [f"  - key: d{page}", f"    title: {{da: D{page}}}",
                  "    items: [" + ", ".join(f"d{page}.q{i}" for i in range(per_page)) + "]"]
    return "\n".join(lines) + "\n"


def synthetic(n: int, seed: int = 10):
    """Yield chunks (school index, program index, language, answers uint8 (rows, 40), background uint8)."""
    rng = np.random.default_rng(seed)
    for start in range(0, n, CHUNK):
        rows = min(CHUNK, n - start)
        school = rng.integers(0, SCHOOLS, rows)
        program = rng.integers(0, PROGRAMS, rows)
        placed = rng.random(rows) < 0.6
        answers = rng.integers(1, POINTS + 1, (rows, ITEMS), dtype=np.uint8)
        u = rng.random(answers.shape)
        answers[u < 0.03] = 0
        answers[(u >= 0.03) & (u < 0.05)] = 255
        answers[(u >= 0.05) & (u < 0.06)] = 254
        answers[~placed, ITEMS - ROUTED_ITEMS:] = 240
        background = np.zeros((rows, 1 + 1 + 1 + 1 + 9 + 9 + 2), dtype=np.uint8)
        background[:, 1] = np.where(placed, 1, 2)
        background[:, 2] = rng.integers(0, 4, rows)
        background[:, 3] = rng.integers(0, 5, rows)
        age = rng.integers(15, 40, rows).astype("<f8")
        hours = np.round(rng.gamma(4, 3, rows), 1).astype("<f8")
        background[:, 4] = (rng.random(rows) > 0.02).astype(np.uint8)
        background[:, 5:13] = age.view(np.uint8).reshape(rows, 8)
        background[:, 13] = (rng.random(rows) > 0.1).astype(np.uint8)
        background[:, 14:22] = hours.view(np.uint8).reshape(rows, 8)
        background[:, 22] = np.where(placed, 1, 240)
        background[:, 23] = np.where(placed, rng.integers(1, 32, rows), 0)
        language = rng.choice(len(LANGUAGES), rows, p=[0.7, 0.2, 0.1])
        yield school, program, language, answers, background


def load(url: str, n: int) -> dict:
    import logging

    from flask_migrate import upgrade

    from survey.catalog.operations import publish_definition, validate_source
    from survey.extensions import db
    from survey.network.models import Network, Program, School
    from survey.responses.bulk import bulk_insert_responses
    from survey.rounds.models import SurveyRound

    logging.getLogger("alembic").setLevel(logging.WARNING)
    app = make_app(url)
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        network = Network(name="Bench network", k_min=5)
        schools = []
        for s in range(SCHOOLS):
            school = School(network=network, code=f"S{s:03d}", name=f"School {s:03d}", type="EUD",
                            region="Midtjylland")
            school.programs = [Program(code=f"P{p}", name=f"Program {p}") for p in range(PROGRAMS)]
            schools.append(school)
        db.session.add(network)
        db.session.flush()
        text = definition_yaml()
        version = publish_definition(network, validate_source(text, "bench.yaml"), text, "bench").version
        survey_round = SurveyRound(network=network, version=version, name=ROUND_NAME, opens_on=date(2025, 1, 6),
                                   closes_on=date(2025, 3, 28), schools=schools)
        db.session.add(survey_round)
        db.session.commit()
        school_ids = np.array([school.id for school in schools])
        program_ids = np.array([[program.id for program in school.programs] for school in schools])
        for school, program, language, answers, background in synthetic(n):
            for code, tag in enumerate(LANGUAGES):
                rows = language == code
                bulk_insert_responses(db.session, round_id=survey_round.id, version_id=version.id,
                                      school_ids=school_ids[school[rows]],
                                      program_ids=program_ids[school[rows], program[rows]],
                                      answers=answers[rows], background=background[rows],
                                      submitted_on=date(2025, 2, 14), language=tag)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE response")
        db.engine.dispose()
    return {"load_s": time.perf_counter() - started}


def export(url: str, fmt: str, runs: int) -> dict:
    from sqlalchemy import select

    from survey.extensions import db
    from survey.microdata.responses import export_responses
    from survey.rounds.models import SurveyRound

    app = make_app(url)
    times, size = [], 0
    with app.app_context(), tempfile.TemporaryDirectory(prefix="benchlearn-export-") as folder:
        for run in range(runs):
            db.session.expire_all()
            path = Path(folder) / f"responses.{fmt}"
            started = time.perf_counter()
            survey_round = db.session.scalar(select(SurveyRound).where(SurveyRound.name == ROUND_NAME))
            export_responses(survey_round, path)
            times.append(time.perf_counter() - started)
            size = path.stat().st_size
            path.unlink()
        db.engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"format": fmt, "median_s": statistics.median(times), "runs": times, "peak_rss_mb": peak,
            "size_mb": size / 1e6}


def child(arguments: list[str]) -> dict:
    command = [sys.executable, __file__, *arguments]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--stage", choices=("load", "export"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--format", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage == "load":
        print(json.dumps(load(args.url, args.responses)))
        return
    if args.stage == "export":
        print(json.dumps(export(args.url, args.format, args.runs)))
        return
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    print(f"{args.responses:,} responses, {ITEMS} rating items + 6 background questions (52 variables), "
          f"{SCHOOLS} schools, {os.cpu_count()} CPUs, median of {args.runs} runs")
    for kind in kinds:
        if kind == "sqlite":
            folder = tempfile.mkdtemp(prefix="benchlearn-bench-")
            url, drop = f"sqlite:///{folder}/bench.db", lambda: Path(folder, "bench.db").unlink(missing_ok=True)
        else:
            url, drop = fresh_postgres_database("benchlearn_export")
        try:
            loaded = child(["--stage", "load", "--url", url, "--responses", str(args.responses)])
            print(f"{kind:<10} loaded in {loaded['load_s']:.1f} s")
            for fmt in args.formats.split(","):
                r = child(["--stage", "export", "--url", url, "--format", fmt, "--runs", str(args.runs)])
                print(f"{kind:<10} {fmt:<8} {r['median_s']:6.2f} s (runs {', '.join(f'{t:.2f}' for t in r['runs'])})"
                      f"   peak RSS {r['peak_rss_mb']:6.0f} MB   file {r['size_mb']:6.1f} MB")
        finally:
            drop()


if __name__ == "__main__":
    main()

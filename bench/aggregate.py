"""Benchmark: a closed round's complete results from the database.

A synthetic closed round of N responses (default 1,000,000) x 40 items (8 dimensions of 5, the last the
overall satisfaction) across 200 schools with 8 programs each is bulk-loaded (`survey.responses.bulk`), then
the complete results (every school, breakdowns by program, gender and age, benchmarks, network and school
structural analysis, item results, the content hash and the aggregates export as CSV) are computed from the
database. Each database runs in fresh subprocesses (one loads, one computes), so peak memory (ru_maxrss) is
that of the computation alone.

    python bench/aggregate.py [--responses N] [--db sqlite|postgresql|both]

Prints load seconds, compute seconds (median of 3), peak RSS and the ratio of compute time to a bare numpy
reduction of the same answer matrix (mean of every item by school through np.bincount).
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

from bench.databases import fresh_postgres_database  # noqa: E402

SCHOOLS, PROGRAMS, DIMENSIONS, ITEMS_PER_DIMENSION, POINTS = 200, 8, 8, 5, 5
ROUND_NAME = "Bench 2025"
CHUNK = 200_000


def definition_yaml() -> str:
    """The bench questionnaire in format 2: the format-1 text below, upgraded, so its storage order (items by
    dimension, then background questions) is the order of `synthetic`'s columns."""
    from survey.catalog.upgrade import upgrade_source
    from survey.catalog.yaml_writer import dump_definition

    return dump_definition(upgrade_source(_format_one_yaml(), "bench.yaml"))


def _format_one_yaml() -> str:
    lines = ["family: student", 'version: "bench"', "languages: [da]", "title: {da: Bench}",
             "intro: {da: Bench}", "scale:", f"  points: {POINTS}",
             "  labels:", "    da: [" + ", ".join(f"L{i}" for i in range(1, POINTS + 1)) + "]",
             "  dont_know: {da: Ved ikke}", "overall: overall", "dimensions:"]
    for d in range(DIMENSIONS):
        key = "overall" if d == DIMENSIONS - 1 else f"dim{d}"
        lines += [f"  - key: {key}", f"    title: {{da: {key}}}", "    items:"]
        for i in range(ITEMS_PER_DIMENSION):
            lines += [f"      - key: {key}.q{i}", f"        text: {{da: {key} {i}}}"]
            if i == ITEMS_PER_DIMENSION - 1 and key != "overall":
                lines.append("        reverse: true")
    lines += ["background:",
              "  - key: program", "    source: program", "    text: {da: Uddannelse}",
              "  - key: gender", "    text: {da: Køn}", "    options:",
              "      - {key: female, label: {da: Kvinde}}", "      - {key: male, label: {da: Mand}}",
              "      - {key: other, label: {da: Andet}}",
              "  - key: age", "    text: {da: Alder}", "    options:",
              "      - {key: under20, label: {da: Under 20}}", "      - {key: from20to24, label: {da: 20-24}}",
              "      - {key: over24, label: {da: Over 24}}"]
    return "\n".join(lines) + "\n"


def synthetic(n: int, seed: int = 2025):
    """Yield chunks (school index, program index, answers uint8 (rows, 40), background uint8 (rows, 3)).

    Latent model: a respondent's general satisfaction plus a school effect and noise per dimension; overall
    satisfaction is a weighted sum of the other dimensions; items are the dimension latent plus noise cut
    into 1..5; the last item of each predictor dimension is reverse-worded (stored as given); 3% no answer,
    2% don't know. School sizes vary (lognormal), a few schools are small."""
    rng = np.random.default_rng(seed)
    weights = rng.lognormal(0, 0.6, SCHOOLS)
    weights[:3] = 0.0004  # a few tiny schools, for suppression
    weights /= weights.sum()
    school_effect = rng.normal(0, 0.35, (SCHOOLS, DIMENSIONS))
    driver_weights = rng.dirichlet(np.ones(DIMENSIONS - 1) * 2)
    cuts = np.array([-1.6, -0.7, 0.2, 1.0])
    reverse = np.zeros(DIMENSIONS * ITEMS_PER_DIMENSION, dtype=bool)
    reverse[[d * ITEMS_PER_DIMENSION + ITEMS_PER_DIMENSION - 1 for d in range(DIMENSIONS - 1)]] = True
    for start in range(0, n, CHUNK):
        rows = min(CHUNK, n - start)
        school = rng.choice(SCHOOLS, rows, p=weights)
        program = rng.integers(0, PROGRAMS, rows)
        general = rng.normal(0, 1, (rows, 1))
        latent = 0.6 * general + 0.8 * rng.normal(0, 1, (rows, DIMENSIONS)) + school_effect[school]
        latent[:, -1] = latent[:, :-1] @ driver_weights * 1.2 + 0.5 * rng.normal(0, 1, rows)
        items = np.repeat(latent, ITEMS_PER_DIMENSION, axis=1) + rng.normal(0, 0.7, (rows, reverse.size))
        codes = (np.searchsorted(cuts, items) + 1).astype(np.uint8)
        codes[:, reverse] = POINTS + 1 - codes[:, reverse]
        u = rng.random(codes.shape, dtype=np.float32)
        codes[u < 0.03] = 0
        codes[(u >= 0.03) & (u < 0.05)] = 255
        background = np.empty((rows, 3), dtype=np.uint8)
        background[:, 0] = 0  # program: answered by program_id
        background[:, 1] = rng.choice([0, 1, 2, 3], rows, p=[0.03, 0.5, 0.45, 0.02])
        background[:, 2] = rng.choice([0, 1, 2, 3], rows, p=[0.02, 0.5, 0.3, 0.18])
        yield school, program, codes, background


def make_app(url: str):
    from survey import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                       "TESTING": True})


def load(url: str, n: int) -> dict:
    """Migrate, create the network, publish the version, open-and-close a round, bulk-load n responses."""
    import logging

    from flask_migrate import upgrade

    from survey.catalog.operations import publish_definition, validate_source
    from survey.extensions import db
    from survey.network.models import Network, Program, School
    from survey.responses.bulk import bulk_insert_responses
    from survey.rounds.models import SurveyRound

    logging.getLogger("alembic").setLevel(logging.WARNING)
    app = make_app(url)
    with app.app_context():
        upgrade()
        network = Network(name="Bench network", k_min=5)
        schools = []
        for s in range(SCHOOLS):
            school = School(network=network, code=f"S{s:03d}", name=f"School {s:03d}", type="EUD", region="Midtjylland")
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
        round_id, version_id = survey_round.id, version.id

        generate = insert = 0.0
        chunks = synthetic(n)
        while True:
            started = time.perf_counter()
            chunk = next(chunks, None)
            generate += time.perf_counter() - started
            if chunk is None:
                break
            school, program, answers, background = chunk
            started = time.perf_counter()
            bulk_insert_responses(db.session, round_id=round_id, version_id=version_id,
                                  school_ids=school_ids[school], program_ids=program_ids[school, program],
                                  answers=answers, background=background, submitted_on=date(2025, 2, 14))
            insert += time.perf_counter() - started
        started = time.perf_counter()
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE response")
        insert += time.perf_counter() - started
        db.engine.dispose()
    return {"generate_s": generate, "load_s": insert}


def compute(url: str, runs: int = 3) -> dict:
    """Complete results from the database, `runs` times (median), and the bare numpy reduction."""
    from sqlalchemy import select

    from survey.extensions import db
    from survey.results.compute import canonical_bytes
    from survey.results.export import table_bytes
    from survey.results.loading import load_round
    from survey.results.service import compute_round
    from survey.rounds.models import SurveyRound

    app = make_app(url)
    times, digest, rows = [], None, 0
    with app.app_context():
        for _ in range(runs):
            db.session.expire_all()
            started = time.perf_counter()
            survey_round = db.session.scalar(select(SurveyRound).where(SurveyRound.name == ROUND_NAME))
            results = compute_round(survey_round, today=date(2025, 6, 1))
            export = table_bytes(results.aggregates, "csv")
            digest = results.content_hash
            times.append(time.perf_counter() - started)
            rows = len(results.aggregates)
            assert export and canonical_bytes(results.items)
            del results, export
        survey_round = db.session.scalar(select(SurveyRound).where(SurveyRound.name == ROUND_NAME))
        data = load_round(survey_round)
        bare = []
        school = data.frame["school"].astype("category").cat.codes.to_numpy()
        count = int(school.max()) + 1
        for _ in range(runs):
            started = time.perf_counter()
            for j in range(data.answers.shape[1]):
                column = data.answers[:, j]
                valid = ~np.isnan(column)
                totals = np.bincount(school[valid], weights=column[valid], minlength=count)
                answered = np.bincount(school[valid], minlength=count)
                np.divide(totals, answered, out=np.full(count, np.nan), where=answered > 0)
            bare.append(time.perf_counter() - started)
        responses = data.size
        db.engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    compute_s = statistics.median(times)
    bare_s = statistics.median(bare)
    return {"compute_s": compute_s, "compute_runs": times, "bare_numpy_s": bare_s, "ratio": compute_s / bare_s,
            "peak_rss_mb": peak, "aggregate_rows": rows, "responses": responses, "content_hash": digest}


def child(stage: str, url: str, n: int) -> dict:
    """Run one stage in a fresh interpreter and return what it printed (JSON)."""
    command = [sys.executable, __file__, "--stage", stage, "--url", url, "--responses", str(n)]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(output.stdout.strip().splitlines()[-1])


def bench(kind: str, n: int) -> dict:
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="benchlearn-bench-")
        url, drop = f"sqlite:///{folder}/bench.db", lambda: Path(folder, "bench.db").unlink(missing_ok=True)
    else:
        url, drop = fresh_postgres_database("benchlearn_bench")
    try:
        loaded = child("load", url, n)
        computed = child("compute", url, n)
    finally:
        drop()
    return {"db": kind, **loaded, **computed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--stage", choices=("load", "compute"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        result = load(args.url, args.responses) if args.stage == "load" else compute(args.url)
        print(json.dumps(result))
        return
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    print(f"{args.responses:,} responses x {DIMENSIONS * ITEMS_PER_DIMENSION} items, {SCHOOLS} schools x "
          f"{PROGRAMS} programs, {os.cpu_count()} CPUs")
    for kind in kinds:
        r = bench(kind, args.responses)
        print(f"{kind:<10} load {r['load_s']:6.2f} s (generate {r['generate_s']:.2f} s)   "
              f"compute {r['compute_s']:6.2f} s (median of {', '.join(f'{t:.2f}' for t in r['compute_runs'])})   "
              f"peak RSS {r['peak_rss_mb']:7.0f} MB   bare numpy {r['bare_numpy_s']:.3f} s   "
              f"ratio {r['ratio']:5.1f}x   rows {r['aggregate_rows']:,}   hash {r['content_hash'][:16]}")


if __name__ == "__main__":
    main()

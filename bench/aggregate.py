"""Benchmark: a closed round's complete results from the database.

A synthetic closed round of N responses (default 1,000,000) x 41 rating items (8 dimensions of 5, the last the
overall satisfaction, one dimension on a 4-point scale with two non-substantive options, and one item routed to
the 35% in a placement) and five background questions of three types (single, multiple and numeric) across 200
schools with 8 programs each is bulk-loaded (`survey.responses.bulk`), with every program's population and a year
earlier a frozen round of the same questionnaire and size, then the complete results (every school, breakdowns
by program, placement, gender and age, finite-population and cluster-robust intervals, benchmarks with rank
intervals, network and school structural analysis with the bootstrap intervals of the importances, trends
against the earlier round, benchmark partners, item results of every type, the content hash and the aggregates
export as CSV) are computed from the database. Each database runs in fresh subprocesses (one loads, one computes), so peak memory (ru_maxrss) is
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
FREQUENCY = 4  # dim1's items answer on a 4-point scale with two non-substantive options
ITEMS = DIMENSIONS * ITEMS_PER_DIMENSION + 1  # + dim0.placement, asked only of those in a placement
ACTIVITIES = ("sport", "music", "volunteering", "job", "none")
BACKGROUND_WIDTH = 1 + 1 + 1 + 1 + (1 + 1) + (1 + 8)  # placement, program, gender, age, activities, hours
ROUND_NAME = "Bench 2025"
PREVIOUS_NAME = "Bench 2024"
RESPONSE_RATE = 0.7
CHUNK = 200_000


def definition_yaml() -> str:
    """Format 2: a first page asks whether the respondent is in a placement (single choice); eight dimension
    pages of five rating items (dim1 on a 4-point frequency scale with two non-substantive options, the rest on
    the 5-point agreement scale); after dim0's page, a page shown only to those in a placement with one more
    dim0 item; then program, gender, age (single choice), activities (multiple choice) and weekly hours
    (numeric)."""
    def options(keys):
        return ["        options:"] + [f'          - {{key: "{key}", label: {{da: "{key}"}}}}' for key in keys]

    lines = ["format: 2", "family: student", "audience: student", 'version: "bench"', "default_language: da",
             "languages: [da]", "title: {da: Bench}", "intro: {da: Bench}", "scales:",
             "  agree:", f"    points: {POINTS}",
             "    labels: {da: [" + ", ".join(f"L{i}" for i in range(1, POINTS + 1)) + "]}",
             "    non_substantive: [{key: dont_know, code: 9, label: {da: Ved ikke}}]",
             "  often:", f"    points: {FREQUENCY}", "    ends: {da: [Aldrig, Altid]}",
             "    non_substantive: [{key: dont_know, code: 8, label: {da: Ved ikke}}, "
             "{key: not_relevant, code: 9, label: {da: Ikke relevant}}]",
             "pages:", "  - key: screen", "    questions:",
             "      - type: single", "        key: placement", "        text: {da: \"Praktik?\"}",
             *options(("yes", "no"))]
    dimensions = []
    for d in range(DIMENSIONS):
        key = "overall" if d == DIMENSIONS - 1 else f"dim{d}"
        items = []
        lines += [f"  - key: {key}", "    questions:"]
        for i in range(ITEMS_PER_DIMENSION):
            items.append(f"{key}.q{i}")
            lines += ["      - type: rating", f"        key: {key}.q{i}", f"        scale: {'often' if d == 1 else 'agree'}",
                      f"        text: {{da: {key} {i}}}"]
            if i == ITEMS_PER_DIMENSION - 1 and key != "overall":
                lines.append("        reverse: true")
        if d == 0:
            items.append("dim0.placement")
            lines += ["  - key: placement_page", "    shown_if: \"placement = 'yes'\"", "    questions:",
                      "      - {type: rating, key: dim0.placement, scale: agree, text: {da: Praktik}}"]
        dimensions.append((key, items))
    lines += ["  - key: background", "    questions:",
              "      - {type: single, key: program, source: program, text: {da: Uddannelse}}",
              "      - type: single", "        key: gender", "        text: {da: Køn}", *options(("female", "male", "other")),
              "      - type: single", "        key: age", "        text: {da: Alder}",
              *options(("under20", "from20to24", "over24")),
              "      - type: multiple", "        key: activities", "        text: {da: Fritid}", *options(ACTIVITIES),
              "      - {type: numeric, key: hours, text: {da: Timer}, min: 0, max: 80}",
              "dimensions:"]
    for key, items in dimensions:
        lines += [f"  - key: {key}", f"    title: {{da: {key}}}", f"    items: [{', '.join(items)}]"]
    lines.append("overall: overall")
    return "\n".join(lines) + "\n"


def synthetic(n: int, seed: int = 2025):
    """Yield chunks (school index, program index, answers uint8 (rows, 41), background uint8 (rows, 15)).

    Latent model: a respondent's general satisfaction plus a school effect and noise per dimension; overall
    satisfaction is a weighted sum of the other dimensions; items are the dimension latent plus noise cut
    into 1..k; the last item of each predictor dimension is reverse-worded (stored as given); 3% no answer,
    2% don't know (dim1: also 2% "not relevant"). dim0.placement is asked of the 35% in a placement (240 = not
    asked for the others). School sizes vary (lognormal), a few schools are small."""
    rng = np.random.default_rng(seed)
    weights = rng.lognormal(0, 0.6, SCHOOLS)
    weights[:3] = 0.0004  # a few tiny schools, for suppression
    weights /= weights.sum()
    school_effect = rng.normal(0, 0.35, (SCHOOLS, DIMENSIONS))
    driver_weights = rng.dirichlet(np.ones(DIMENSIONS - 1) * 2)
    cuts = np.array([-1.6, -0.7, 0.2, 1.0])
    frequency_cuts = np.array([-1.0, 0.0, 1.0])
    scored = DIMENSIONS * ITEMS_PER_DIMENSION
    reverse = np.zeros(scored, dtype=bool)
    reverse[[d * ITEMS_PER_DIMENSION + ITEMS_PER_DIMENSION - 1 for d in range(DIMENSIONS - 1)]] = True
    often = np.zeros(scored, dtype=bool)
    often[ITEMS_PER_DIMENSION:2 * ITEMS_PER_DIMENSION] = True
    for start in range(0, n, CHUNK):
        rows = min(CHUNK, n - start)
        school = rng.choice(SCHOOLS, rows, p=weights)
        program = rng.integers(0, PROGRAMS, rows)
        general = rng.normal(0, 1, (rows, 1))
        latent = 0.6 * general + 0.8 * rng.normal(0, 1, (rows, DIMENSIONS)) + school_effect[school]
        latent[:, -1] = latent[:, :-1] @ driver_weights * 1.2 + 0.5 * rng.normal(0, 1, rows)
        items = np.repeat(latent, ITEMS_PER_DIMENSION, axis=1) + rng.normal(0, 0.7, (rows, scored))
        codes = (np.searchsorted(cuts, items) + 1).astype(np.uint8)
        codes[:, often] = (np.searchsorted(frequency_cuts, items[:, often]) + 1).astype(np.uint8)
        points = np.where(often, FREQUENCY, POINTS).astype(np.uint8)
        codes[:, reverse] = points[reverse] + 1 - codes[:, reverse]
        u = rng.random(codes.shape, dtype=np.float32)
        codes[u < 0.03] = 0
        codes[(u >= 0.03) & (u < 0.05)] = 255
        frequency = codes[:, often]
        frequency[(u[:, often] >= 0.05) & (u[:, often] < 0.07)] = 254  # "not relevant"
        codes[:, often] = frequency
        in_placement = rng.random(rows) < 0.35
        placement_item = (np.searchsorted(cuts, latent[:, 0] + rng.normal(0, 0.7, rows)) + 1).astype(np.uint8)
        placement_item[~in_placement] = 240
        answers = np.empty((rows, ITEMS), dtype=np.uint8)
        answers[:, :ITEMS_PER_DIMENSION] = codes[:, :ITEMS_PER_DIMENSION]
        answers[:, ITEMS_PER_DIMENSION] = placement_item  # storage order = page order
        answers[:, ITEMS_PER_DIMENSION + 1:] = codes[:, ITEMS_PER_DIMENSION:]
        background = np.zeros((rows, BACKGROUND_WIDTH), dtype=np.uint8)
        background[:, 0] = np.where(in_placement, 1, 2)
        background[:, 1] = 0  # program: answered by program_id
        background[:, 2] = rng.choice([0, 1, 2, 3], rows, p=[0.03, 0.5, 0.45, 0.02])
        background[:, 3] = rng.choice([0, 1, 2, 3], rows, p=[0.02, 0.5, 0.3, 0.18])
        answered = rng.random(rows) < 0.9
        chosen = rng.random((rows, len(ACTIVITIES) - 1)) < np.array([0.4, 0.2, 0.1, 0.3])
        none = answered & ~chosen.any(axis=1)
        bits = np.concatenate([chosen, none[:, None]], axis=1) & answered[:, None]
        background[:, 4] = answered
        background[:, 5] = np.packbits(bits, axis=1, bitorder="little")[:, 0]
        hours = np.clip(rng.gamma(2.0, 4.0, rows), 0, 80).round()
        given = rng.random(rows) < 0.85
        background[:, 6] = given
        background[:, 7:15] = np.where(given, hours, 0).astype("<f8").view(np.uint8).reshape(rows, 8)
        yield school, program, answers, background


def make_app(url: str):
    from survey import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                       "TESTING": True})


def load(url: str, n: int) -> dict:
    """Migrate, create the network, publish the version; a year earlier a round of the same questionnaire with
    n responses too, closed and frozen (the trends compare with it); then open-and-close the round, bulk-load
    n responses. Every program gives its population (responses / 0.7), so intervals carry the finite-population
    factor and response rates exist."""
    import logging

    from flask_migrate import upgrade

    from survey.catalog.operations import publish_definition, validate_source
    from survey.extensions import db
    from survey.network.models import Network, Program, School
    from survey.results.operations import freeze_round_results

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
        earlier = _load_round(db, network, version, schools, PREVIOUS_NAME, date(2024, 1, 8), date(2024, 3, 27),
                              n, seed=2024)
        started = time.perf_counter()
        freeze_round_results(earlier["round"], today=date(2025, 1, 1))
        db.session.commit()
        freeze_s = time.perf_counter() - started
        current = _load_round(db, network, version, schools, ROUND_NAME, date(2025, 1, 6), date(2025, 3, 28), n,
                              seed=2025)
        started = time.perf_counter()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE response")
        current["load_s"] += time.perf_counter() - started
        db.engine.dispose()
    return {"generate_s": current["generate_s"], "load_s": current["load_s"], "previous_load_s": earlier["load_s"],
            "previous_freeze_s": freeze_s}


def _load_round(db, network, version, schools, name: str, opens_on: date, closes_on: date, n: int, seed: int
                ) -> dict:
    """One round of n synthetic responses with its populations, committed."""
    from survey.responses.bulk import bulk_insert_responses
    from survey.rounds.models import Population, SurveyRound

    survey_round = SurveyRound(network=network, version=version, name=name, opens_on=opens_on,
                               closes_on=closes_on, schools=schools)
    db.session.add(survey_round)
    db.session.commit()
    school_ids = np.array([school.id for school in schools])
    program_ids = np.array([[program.id for program in school.programs] for school in schools])
    round_id, version_id = survey_round.id, version.id
    counts = np.zeros((SCHOOLS, PROGRAMS), dtype=np.int64)

    generate = insert = 0.0
    chunks = synthetic(n, seed)
    while True:
        started = time.perf_counter()
        chunk = next(chunks, None)
        generate += time.perf_counter() - started
        if chunk is None:
            break
        school, program, answers, background = chunk
        np.add.at(counts, (school, program), 1)
        started = time.perf_counter()
        bulk_insert_responses(db.session, round_id=round_id, version_id=version_id,
                              school_ids=school_ids[school], program_ids=program_ids[school, program],
                              answers=answers, background=background, submitted_on=opens_on + (closes_on - opens_on) / 2)
        insert += time.perf_counter() - started
    started = time.perf_counter()
    db.session.add_all([Population(round_id=round_id, program_id=int(program_ids[s, p]),
                                   size=int(np.ceil(counts[s, p] / RESPONSE_RATE)))
                        for s in range(SCHOOLS) for p in range(PROGRAMS) if counts[s, p]])
    db.session.commit()
    insert += time.perf_counter() - started
    return {"round": survey_round, "generate_s": generate, "load_s": insert}


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
            for j in range(data.answers.shape[1]):  # substantive codes, float32 with NaN
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
    print(f"{args.responses:,} responses x {ITEMS} rating items + 5 background questions, {SCHOOLS} schools x "
          f"{PROGRAMS} programs, {os.cpu_count()} CPUs")
    for kind in kinds:
        r = bench(kind, args.responses)
        print(f"{kind:<10} load {r['load_s']:6.2f} s (generate {r['generate_s']:.2f} s)   "
              f"compute {r['compute_s']:6.2f} s (median of {', '.join(f'{t:.2f}' for t in r['compute_runs'])})   "
              f"peak RSS {r['peak_rss_mb']:7.0f} MB   bare numpy {r['bare_numpy_s']:.3f} s   "
              f"ratio {r['ratio']:5.1f}x   rows {r['aggregate_rows']:,}   hash {r['content_hash'][:16]}")


if __name__ == "__main__":
    main()

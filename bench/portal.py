"""Benchmark: school leaders reading their results on the 1,000,000-response round, served by gunicorn.

The round of `bench/aggregate.py` (200 schools, 41 items, five background questions; its data generation and
its `make_app`) is bulk-loaded into a fresh database, its results are frozen once (as the periodic job does when
a round closes), and a staff user is made for each of the first `--users` schools plus one network admin.
gunicorn (`bench/intake_app.py`: the product app, plus a bench-only `/hello`) serves it. Then, per run,
`--users` staff members and the admin each log in and request their pages in a loop for `--seconds`:

- staff: their school's dashboard, the dashboard by program (the breakdown filter), and the list of results;
- the admin: the list of rounds, and the dashboard of each school in turn;

each reading a page for `--think` seconds on average (uniformly 0.5x to 1.5x) before the next one, as people
do; `--think 0` hammers the server instead (every client sends its next request as soon as the last answered,
so latency is then the queue of 21 clients on 2 workers: a stress figure, not a reader's).

Each client first requests each of its pages once (a worker parses the frozen results once per process: the
warm-up, not timed). Prints p50/p95/p99 per page (milliseconds, median over `--runs` runs), each page's p95 as
a ratio of the 300 ms target, and `/hello` (no database, no template) under the same load as the ceiling.
Dashboards read the frozen results only: nothing is computed per request.

    python bench/portal.py [--responses N] [--db sqlite|postgresql] [--users 20] [--think 1.0] [--seconds 30]
                           [--runs 3]

The load generator (threads) shares the machine's CPUs with gunicorn and the database. The app runs with
BENCHLEARN_ENV=development only so that the session cookie is sent over plain HTTP on 127.0.0.1.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.aggregate import ROUND_NAME, make_app  # noqa: E402
from bench.databases import fresh_postgres_database  # noqa: E402
from bench.intake import free_port, stop_gunicorn, wait_ready  # noqa: E402

HOST = "127.0.0.1"
PASSWORD = "bench-portal-password"
TARGET_MS = 300.0
ADMIN = "admin@bench.example"
CLOSED_AFTER = date(2025, 6, 1)  # the round of bench/aggregate.py closed on 2025-03-28


def staff_email(code: str) -> str:
    return f"staff.{code.lower()}@bench.example"


def prepare(url: str, users: int) -> dict:
    """Freeze the round's results and make the users: what a network has once its round has closed."""
    from sqlalchemy import select

    from survey.accounts.operations import add_user
    from survey.extensions import db
    from survey.results.operations import freeze_due_rounds
    from survey.rounds.models import SurveyRound

    app = make_app(url)
    with app.app_context():
        started = time.perf_counter()
        freeze_due_rounds(today=CLOSED_AFTER)
        frozen_s = time.perf_counter() - started
        survey_round = db.session.scalar(select(SurveyRound).where(SurveyRound.name == ROUND_NAME))
        schools = sorted(survey_round.schools, key=lambda school: school.code)[:users]
        for school in schools:
            add_user(staff_email(school.code), PASSWORD, "school_staff", survey_round.network, school)
        add_user(ADMIN, PASSWORD, "network_admin", survey_round.network)
        db.session.commit()
        round_id = survey_round.id
        codes = [school.code for school in schools]
        db.engine.dispose()
    return {"freeze_s": frozen_s, "round_id": round_id, "codes": codes}


def child(stage: str, url: str, **options) -> dict:
    """Run a stage in a fresh interpreter (bench/aggregate.py's load, or this file's prepare): its JSON."""
    script = ROOT / "bench" / ("aggregate.py" if stage == "load" else "portal.py")
    command = [sys.executable, str(script), "--stage", stage, "--url", url]
    for name, value in options.items():
        command += [f"--{name}", str(value)]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(output.stdout.strip().splitlines()[-1])


def start_gunicorn(url: str, port: int, workers: int, threads: int) -> tuple[subprocess.Popen, Path]:
    command = [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers), "--threads", str(threads),
               "--worker-class", "gthread", "--bind", f"{HOST}:{port}", "--log-level", "warning",
               "--timeout", "300",  # a worker's first page of a school parses the results under load
               "bench.intake_app:app"]
    if Path("/dev/shm").is_dir():
        command[1:1] = ["--worker-tmp-dir", "/dev/shm"]
    env = {**os.environ, "DATABASE_URL": url.replace("postgresql+psycopg://", "postgresql://"),
           "SECRET_KEY": secrets.token_hex(32), "BENCHLEARN_ENV": "development", "RATELIMIT_ENABLED": "0",
           "LOG_LEVEL": "WARNING"}
    log = Path(tempfile.mkstemp(prefix="benchlearn-portal-gunicorn-", suffix=".log")[1])
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    return process, log


def logged_in(base: str, email: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60, headers={"Accept-Language": "da"})
    page = client.get("/auth/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page.text)
    answer = client.post("/auth/login", data={"email": email, "password": PASSWORD,
                                              "csrf_token": token.group(1) or token.group(2)})
    if answer.status_code != 302:
        raise RuntimeError(f"{email} could not log in: {answer.status_code}")
    return client


def pages_of(role: str, round_id: int, code: str, codes: list[str]):
    """(page name, path) in the order a client requests them, endlessly."""
    if role == "admin":
        position = 0
        while True:
            yield "admin: rounds", "/admin/results"
            yield "admin: a school's dashboard", f"/admin/results/{round_id}/{codes[position % len(codes)]}/"
            position += 1
    while True:
        yield "staff: dashboard", f"/school/reports/{round_id}/{code}/"
        yield "staff: dashboard by program", f"/school/reports/{round_id}/{code}/?breakdown=program"
        yield "staff: results list", "/school/reports"


def run_clients(base: str, round_id: int, codes: list[str], seconds: float, think: float) -> dict[str, list[float]]:
    """Every staff member and the admin at once for `seconds`, each reading a page for about `think` seconds;
    latencies (ms) per page, and /hello's."""
    clients = [("staff", staff_email(code), code) for code in codes] + [("admin", ADMIN, codes[0])]
    timings: dict[str, list[float]] = {}
    lock = threading.Lock()
    ready = threading.Barrier(len(clients) + 1)
    failures: list[str] = []

    def work(role: str, email: str, code: str) -> None:
        try:
            client = logged_in(base, email)
            pages = pages_of(role, round_id, code, codes)
            for _ in range(3 if role == "staff" else 2):  # warm-up: not timed
                client.get(next(pages)[1]).raise_for_status()
        except Exception as error:  # noqa: BLE001  (reported, and the run fails)
            failures.append(f"{email}: {error!r}")
            ready.abort()
            return
        ready.wait()
        pause = random.Random(email)
        mine: dict[str, list[float]] = {}
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            name, path = next(pages)
            started = time.perf_counter()
            try:
                answer = client.get(path)
            except httpx.HTTPError as error:
                failures.append(f"{path}: {error!r}")
                return
            elapsed = (time.perf_counter() - started) * 1000
            if answer.status_code != 200:
                failures.append(f"{path}: {answer.status_code}")
            mine.setdefault(name, []).append(elapsed)
            if role == "admin":  # the ceiling under the same load, from one client
                started = time.perf_counter()
                client.get("/hello")
                mine.setdefault("/hello (ceiling)", []).append((time.perf_counter() - started) * 1000)
            time.sleep(think * pause.uniform(0.5, 1.5))
        with lock:
            for name, values in mine.items():
                timings.setdefault(name, []).extend(values)
        client.close()

    threads = [threading.Thread(target=work, args=client) for client in clients]
    for thread in threads:
        thread.start()
    try:
        ready.wait()
    except threading.BrokenBarrierError:
        pass
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError("; ".join(failures[:5]))
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def bench(args) -> dict:
    if args.db == "sqlite":
        folder = tempfile.mkdtemp(prefix="benchlearn-portal-")
        url, drop = f"sqlite:///{folder}/bench.db", lambda: Path(folder, "bench.db").unlink(missing_ok=True)
    else:
        url, drop = fresh_postgres_database("benchlearn_portal")
    process = None
    try:
        loaded = child("load", url, responses=args.responses)
        prepared = child("prepare", url, users=args.users)
        port = free_port()
        base = f"http://{HOST}:{port}"
        process, log = start_gunicorn(url, port, args.workers, args.threads)
        wait_ready(base, process, log)
        runs = [run_clients(base, prepared["round_id"], prepared["codes"], args.seconds, args.think)
                for _ in range(args.runs)]
    finally:
        if process is not None:
            stop_gunicorn(process)
        drop()
    pages = {}
    for name in runs[0]:
        figures = {label: statistics.median(percentile(run[name], share) for run in runs)
                   for label, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))}
        figures["requests"] = int(statistics.median(len(run[name]) for run in runs))
        figures["p95_over_target"] = figures["p95"] / TARGET_MS
        pages[name] = figures
    return {"db": args.db, "responses": args.responses, "users": args.users, "think": args.think,
            "seconds": args.seconds,
            "runs": args.runs, "workers": args.workers, "threads": args.threads, "load_s": loaded["load_s"],
            "freeze_s": prepared["freeze_s"], "pages": pages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--users", type=int, default=20, help="concurrent staff members (and one admin)")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds a user reads a page; 0: no pause")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--stage", choices=("prepare",), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage == "prepare":
        print(json.dumps(prepare(args.url, args.users)))
        return
    result = bench(args)
    print(f"{result['responses']:,} responses on {result['db']}: loaded in {result['load_s']:.0f} s, results frozen "
          f"in {result['freeze_s']:.1f} s; {result['users']} staff + 1 admin reading a page {result['think']:g} s "
          f"on average, {result['seconds']:.0f} s x "
          f"{result['runs']} runs, gunicorn {result['workers']} workers x {result['threads']} threads")
    print(f"{'page':32} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'p95/300':>8} {'requests':>9}")
    for name, figures in result["pages"].items():
        print(f"{name:32} {figures['p50']:8.1f} {figures['p95']:8.1f} {figures['p99']:8.1f} "
              f"{figures['p95_over_target']:8.2f} {figures['requests']:9d}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()

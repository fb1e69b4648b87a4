"""Benchmark of faults: respondents keep answering while a worker is killed, an app server restarts and the
database restarts; afterwards every response is accounted for.

The production shape on one machine: nginx (Debian's, with a configuration of its own in a temporary folder)
in front of two gunicorn app servers (2 sync workers each, `bench/intake_app.py`, rate limits on with their
counters in Redis), on a PostgreSQL server of the benchmark's own (`bench.databases.ThrowawayCluster`: initdb
into a temporary folder; the machine's shared server is never touched). Redis is the machine's, in a database
of its own (`--redis`). The database is migrated and seeded as `bench/intake.py` does it: the 40-item
questionnaire, a school with programs, one open round with a school link.

`--concurrency` simulated respondents (`bench/intake.py`'s client: uvloop, one connection each) answer the
survey through nginx as a browser running the form's script (`survey/static/respond.js`) does: every form is
sent in place, and the step the server answers with (its Content-Location) is the one shown next, whichever it
is: the landing page, a question page, the review or the thanks. When a request fails (the connection drops,
or 5xx or 429 comes back) the page stays as it was and the respondent sends the same form again after a short
backoff, as a person presses the button again; a respondent gives the same answer to the same question every
time (answers chosen at random once). New respondents start during `--seconds` (and until 5 s after the last
fault); each has `--grace` seconds more to reach the thanks page. Meanwhile, one after the other, from 20%, 40%
and 60% of `--seconds` on:

1. one worker of app server 1 is killed with SIGKILL (its master starts another);
2. app server 2 is stopped (SIGTERM: its workers finish their requests) and started again on the same port;
3. PostgreSQL stops as if it crashed (`pg_ctl restart -m immediate`: no checkpoint, recovery from the WAL).

Then the round's stored responses are matched with the respondents by their answers (40 random ratings make
each respondent's answers unique), and the last line printed is

    faults: N responses, lost L, duplicated D, unfinished U

N the responses stored, L the respondents shown the thanks page whose answers are not stored, D the stored
responses beyond one per respondent, U the respondents who did not reach the thanks page in time. Exit status 1
unless all three are 0 and no request answered 500.

    python bench/faults.py [--seconds 40] [--grace 60] [--concurrency 100] [--redis redis://127.0.0.1:6379/15]

nginx comes from `scripts/system-packages bench` (installed when missing, as root).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.aggregate import definition_yaml  # noqa: E402
from bench.databases import ThrowawayCluster  # noqa: E402
from bench.intake import (  # noqa: E402
    HOST,
    RADIO_RE,
    Browser,
    Failed,
    RawConnection,
    _csrf,
    free_port,
    prepare,
    run_async,
    start_gunicorn,
    stop_gunicorn,
    wait_ready,
)

NGINX = "/usr/sbin/nginx"
IN_PLACE = {"X-Respond-In-Place": "1"}
REQUEST_TIMEOUT = 30.0  # seconds before a browser's request counts as failed
STARTUP_TIMEOUT = 180.0  # seconds an app server may take to answer after it was started
MAX_STEPS = 100  # a respondent's forms sent, retries aside: 11 when nothing goes wrong


# --- the servers --------------------------------------------------------------------------------------------


NGINX_CONF = """\
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log error;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream app {{
        server {host}:{port_1};
        server {host}:{port_2};
    }}
    server {{
        listen {host}:{port};
        location / {{
            proxy_pass http://app;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_buffers 32 16k;
            proxy_max_temp_file_size 0;
        }}
    }}
}}
"""


def start_nginx(port: int, app_ports: tuple[int, int]) -> tuple[subprocess.Popen, Path]:
    """nginx in the foreground with a configuration of its own: `port` in front of both app servers."""
    if not Path(NGINX).exists():
        subprocess.run(["bash", str(ROOT / "scripts" / "system-packages"), "bench"], check=True)
    folder = Path(tempfile.mkdtemp(prefix="benchlearn-nginx-"))
    folder.chmod(0o755)  # its workers run as an unprivileged user when started as root
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(folder=folder, host=HOST, port=port, port_1=app_ports[0], port_2=app_ports[1]))
    with (folder / "error.log").open("ab") as log:  # what it says before it opens its error_log
        process = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(folder), "-g", "daemon off;"],
                                   stdout=log, stderr=log, start_new_session=True)
    return process, folder


def nginx_errors(folder: Path) -> Counter:
    """What nginx logged about its upstreams, by kind (e.g. `connect() failed (111: Connection refused)`)."""
    log = folder / "error.log"
    text = log.read_text(errors="replace") if log.exists() else ""
    return Counter(re.findall(r"\[(?:error|crit)\] [^*]*\*\d+ (.*?)(?: while |, client)", text))


def stop_nginx(process: subprocess.Popen, folder: Path) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGQUIT)  # graceful shutdown
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    shutil.rmtree(folder, ignore_errors=True)


@dataclass
class AppServer:
    """One gunicorn app server on a fixed port, which `restart` keeps."""

    number: int
    port: int
    database_url: str
    settings: dict
    args: SimpleNamespace
    process: subprocess.Popen | None = None
    log: Path | None = None
    logs: list[Path] = field(default_factory=list)

    def launch(self) -> None:
        self.process, self.log = start_gunicorn(self.database_url, self.port, self.args, **self.settings)
        self.logs.append(self.log)

    def wait_ready(self) -> None:
        # importing the app takes seconds, many more on a machine busy with the load and other work
        wait_ready(f"http://{HOST}:{self.port}", self.process, self.log, timeout=STARTUP_TIMEOUT)

    def start(self) -> None:
        self.launch()
        self.wait_ready()

    def stop(self) -> None:
        if self.process is not None:
            stop_gunicorn(self.process)

    def workers(self) -> list[int]:
        pid = self.process.pid
        try:
            return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []

    def errors_logged(self) -> list[str]:
        """The last line of each traceback the server logged (unhandled exceptions: answered 500)."""
        found = []
        for log in self.logs:
            lines = log.read_text(errors="replace").splitlines() if log.exists() else []
            for i, line in enumerate(lines):
                if line.startswith("Traceback"):
                    j = i + 1
                    while j < len(lines) and (lines[j].startswith(" ") or lines[j].startswith("Traceback")):
                        j += 1
                    if j < len(lines):
                        found.append(lines[j])
        return found


# --- the respondents ----------------------------------------------------------------------------------------


@dataclass
class Respondent:
    answers: dict[str, str] = field(default_factory=dict)  # field name -> value, chosen once
    thanked: bool = False
    note: str = ""


@dataclass
class Load:
    t0: float = 0.0
    respondents: list[Respondent] = field(default_factory=list)
    record: list = field(default_factory=list)  # (kind, seconds) per request, as bench/intake.py records
    retried: list[tuple[float, str, str]] = field(default_factory=list)  # when, why and what was sent again
    events: list[tuple[float, float, str]] = field(default_factory=list)  # a fault's start, seconds, label
    seconds: float = 0.0


class OutOfTime(Exception):
    pass


async def respond(person: Respondent, transport: RawConnection, token: str, rng: random.Random, load: Load,
                  deadline: float) -> None:
    """From the landing page to the thanks page, following whatever step the server shows."""
    browser = Browser(transport, load.record)
    entry = f"/s/{token}"

    async def send(kind: str, method: str, path: str, data: dict | None = None):
        attempt = 0
        while True:
            try:
                shown = await asyncio.wait_for(
                    browser.request(kind, method, path, None, data, IN_PLACE if data is not None else None),
                    REQUEST_TIMEOUT)
            except (Failed, OSError, asyncio.TimeoutError) as error:
                await transport.close()
                why = "timeout" if isinstance(error, asyncio.TimeoutError) else "connection"
            else:
                if shown.status_code < 500 and shown.status_code != 429:
                    return shown
                why = str(shown.status_code)
            load.retried.append((time.monotonic(), why, kind))
            attempt += 1
            pause = min(0.25 * 2 ** attempt, 4.0) * rng.uniform(0.5, 1.5)
            if time.monotonic() + pause > deadline:
                raise OutOfTime(f"{method} {path}: {why}, still failing at the time limit")
            await asyncio.sleep(pause)

    shown = await send("landing", "GET", entry)
    step = entry
    for _ in range(MAX_STEPS):
        if step == entry:
            kind, action, form = "start", entry + "/start", {"csrf_token": _csrf(shown), "lang": "da"}
        elif step.startswith(entry + "/page/"):
            options: dict[str, list[str]] = {}
            for name, value in RADIO_RE.findall(shown.text):
                if value != "dk":
                    options.setdefault(name, []).append(value)
            form = {"csrf_token": _csrf(shown), "move": "next"}
            form |= {name: person.answers.setdefault(name, rng.choice(values)) for name, values in options.items()}
            kind, action = "page_post", step.split("?", 1)[0]
        elif step == entry + "/review":
            kind, action, form = "submit", entry + "/submit", {"csrf_token": _csrf(shown)}
        elif step == entry + "/thanks":
            person.thanked = True
            return
        else:
            raise Failed(f"shown {step!r}")
        shown = await send(kind, "POST", action, form)
        step = shown.header("content-location")
        if not step:
            raise Failed(f"POST {action}: {shown.status_code} without a next step")
    raise Failed("too many steps")


async def run_load(port: int, token: str, args, faults) -> Load:
    """Respondents start for `args.seconds`, each with until `args.grace` later to finish; `faults` (delay,
    label, blocking function) run meanwhile in a thread."""
    load = Load(t0=time.monotonic())
    t0 = load.t0
    faults_done = False
    starting_ends = t0 + args.seconds

    def starting() -> bool:
        """New respondents start for `args.seconds`, and until 5 s after the last fault."""
        return time.monotonic() < starting_ends or not faults_done

    async def respondents(index: int) -> None:
        transport = RawConnection(HOST, port)
        rng = random.Random(args.seed * 100_003 + index)
        while starting():
            deadline = max(starting_ends, time.monotonic()) + args.grace
            person = Respondent()
            load.respondents.append(person)
            try:
                await respond(person, transport, token, rng, load, deadline)
            except (Failed, OutOfTime) as error:
                person.note = f"{type(error).__name__}: {error}"
                await transport.close()
        await transport.close()

    async def inject() -> None:
        nonlocal faults_done, starting_ends
        for delay, label, fault in faults:
            await asyncio.sleep(max(0.0, t0 + delay - time.monotonic()))
            started = time.monotonic()
            detail = await asyncio.to_thread(fault)
            load.events.append((started - t0, time.monotonic() - started, label + (detail or "")))
        starting_ends = max(starting_ends, time.monotonic() + 5.0)
        faults_done = True

    await asyncio.gather(inject(), *(respondents(i) for i in range(args.concurrency)))
    load.seconds = time.monotonic() - t0
    return load


# --- the accounting -----------------------------------------------------------------------------------------


def stored_answers(url: str, round_id: int) -> list[bytes]:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        return [bytes(row[0]) for row in
                connection.execute("SELECT answers FROM response WHERE round_id = %s", (round_id,))]


def account(load: Load, stored: list[bytes]) -> dict:
    """Match stored responses to respondents by their packed answers."""
    from survey.catalog.definition import parse_definition
    from survey.responses.operations import pack_answers

    definition = parse_definition(definition_yaml(), "bench.yaml")
    items = {item.key for _, item in definition.items()}

    def packed(person: Respondent) -> bytes:
        return pack_answers(definition, {k: int(v) for k, v in person.answers.items() if k in items})

    counts = Counter(stored)
    answered = {packed(p) for p in load.respondents if len(items & p.answers.keys()) == len(items)}
    thanked = [p for p in load.respondents if p.thanked]
    return {
        "responses": len(stored),
        "lost": sum(1 for p in thanked if counts[packed(p)] == 0),
        "duplicated": len(stored) - len(answered & counts.keys()),
        "unfinished": len(load.respondents) - len(thanked),
        "thanked": len(thanked),
        "stored_unthanked": sum(1 for p in load.respondents if not p.thanked and counts[packed(p)] > 0),
    }


# --- the run ------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=40.0, help="how long new respondents start")
    parser.add_argument("--grace", type=float, default=60.0, help="how much longer the started ones have to finish")
    parser.add_argument("--concurrency", type=int, default=100, help="concurrent respondents")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15", help="the rate limits' storage")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    args.seconds = max(10.0, min(args.seconds, 600.0))
    args.grace = max(10.0, min(args.grace, 600.0))
    args.concurrency = max(1, min(args.concurrency, 1000))

    import redis

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stopped: clean up (finally) all the same
    redis.Redis.from_url(args.redis).ping()  # a clear error now rather than 500s later
    print(f"nginx -> 2 x gunicorn (2 sync workers each) -> PostgreSQL (own cluster); rate limits in {args.redis}; "
          f"{args.concurrency} concurrent respondents with the form script, retrying failed requests; "
          f"{os.cpu_count()} CPUs shared by all")
    t0 = time.monotonic()
    cluster = ThrowawayCluster(free_port())
    servers: list[AppServer] = []
    nginx = None
    try:
        (round_id, token), = prepare(cluster.url, 1)
        settings = {"SECRET_KEY": secrets.token_hex(32), "RATELIMIT_ENABLED": "1", "RATELIMIT_STORAGE_URI": args.redis}
        gunicorn = SimpleNamespace(workers=2, worker_class="sync", threads=1)
        servers = [AppServer(n, free_port(), cluster.url, settings, gunicorn) for n in (1, 2)]
        for server in servers:
            server.launch()
        for server in servers:
            server.wait_ready()
        port = free_port()
        nginx = start_nginx(port, (servers[0].port, servers[1].port))
        wait_ready(f"http://{HOST}:{port}", *nginx_as_process(nginx))
        print(f"PostgreSQL {Path(cluster.bin).parent.name} on port {cluster.port}, app servers on "
              f"{servers[0].port} and {servers[1].port}, nginx on {port}; ready in {time.monotonic() - t0:.1f} s")

        def kill_worker():
            victim = random.Random(args.seed).choice(servers[0].workers())
            os.kill(victim, signal.SIGKILL)
            return f" (pid {victim})"

        def restart_server():
            servers[1].stop()
            servers[1].start()

        faults = [(0.2 * args.seconds, "kill -9 a worker of app server 1", kill_worker),
                  (0.4 * args.seconds, "app server 2 stopped and started again", restart_server),
                  (0.6 * args.seconds, "PostgreSQL restarted as after a crash (pg_ctl restart -m immediate)",
                   cluster.restart)]
        load = run_async(run_load(port, token, args, faults))
        result = account(load, stored_answers(cluster.url, round_id))
        errors = [line for server in servers for line in server.errors_logged()]
        proxy_errors = nginx_errors(nginx[1])
    finally:
        if nginx is not None:
            stop_nginx(*nginx)
        for server in servers:
            server.stop()
            for log in server.logs:
                log.unlink(missing_ok=True)
        cluster.remove()

    requests = len(load.record)
    after = [(start, f"{label} ({seconds:.1f} s)") for start, seconds, label in load.events]
    for start, label in [(0.0, "before any fault")] + after:
        ends = min([s for s, _ in after if s > start], default=float("inf"))
        why = Counter(w for t, w, _ in load.retried if start <= t - load.t0 < ends)
        sent_again = ", ".join(f"{w} x{n}" for w, n in sorted(why.items())) or "none"
        print(f"{start:5.1f} s  {label}: requests sent again {sent_again}")
    retried = ", ".join(f"{w} x{n}" for w, n in sorted(Counter(w for _, w, _ in load.retried).items())) or "none"
    submits = sum(1 for _, _, kind in load.retried if kind == "submit")
    print(f"respondents          {len(load.respondents)} started in {args.seconds:.0f} s, {result['thanked']} thanked "
          f"({requests:,} requests; all done {load.seconds:.1f} s after the start)")
    print(f"requests sent again  {len(load.retried)} ({retried}), submits among them {submits}")
    print(f"stored, not thanked  {result['stored_unthanked']} (submitted, but the thanks page never arrived)")
    for note in sorted({p.note for p in load.respondents if p.note})[:5]:
        print(f"  unfinished: {note}")
    for line, n in proxy_errors.most_common(5):
        print(f"  nginx x{n}: {line}")
    for line, n in Counter(errors).most_common(5):
        print(f"  server error x{n}: {line}")
    print(f"faults: {result['responses']} responses, lost {result['lost']}, duplicated {result['duplicated']}, "
          f"unfinished {result['unfinished']}")
    bad = result["lost"] or result["duplicated"] or result["unfinished"] or any(w == "500" for _, w, _ in load.retried)
    return 1 if bad else 0


def nginx_as_process(nginx: tuple[subprocess.Popen, Path]) -> tuple[subprocess.Popen, Path]:
    """`wait_ready`'s arguments for nginx: its process, and its error log to show if it does not answer."""
    process, folder = nginx
    return process, folder / "error.log"


if __name__ == "__main__":
    sys.exit(main())

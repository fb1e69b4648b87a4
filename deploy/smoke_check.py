"""The HTTP half of deploy/smoke.sh: through the proxy over HTTPS, as a browser without JavaScript would.

1. /healthz answers 200 (waiting for the servers to come up), plain HTTP redirects to HTTPS, HSTS is sent once,
   a static file comes from nginx;
2. a respondent opens a survey link, starts, answers every page (the first option of each choice, a number
   inside its bounds) and sends the survey, reaching the thank-you page;
3. a staff user logs in (CSRF token from the form) and sees the staff home with the school's name.

Standard library only (urllib, html.parser), so it runs wherever the app is installed. Prints each step; exit
status 1 at the first that fails.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

MAX_PAGES = 60


class Failed(Exception):
    pass


class Forms(HTMLParser):
    """Every <form> of a page with the fields a browser would send: hidden inputs, one option per radio group,
    the first non-empty option of each select, numbers at their minimum."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": a.get("method", "get").lower(),
                               "id": a.get("id"), "fields": {}, "buttons": []})
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind == "hidden":
                fields[a["name"]] = a.get("value", "")
            elif kind == "radio":
                fields.setdefault(a["name"], a.get("value", "on"))
            elif kind == "number":
                fields.setdefault(a["name"], a.get("min") or "1")
        elif tag == "button" and a.get("name"):
            self.forms[-1]["buttons"].append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and a.get("value"):
            fields.setdefault(self._select, a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


class Browser:
    def __init__(self, ca_file: str):
        context = ssl.create_default_context(cafile=ca_file)
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context),
                                                  urllib.request.HTTPCookieProcessor(self.cookies))

    def open(self, url: str, data: dict | None = None, referer: str | None = None):
        """GET, or POST `data` from the page `referer` (a browser sends it; Flask-WTF checks it over HTTPS)."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"Referer": referer} if referer else {}
        try:
            with self.opener.open(urllib.request.Request(url, data=body, headers=headers), timeout=30) as response:
                return response.status, response.geturl(), response.headers, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, url, error.headers, error.read().decode("utf-8", "replace")

    def forms(self, html: str) -> list[dict]:
        parser = Forms()
        parser.feed(html)
        return parser.forms


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def step(message: str) -> None:
    print(f"  smoke: {message}", flush=True)


def wait_healthy(browser: Browser, base: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            status, _, _, body = browser.open(base + "/healthz")
            if status == 200 and json.loads(body)["status"] == "ok":
                step(f"/healthz through the proxy: 200 {body.strip()}")
                return
            last = f"{status} {body.strip()[:200]}"
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            last = str(error)
        time.sleep(0.5)
    raise Failed(f"/healthz did not answer 200 within {seconds:.0f} s (last: {last})")


def check_proxy(browser: Browser, base: str, http_base: str) -> None:
    plain = urllib.request.build_opener(NoRedirect)
    try:
        plain.open(http_base + "/healthz", timeout=10)
        raise Failed("plain HTTP answered instead of redirecting")
    except urllib.error.HTTPError as error:
        if error.code != 301 or error.headers["Location"] != base + "/healthz":
            raise Failed(f"plain HTTP: {error.code} to {error.headers['Location']}, not 301 to HTTPS") from None
    step(f"plain HTTP redirects: 301 -> {base}/healthz")
    status, _, headers, _ = browser.open(base + "/auth/login")
    hsts = headers.get_all("Strict-Transport-Security") or []
    if status != 200 or len(hsts) != 1:
        raise Failed(f"/auth/login: {status}, Strict-Transport-Security sent {len(hsts)} times (want once)")
    step(f"HSTS once: {hsts[0]}")
    status, _, headers, body = browser.open(base + "/static/respond.css")
    if status != 200 or "text/css" not in headers.get("Content-Type", "") or headers.get("Cache-Control") != "no-cache":
        raise Failed(f"/static/respond.css: {status} {headers.get('Content-Type')} {headers.get('Cache-Control')}")
    step("static file served by nginx: /static/respond.css 200 text/css")


def respond(browser: Browser, link: str) -> None:
    status, url, _, html = browser.open(link)
    if status != 200:
        raise Failed(f"the survey link answered {status}")
    start = next((f for f in browser.forms(html) if f["action"].endswith("/start") and "restart" not in f["fields"]),
                 None)
    if start is None:
        raise Failed("the landing page has no start form")
    status, url, _, html = browser.open(urllib.parse.urljoin(url, start["action"]), start["fields"], url)
    step(f"respondent started: {status} {urllib.parse.urlsplit(url).path}")
    for _ in range(MAX_PAGES):
        if status != 200:
            raise Failed(f"{url} answered {status}")
        forms = browser.forms(html)
        send = next((f for f in forms if f["action"].endswith("/submit")), None)
        if send is not None:
            status, url, _, html = browser.open(urllib.parse.urljoin(url, send["action"]), send["fields"], url)
            if status != 200 or not urllib.parse.urlsplit(url).path.endswith("/thanks"):
                raise Failed(f"sending the survey ended at {status} {url}")
            step(f"respondent sent the survey: {status} {urllib.parse.urlsplit(url).path}")
            return
        page = next((f for f in forms if f["id"] == "answers"), None)
        if page is None:
            raise Failed(f"{url} has neither answers nor a send button")
        before = url
        status, url, _, html = browser.open(urllib.parse.urljoin(url, page["action"]),
                                            {**page["fields"], "move": "next"}, url)
        if url == before and status == 200:
            raise Failed(f"{before} did not accept the answers given")
        step(f"page answered: {urllib.parse.urlsplit(before).path} -> {urllib.parse.urlsplit(url).path}")
    raise Failed(f"no send button after {MAX_PAGES} pages")


def staff_login(browser: Browser, base: str, email: str, password: str, expect: str) -> None:
    status, url, _, html = browser.open(base + "/auth/login")
    form = next((f for f in browser.forms(html) if "csrf_token" in f["fields"]), None)
    if status != 200 or form is None:
        raise Failed(f"/auth/login: {status}, no form with a CSRF token")
    status, url, _, html = browser.open(urllib.parse.urljoin(url, form["action"]),
                                        {**form["fields"], "email": email, "password": password}, url)
    path = urllib.parse.urlsplit(url).path
    if status != 200 or not path.startswith("/school") or expect not in html:
        raise Failed(f"staff login ended at {status} {path}, without {expect!r}")
    step(f"staff {email} logged in: {status} {path} shows {expect!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="https://host:port of the proxy")
    parser.add_argument("--http-base", required=True, help="http://host:port of the proxy's plain HTTP")
    parser.add_argument("--ca", required=True, help="the proxy's certificate (self-signed)")
    parser.add_argument("--link", required=True, help="a respondent's survey link")
    parser.add_argument("--staff", required=True, help="EMAIL:PASSWORD of a school staff user")
    parser.add_argument("--school-name", required=True, help="what the staff home must show")
    parser.add_argument("--wait", type=float, default=60.0, help="seconds to wait for /healthz")
    args = parser.parse_args()
    browser = Browser(args.ca)
    email, password = args.staff.split(":", 1)
    try:
        wait_healthy(browser, args.base, args.wait)
        check_proxy(browser, args.base, args.http_base)
        respond(Browser(args.ca), args.link)
        staff_login(browser, args.base, email, password, args.school_name)
    except Failed as error:
        print(f"  smoke: FAILED: {error}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The HTTP security headers of every response: Flask-Talisman, configured here once.

No page runs inline script: scripts are files under /static (plotly.js is served by the app itself, the
dashboards' figures are JSON that static/dashboard.js draws), so the Content-Security-Policy allows scripts from
this origin only and no nonce is needed. Styles come from this origin too, save the <style> elements plotly.js
creates on the dashboards (PLOTLY_POLICY). Framing is refused (`frame-ancestors 'none'` and X-Frame-Options),
MIME sniffing is off, and the Referer never leaves the site, so a respondent's link (`/s/<token>`) is never sent
to another one. HSTS is sent in production on HTTPS requests.

A respondent's request is the measured hot path (bench/intake.py, about 1 ms of server CPU a request).
Talisman works its options out again on every request (60-100 µs of CPU measured here, on a respondent page of
about 1 ms); the respondent blueprint's pages have no per-view options and no nonce, so their header set is the
same every time: Talisman computes it once (per HTTP/HTTPS) and it is copied onto each of their responses
(about 5 µs).
"""
from __future__ import annotations

from flask import Flask, Response, request
from flask_talisman import Talisman

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    # plotly's "download as PNG" draws the chart through a data: image
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# plotly.js adds its own stylesheet and each chart's mode bar colours as <style> elements it creates (plotly.js
# 4: `addStyleRule`), with no way to give them a nonce. The dashboards, and only they, accept style elements;
# style attributes and every inline script stay refused there too.
PLOTLY_POLICY = {**CONTENT_SECURITY_POLICY, "style-src-elem": "'self' 'unsafe-inline'"}

FIXED_HEADER_BLUEPRINTS = frozenset({"respond"})


class SecurityHeaders(Talisman):
    """Talisman, with the respondents' header set computed once instead of on each of their requests.
    `@security_headers.allow_plotly` marks a view that draws plotly charts."""

    def allow_plotly(self, view):
        return self(content_security_policy=PLOTLY_POLICY)(view)

    def __init__(self) -> None:
        self._fixed: dict[bool, list[tuple[str, str]]] = {}
        super().__init__()

    def init_app(self, app: Flask, **options) -> None:
        production = app.config["ENVIRONMENT"] == "production"
        self._fixed = {}
        super().init_app(
            app,
            content_security_policy=CONTENT_SECURITY_POLICY,
            frame_options="DENY",
            referrer_policy="same-origin",
            # TLS ends at the proxy, which redirects plain HTTP; the app never redirects by itself.
            force_https=False,
            strict_transport_security=production,
            # the cookie settings stay those of survey.config (secure in production)
            session_cookie_secure=False,
            session_cookie_http_only=app.config["SESSION_COOKIE_HTTPONLY"],
            session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
            **options,
        )

    def _make_nonce(self) -> None:
        if request._get_current_object().blueprint not in FIXED_HEADER_BLUEPRINTS:
            super()._make_nonce()

    def _force_https(self) -> None:
        """Nothing to do on any request: force_https is off (the proxy redirects plain HTTP) and the session
        cookie's Secure flag comes from survey.config."""

    def _set_response_headers(self, response: Response) -> Response:
        current = request._get_current_object()  # once: each look through the proxy costs a microsecond
        if current.blueprint not in FIXED_HEADER_BLUEPRINTS:
            return super()._set_response_headers(response)
        secure = current.is_secure  # HTTPS as ProxyFix reports it when proxies are trusted
        fixed = self._fixed.get(secure)
        if fixed is None:
            blank = Response()
            before = set(blank.headers.keys())
            fixed = [(name, value) for name, value in super()._set_response_headers(blank).headers.items()
                     if name not in before and (secure or name != "Strict-Transport-Security")]
            self._fixed[secure] = fixed
        add = response.headers.add
        for name, value in fixed:
            add(name, value)
        return response

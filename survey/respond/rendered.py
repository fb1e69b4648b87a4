"""Respondent pages that are the same for everyone who comes by the same link, rendered once per worker.

A question page nobody has answered yet, the landing page before anyone started and the thanks page differ
between two respondents of a link only in the form's CSRF token. Rendering such a page cost about 0.6 ms of CPU,
more than anything else a respondent's request does, and most requests show one: a respondent moving forward
sees each page empty. So each is rendered once with a slot for the token, kept (least recently used out first,
a bounded number per worker), and the token is put in per request. The key names everything the page shows
(link, school name, questionnaire content, programs, page, language), so a change of any of them renders anew.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from markupsafe import Markup

from survey.respond.form_token import form_token

CSRF_SLOT = Markup("\x00csrf\x00")


class RenderedOnce:
    def __init__(self, size: int):
        self.size = size
        self._pages: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def page(self, key: Hashable, render: Callable[[Callable[[], Markup]], str]) -> str:
        """The page for `key`, with this request's CSRF token; `render(csrf_token)` renders it on a miss."""
        with self._lock:
            html = self._pages.get(key)
            if html is not None:
                self._pages.move_to_end(key)
        if html is None:
            html = render(lambda: CSRF_SLOT)
            with self._lock:
                self._pages[key] = html
                while len(self._pages) > self.size:
                    self._pages.popitem(last=False)
        return html.replace(CSRF_SLOT, form_token()) if CSRF_SLOT in html else html


# a page is about 10 kB: at most about 20 MB per worker
RESPONDENT_PAGES = RenderedOnce(size=2048)

"""Free text: shown only to the respondent's own school (METHOD.md, Anonymity), never in microdata; kept as
`FreeTextAnswer` rows beside the packed answers, so a question not shown stores nothing."""
from __future__ import annotations

import re
from typing import ClassVar, Literal

from survey.questions.base import FormContext, Question, Reading

MAX_LENGTH = 4000


class TextQuestion(Question):
    type: Literal["text"]
    long: bool = True
    max_length: int = MAX_LENGTH

    packed: ClassVar[str] = ""

    # --- respondent form (survey.respond) -------------------------------------------------------------------
    # A textarea (`long`) or a one-line box. Control characters a person never types on purpose are removed
    # (tab and line breaks are kept: PostgreSQL stores no U+0000, and a stuck submit would lose every other
    # answer); a text over `max_length` is refused and shown again as typed. The draft keeps the text.

    form_template: ClassVar[str] = "respond/questions/text.html"
    draft_slot: ClassVar[str] = "free_text"

    def read(self, form, context: FormContext) -> Reading:
        raw = form.get(self.key)
        if raw is None:
            return Reading(False)
        text = NON_PRINTABLE.sub("", raw).strip()
        if len(text) > self.max_length:
            return Reading(False, error=("error_too_long", {"count": f"{self.max_length:,}"}), shown=raw)
        return Reading(True, text or None)

    def missing_error(self) -> tuple[str, dict]:
        return "error_required_text", {}

    def review_answer(self, value, context: FormContext) -> str:
        return value


NON_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters a person never types on purpose (tab and line breaks are kept)."""

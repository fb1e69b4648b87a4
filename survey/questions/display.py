"""Display text: a section introduction or a note between questions; it asks and stores nothing."""
from __future__ import annotations

from typing import ClassVar, Literal

from survey.questions.base import Question


class DisplayText(Question):
    type: Literal["display"]

    stored: ClassVar[bool] = False
    packed: ClassVar[str] = ""

    # --- respondent form (survey.respond) -------------------------------------------------------------------
    # Its text, between the questions; nothing is read or kept.

    form_template: ClassVar[str] = "respond/questions/display.html"
    draft_slot: ClassVar[str] = ""

    def draft_value(self, draft) -> object | None:
        return None

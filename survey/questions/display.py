"""Display text: a section introduction or a note between questions; it asks and stores nothing."""
from __future__ import annotations

from typing import ClassVar, Literal

from survey.questions.base import Question


class DisplayText(Question):
    type: Literal["display"]

    stored: ClassVar[bool] = False
    packed: ClassVar[str] = ""

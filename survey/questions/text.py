"""Free text: shown only to the respondent's own school (METHOD.md, Anonymity), never in microdata; kept as
`FreeTextAnswer` rows beside the packed answers, so a question not shown stores nothing."""
from __future__ import annotations

from typing import ClassVar, Literal

from survey.questions.base import Question

MAX_LENGTH = 4000


class TextQuestion(Question):
    type: Literal["text"]
    long: bool = True
    max_length: int = MAX_LENGTH

    packed: ClassVar[str] = ""

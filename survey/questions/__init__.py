"""The registry of question types: each type is one class that knows its definition fields and its behaviour
for every audience (survey/questions/<type>.py). Callers look a question's class up here, or call its methods,
instead of branching on kinds."""
from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field

from survey.questions.base import Option, Question, Text
from survey.questions.choice import MultipleChoiceQuestion, SingleChoiceQuestion
from survey.questions.display import DisplayText
from survey.questions.numeric import NumericQuestion
from survey.questions.rating import NonSubstantive, RatingQuestion, Scale
from survey.questions.text import TextQuestion

QUESTION_TYPES: dict[str, type[Question]] = {
    "rating": RatingQuestion,
    "single": SingleChoiceQuestion,
    "multiple": MultipleChoiceQuestion,
    "numeric": NumericQuestion,
    "text": TextQuestion,
    "display": DisplayText,
}

AnyQuestion = Annotated[
    Union[RatingQuestion, SingleChoiceQuestion, MultipleChoiceQuestion, NumericQuestion, TextQuestion, DisplayText],
    Field(discriminator="type"),
]
"""A question of any registered type, chosen by its `type` field when a definition is read."""

__all__ = [
    "QUESTION_TYPES", "AnyQuestion", "Question", "Option", "Text", "Scale", "NonSubstantive", "RatingQuestion",
    "SingleChoiceQuestion", "MultipleChoiceQuestion", "NumericQuestion", "TextQuestion", "DisplayText",
]

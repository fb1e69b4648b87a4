"""Every model, imported in one place so that Alembic and the app see the whole schema."""
from survey.accounts.models import Role, User
from survey.catalog.models import (
    BackgroundQuestion,
    Dimension,
    FreeTextQuestion,
    Item,
    QuestionnaireFamily,
    QuestionnaireVersion,
)
from survey.network.models import Network, Program, School
from survey.rounds.models import SurveyRound

__all__ = [
    "BackgroundQuestion",
    "Dimension",
    "FreeTextQuestion",
    "Item",
    "Network",
    "Program",
    "QuestionnaireFamily",
    "QuestionnaireVersion",
    "Role",
    "School",
    "SurveyRound",
    "User",
]

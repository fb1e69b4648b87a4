"""Every model, imported in one place so that Alembic and the app see the whole schema."""
from survey.accounts.models import RecoveryCode, Role, User
from survey.catalog.models import (
    BackgroundQuestion,
    Dimension,
    FreeTextQuestion,
    Item,
    QuestionnaireFamily,
    QuestionnaireVersion,
)
from survey.audit.models import AuditEntry
from survey.invitations.models import ReplacedToken, UnsubscribedAddress
from survey.jobs.models import Job
from survey.notifications.models import Notification
from survey.outcomes.models import OutcomeIndicator, OutcomeValue
from survey.partnering.models import BenchlearningRequest, RequestNote
from survey.plans.models import ActionPlan, PlanAction, PlanFocus
from survey.practices.models import PracticeAttachment, PracticeCard, PracticeRevision, PracticeTag
from survey.practices import fulltext  # noqa: F401  (the full-text index beside practice_card, for create_all)
from survey.network.models import Network, NetworkSchoolType, Organiser, Program, School
from survey.privacy.models import RetentionSchedule
from survey.responses.models import FreeTextAnswer, Response, ResponseDraft
from survey.results.models import ApiToken, RoundResult
from survey.rounds.models import PersonalInvitation, Population, SurveyLink, SurveyRound

__all__ = [
    "ActionPlan",
    "BenchlearningRequest",
    "Notification",
    "OutcomeIndicator",
    "OutcomeValue",
    "PlanAction",
    "PlanFocus",
    "PracticeAttachment",
    "PracticeCard",
    "PracticeRevision",
    "PracticeTag",
    "RequestNote",
    "ApiToken",
    "AuditEntry",
    "FreeTextAnswer",
    "Job",
    "PersonalInvitation",
    "Population",
    "RecoveryCode",
    "ReplacedToken",
    "Response",
    "ResponseDraft",
    "RoundResult",
    "SurveyLink",
    "BackgroundQuestion",
    "Dimension",
    "FreeTextQuestion",
    "Item",
    "Network",
    "NetworkSchoolType",
    "Organiser",
    "Program",
    "QuestionnaireFamily",
    "QuestionnaireVersion",
    "RetentionSchedule",
    "Role",
    "School",
    "SurveyRound",
    "UnsubscribedAddress",
    "User",
]

"""What a report is built from: plain, picklable data (so a process pool can build reports in parallel).

`SchoolReportInputs` holds one school's slice of a round's results plus the labels to print. The loader
that fills it from the database (`load_round_inputs`) is the only part that touches the ORM.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

import pandas as pd

from survey.plans.review import PlanReview
from survey.reporting.storage import ADMIN_COPY_SUFFIX  # the admins' copy of a school report
from survey.results.compute import without_organisers

NETWORK = "NETWORK"
LANGUAGES = ("da", "en", "sv")


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    is_overall: bool = False


@dataclass(frozen=True)
class QuestionInfo:
    """A background question as the report prints its results: text, type, and its options' labels (choice) or
    unit (numeric), in the report language."""

    key: str
    type: str
    text: str
    options: tuple[tuple[str, str], ...] = ()
    unit: str = ""


@dataclass(frozen=True)
class RoundInfo:
    round_id: int
    name: str
    version_label: str
    k_min: int = 5
    share_names: bool = False
    scale_points: int = 5
    results_hash: str = ""
    provisional: bool = False  # an open round's results: they change until it closes
    as_of: str = ""  # a provisional snapshot's day (ISO date)
    minimal_difference: float = 3.0  # the network's minimal important difference (index points), for trend flags


@dataclass
class SchoolReportInputs:
    round: RoundInfo
    school_code: str
    school_name: str
    language: str
    dimensions: list[Dimension]                 # in questionnaire order
    items: dict[str, tuple[str, str]]           # item key -> (dimension key, text)
    aggregates: pd.DataFrame                    # this school's rows and the NETWORK rows
    item_results: pd.DataFrame                  # this school's items and the NETWORK items
    scale_labels: list[str] = field(default_factory=list)   # answer options 1..k in the report language
    group_labels: dict[str, str] = field(default_factory=dict)  # breakdown key -> heading
    # breakdown key -> group code -> the group's name in the report language (program names, option labels)
    group_names: dict[str, dict[str, str]] = field(default_factory=dict)
    # this school's benchmark partners, `RoundResults.partners` columns (dimension, partner_label,
    # partner_index, school_index, p_value, order, ...)
    partners: pd.DataFrame | None = None
    # free text per question: (question text in the report language, answers); only when the school's n >= k_min
    comments: list[tuple[str, list[str]]] = field(default_factory=list)
    alpha: dict[str, float] = field(default_factory=dict)
    response_rate: float | None = None
    respondents: int | None = None
    for_admins: bool = False  # the admins' copy of the school's report (stored under `store_key`)
    # item key -> its scale's labels of points 1..k in the report language (an unlabelled point: its number)
    item_scales: dict[str, list[str]] = field(default_factory=dict)
    # item key -> its scale's non-substantive options: (key, label in the report language), in order
    non_substantive: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    questions: list[QuestionInfo] = field(default_factory=list)  # the background questions, in order
    question_results: pd.DataFrame | None = None  # this school's and the NETWORK rows (`survey.results.questions`)
    # items whose changed scale the questionnaire declares equivalent: (item text, the reason given)
    equivalent_scales: list[tuple[str, str]] = field(default_factory=list)
    structural: bool = True  # the questionnaire names an overall dimension (else no structural analysis)
    reverse_items: tuple[str, ...] = ()  # the reverse-worded items' keys (marked in the item tables)
    # "Learn from": one `survey.learning.learn_from.LearnFromSection` per "Improve first" dimension
    learn_from: list = field(default_factory=list)
    # the school's action plan beside this round ("what we set out to do, what changed", `survey.plans.review`):
    # only in the school's own report, and in the admins' copy only where the network lets admins read plans
    plan_review: PlanReview | None = None

    @property
    def store_key(self) -> str:
        """The report's key in the store: the school's code, with `ADMIN_COPY_SUFFIX` for the admins' copy."""
        return self.school_code + (ADMIN_COPY_SUFFIX if self.for_admins else "")

    def content_hash(self, templates_digest: str) -> str:
        """Hash of everything the PDF depends on: data, labels, language and the templates' own digest."""
        digest = hashlib.sha256()
        digest.update(templates_digest.encode())
        meta = {
            "round": vars(self.round), "school": [self.school_code, self.school_name, self.language],
            "dimensions": [vars(d) for d in self.dimensions], "items": self.items,
            "scale": self.scale_labels, "groups": self.group_labels, "group_names": self.group_names,
            "comments": self.comments, "for_admins": self.for_admins,
            "alpha": self.alpha, "rate": self.response_rate, "respondents": self.respondents,
            "item_scales": self.item_scales, "non_substantive": self.non_substantive,
            "questions": [vars(q) for q in self.questions], "equivalent": self.equivalent_scales,
            "structural": self.structural, "reverse": self.reverse_items,
            "learn_from": [asdict(section) for section in self.learn_from],
            "plan_review": asdict(self.plan_review) if self.plan_review is not None else None,
        }
        digest.update(json.dumps(meta, sort_keys=True, default=str).encode())
        for frame in (self.aggregates, self.item_results, self.partners, self.question_results):
            if frame is not None:
                digest.update(frame.to_csv(index=False).encode())
        return digest.hexdigest()


@dataclass(frozen=True)
class OutcomeIndicatorInfo:
    """An outcome indicator as the network report prints it: its label in the report language, its unit and
    direction ("higher_is_better" or "lower_is_better")."""

    key: str
    label: str
    unit: str
    direction: str


@dataclass
class OutcomeInputs:
    """The outcomes the network report relates to the round's dimensions (survey/outcomes): the round's year,
    the network's indicators, and the schools' own values (not a program's) of that year and earlier:
    columns indicator, school (code), year, value."""

    year: int
    indicators: list[OutcomeIndicatorInfo]
    values: pd.DataFrame


@dataclass
class NetworkReportInputs:
    round: RoundInfo
    network_name: str
    language: str
    dimensions: list[Dimension]
    aggregates: pd.DataFrame          # breakdown "all" rows of every school and the network
    school_names: dict[str, str]      # code -> name; used only when the network shares names
    # code -> submitted responses: bounds a suppressed school's n when the results do not carry it (never printed)
    respondents: dict[str, int] = field(default_factory=dict)
    outcomes: OutcomeInputs | None = None  # None: the network has no outcome indicators

    def content_hash(self, templates_digest: str) -> str:
        digest = hashlib.sha256()
        digest.update(templates_digest.encode())
        meta = {"round": vars(self.round), "network": self.network_name, "language": self.language,
                "dimensions": [vars(d) for d in self.dimensions], "names": self.school_names,
                "respondents": self.respondents}
        digest.update(json.dumps(meta, sort_keys=True, default=str).encode())
        digest.update(self.aggregates.to_csv(index=False).encode())
        if self.outcomes is not None:
            digest.update(json.dumps({"year": self.outcomes.year,
                                      "indicators": [vars(i) for i in self.outcomes.indicators]}).encode())
            digest.update(self.outcomes.values.to_csv(index=False).encode())
        return digest.hexdigest()


@dataclass
class OrganiserReportInputs:
    """An organiser's report: the organiser beside the network, and its schools side by side."""

    round: RoundInfo
    network_name: str
    organiser_code: str
    organiser_name: str
    language: str
    dimensions: list[Dimension]
    aggregates: pd.DataFrame          # `RoundResults.for_organiser`: NETWORK, the organiser's and its schools' rows
    school_names: dict[str, str]      # the organiser's schools, code -> name (its staff know their own schools)


def school_slice(aggregates: pd.DataFrame, code: str) -> pd.DataFrame:
    aggregates = without_organisers(aggregates)
    return aggregates[aggregates["school"].isin([code, NETWORK])].reset_index(drop=True)


def overall_rows(aggregates: pd.DataFrame) -> pd.DataFrame:
    """The network's and the schools' `all` rows: the network report (organisers have reports of their own)."""
    aggregates = without_organisers(aggregates)
    return aggregates[aggregates["breakdown"] == "all"].reset_index(drop=True)

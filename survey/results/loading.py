"""Load a round's submitted responses from the database into the analysis package's input contract.

One query reads every response's packed bytes (`survey.responses.models`): on PostgreSQL a binary
`COPY (SELECT ...) TO STDOUT`, whose rows all have the same width and so parse as one numpy record array;
on SQLite one `SELECT` on the raw DBAPI connection. The answers stay packed codes (uint8), one column per rating
item; the background bytes stay packed too and each question's type reads its own slice of them.
"""
from __future__ import annotations

import gc
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd
from sqlalchemy import select

from survey.analysis import DimensionSpec, QuestionnaireSpec
from survey.analysis.scores import check_codes, substantive_codes
from survey.catalog.definition import QuestionnaireDefinition
from survey.catalog.models import QuestionnaireVersion
from survey.catalog.operations import definition_of
from survey.questions import Question
from survey.extensions import db
from survey.network.models import Program, School
from survey.rounds.models import SurveyRound

_COPY_HEADER = 19  # signature (11) + flags (4) + header extension length (4)


@dataclass(frozen=True)
class BackgroundSlot:
    """Where a background question's answer stands in `Response.background`: bytes start..start + width."""

    question: Question
    start: int
    width: int

    def packed(self, background: np.ndarray) -> np.ndarray:
        return background[:, self.start:self.start + self.width]


@dataclass(frozen=True)
class RoundData:
    """A round's responses, ready for `survey.analysis`.

    `frame`: one row per submitted response, in id order: `school` (code), `program` (code or <NA>) as
    categoricals with sorted categories, and one categorical column per single-choice background question with
    options (option keys; <NA> unanswered or not asked): the breakdowns.
    `raw_answers`: the packed rating codes as uint8 (n, items), column-major, columns in `spec.reported_items`
    order (0 = no answer, 1..k, 240 = not asked, 255 - j = the j-th non-substantive option).
    `answers`: the substantive codes as float32 (1..k, NaN otherwise), computed when first asked for.
    `background`: the packed background bytes (n, total width); `slots` says where each question stands.
    `breakdowns`: the background question keys a result can be broken down by (program first).
    """

    round: SurveyRound
    spec: QuestionnaireSpec
    frame: pd.DataFrame
    raw_answers: np.ndarray
    breakdowns: tuple[str, ...]
    option_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    response_ids: np.ndarray | None = None
    submitted_on: np.ndarray | None = None
    definition: QuestionnaireDefinition | None = None
    background: np.ndarray | None = None
    slots: tuple[BackgroundSlot, ...] = ()

    @property
    def size(self) -> int:
        return len(self.frame)

    @cached_property
    def answers(self) -> np.ndarray:
        return substantive_codes(self.raw_answers, self.spec)

    def answer_frame(self) -> pd.DataFrame:
        """The substantive codes as a frame, one float32 column per item key (the analysis's frame contract;
        not asked and non-substantive are NaN like no answer)."""
        return pd.DataFrame(self.answers, columns=list(self.spec.reported_items), copy=False)


def definition_spec(definition: QuestionnaireDefinition, lineage: dict[str, str] | None = None
                    ) -> QuestionnaireSpec:
    """The analysis contract of a definition: each rating item's scale, the dimensions with their items in
    order, the loose items, the overall dimension (or none), reverse-worded items, scales declared equivalent
    and each item's lineage id (`lineage`, as published; default: the item's key)."""
    items = definition.rating_items()
    grouped = {key for dimension in definition.dimensions for key in dimension.items}
    scales = {item.key: definition.scale_of(item).analysis_spec() for item in items}
    return QuestionnaireSpec(
        points=max((scale.points for scale in scales.values()), default=5),
        dimensions=tuple(DimensionSpec(d.key, tuple(d.items)) for d in definition.dimensions),
        overall=definition.overall,
        reverse=frozenset(item.key for item in items if item.reverse),
        lineage={key: value for key, value in (lineage or {}).items() if key in scales},
        scales=scales,
        equivalent_scale={item.key: item.equivalent_scale for item in items if item.equivalent_scale},
        loose_items=tuple(item.key for item in items if item.key not in grouped),
    )


def questionnaire_spec(version: QuestionnaireVersion) -> QuestionnaireSpec:
    """The analysis contract of a published version (`definition_spec`, with the lineage ids published)."""
    return definition_spec(definition_of(version), {item.key: item.lineage for item in version.items})


def packed_width(question: Question) -> int:
    """The bytes a background question takes in `Response.background` (MODEL2.md, Storage)."""
    width = getattr(question, "width", None)
    if isinstance(width, int) and width > 0:
        return width
    # the layout of the contract, until every type carries its storage width
    options = getattr(question, "options", None) or []
    return {"single": 1, "numeric": 9}.get(question.type, 1 + (len(options) + 7) // 8)


def background_slots(definition: QuestionnaireDefinition) -> tuple[BackgroundSlot, ...]:
    slots, start = [], 0
    for question in definition.background_questions():
        width = packed_width(question)
        slots.append(BackgroundSlot(question, start, width))
        start += width
    return tuple(slots)


def load_round(survey_round: SurveyRound, *, with_ids: bool = False) -> RoundData:
    """Every submitted response of the round, read with one query. `with_ids` also reads response ids and
    dates (the responses export needs them; the results do not)."""
    version = survey_round.version
    definition = definition_of(version)
    spec = definition_spec(definition, {item.key: item.lineage for item in version.items})
    stored = [item.key for item in definition.rating_items()]
    slots = background_slots(definition)
    n_background = sum(slot.width for slot in slots)

    columns = _read_packed(survey_round.id, len(stored), n_background, with_ids)
    school_ids, program_ids, raw, background = columns[:4]

    school_rows = db.session.execute(select(School.id, School.code).where(
        School.network_id == survey_round.network_id)).all()
    program_rows = db.session.execute(select(Program.id, Program.code).join(School).where(
        School.network_id == survey_round.network_id)).all()
    school_code = _lookup(school_rows, school_ids)
    program_code = _lookup(program_rows, program_ids)

    position = {key: j for j, key in enumerate(stored)}
    order = [position[key] for key in spec.reported_items]
    # column-major, in the order of the dimensions' items: every step reads one item's codes at a time
    raw = np.asfortranarray(raw[:, order] if order != list(range(len(stored))) else raw)
    check_codes(raw, spec)

    data: dict[str, object] = {"school": school_code, "program": program_code}
    option_labels: dict[str, dict[str, str]] = {}
    breakdowns: list[str] = ["program"]  # programs come from the link even when the version does not ask
    language = definition.default_language
    for slot in slots:
        question = slot.question
        options = getattr(question, "options", None)
        if question.type != "single" or not options:
            continue
        keys = [option.key for option in options]
        values = slot.packed(background)[:, 0].astype(np.int64) - 1
        values[(values < 0) | (values >= len(keys))] = -1  # no answer, not asked
        data[question.key] = pd.Categorical.from_codes(values, categories=keys)
        option_labels[question.key] = {option.key: definition.text(option.label, language) for option in options}
        breakdowns.append(question.key)
    return RoundData(
        round=survey_round, spec=spec, frame=pd.DataFrame(data), raw_answers=raw,
        breakdowns=tuple(dict.fromkeys(breakdowns)), option_labels=option_labels,
        response_ids=columns[4] if with_ids else None, submitted_on=columns[5] if with_ids else None,
        definition=definition, background=background, slots=slots,
    )


def _lookup(rows, ids: np.ndarray) -> pd.Series:
    """Codes for ids (0 or unknown -> <NA>), as a pandas string Series."""
    if not rows:
        return pd.Series(pd.Categorical.from_codes(np.full(len(ids), -1), categories=pd.Index([], dtype="str")))
    known = np.array([row[0] for row in rows], dtype=np.int64)
    names = np.array([row[1] for row in rows], dtype=object)
    order = np.argsort(known)
    known, names = known[order], names[order]
    position = np.clip(np.searchsorted(known, ids), 0, len(known) - 1)
    found = known[position] == ids
    # sorted categories: groups come out in code order; program codes repeat across schools
    name_codes, categories = pd.factorize(pd.Index(names, dtype="str"), sort=True)
    codes = np.full(len(ids), -1, dtype=np.int64)
    codes[found] = name_codes[position[found]]
    return pd.Series(pd.Categorical.from_codes(codes, categories=categories))


def _read_packed(round_id: int, n_items: int, n_background: int, with_ids: bool):
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        return _read_postgres(connection, round_id, n_items, n_background, with_ids)
    return _read_sqlite(connection, round_id, n_items, n_background, with_ids)


def _read_postgres(connection, round_id, n_items, n_background, with_ids):
    fields = [("count", ">i2"), ("school_len", ">i4"), ("school_id", ">i4"),
              ("program_len", ">i4"), ("program_id", ">i4"),
              ("answers_len", ">i4"), ("answers", np.uint8, (n_items,)),
              ("background_len", ">i4")]
    if n_background:
        fields.append(("background", np.uint8, (n_background,)))
    select_list = "school_id, coalesce(program_id, 0), answers, background"
    if with_ids:
        fields += [("id_len", ">i4"), ("id", ">i8"), ("date_len", ">i4"), ("date", ">i4")]
        select_list += ", id::int8, submitted_on"
    dtype = np.dtype(fields)
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        query = (f"COPY (SELECT {select_list} FROM response WHERE round_id = {int(round_id)} ORDER BY id) "
                 "TO STDOUT (FORMAT binary)")
        with cursor.copy(query) as copy:
            payload = b"".join(bytes(chunk) for chunk in copy)
    body = memoryview(payload)[_COPY_HEADER:len(payload) - 2]
    if len(body) % dtype.itemsize:
        raise ValueError(f"round {round_id}: a response's answers do not have {n_items} items "
                         f"and {n_background} background bytes")
    records = np.frombuffer(body, dtype=dtype)
    answers = records["answers"] if len(records) else np.zeros((0, n_items), np.uint8)
    if (records["answers_len"] != n_items).any() or (records["background_len"] != n_background).any():
        raise ValueError(f"round {round_id}: a response's packed answers do not match its version")
    answers = np.ascontiguousarray(answers)
    background = (np.ascontiguousarray(records["background"]) if n_background
                  else np.zeros((len(records), 0), np.uint8))
    result = [records["school_id"].astype(np.int64), records["program_id"].astype(np.int64), answers,
              background]
    if with_ids:
        epoch = np.datetime64("2000-01-01", "D")
        result += [records["id"].astype(np.int64), epoch + records["date"].astype("timedelta64[D]")]
    return result


def _read_sqlite(connection, round_id, n_items, n_background, with_ids):
    raw = connection.connection.driver_connection
    select_list = "school_id, coalesce(program_id, 0), answers, background"
    if with_ids:
        select_list += ", id, submitted_on"
    # When the round holds a good part of the table, one sequential scan in rowid (= id) order beats the
    # index: no random lookups and no sort. Otherwise the index finds the round's rows.
    in_round = raw.execute("SELECT count(*) FROM response WHERE round_id = ?", (round_id,)).fetchone()[0]
    total = raw.execute("SELECT count(*) FROM response").fetchone()[0]
    source = "response NOT INDEXED" if in_round * 4 >= total else "response"
    collecting = gc.isenabled()
    gc.disable()  # a million row tuples would trigger many useless collections
    try:
        cursor = raw.execute(f"SELECT {select_list} FROM {source} WHERE round_id = ? ORDER BY id", (round_id,))
        rows = cursor.fetchall()
        cursor.close()
        columns = list(zip(*rows))
        del rows
    finally:
        if collecting:
            gc.enable()
    n = len(columns[0]) if columns else 0
    if not n:
        empty = [np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, n_items), np.uint8),
                 np.zeros((0, n_background), np.uint8)]
        return empty + ([np.zeros(0, np.int64), np.zeros(0, "datetime64[D]")] if with_ids else [])
    answer_bytes = b"".join(columns[2])
    background_bytes = b"".join(columns[3])
    if len(answer_bytes) != n * n_items or len(background_bytes) != n * n_background:
        raise ValueError(f"round {round_id}: a response's packed answers do not match its version")
    result = [np.array(columns[0], dtype=np.int64), np.array(columns[1], dtype=np.int64),
              np.frombuffer(answer_bytes, dtype=np.uint8).reshape(n, n_items),
              np.frombuffer(background_bytes, dtype=np.uint8).reshape(n, n_background)]
    if with_ids:
        days = [value if isinstance(value, str) else date.isoformat(value) for value in columns[5]]
        result += [np.array(columns[4], dtype=np.int64), np.array(days, dtype="datetime64[D]")]
    return result

"""The rules a well-shaped questionnaire definition must follow (questionnaires/README.md, "What validation checks").

Every check yields (line, message) findings for the caller to tie to the file. Checks run on a definition that
already has the right shape, so they can trust types and spend their words on meaning.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from survey.catalog.limits import MAX_ITEMS
from survey.catalog.yaml_lines import Finding, Path, describe
from survey.questions import (
    MultipleChoiceQuestion,
    NumericQuestion,
    Question,
    RatingQuestion,
    SingleChoiceQuestion,
    TextQuestion,
)
from survey.questions.conditions import (
    KEY_PATTERN,
    Comparison,
    Condition,
    ConditionError,
    Junction,
    Not,
    Selected,
    parse_condition,
)
from survey.questions.display import DisplayText
from survey.questions.text import MAX_LENGTH as TEXT_MAX_LENGTH

if TYPE_CHECKING:
    from survey.catalog.definition import QuestionnaireDefinition

Line = Callable[[Path], int]
"""Gives the line of the value at a location path."""

KEY = re.compile(r"[a-z][a-z0-9_]*")
FAMILY = re.compile(r"[a-z][a-z0-9_]{0,31}")
QUESTION_KEY = re.compile(KEY_PATTERN)
QUESTION_KEY_LENGTH = 64
"""The longest question key (the column `free_text_answer.question_key`)."""
VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]*")
VERSION_LENGTH = 40
"""The longest version name (the column `questionnaire_version.version`)."""
LANGUAGE = re.compile(
    r"[a-z]{2,3}(?:-[a-z]{3}){0,3}(?:-[a-z]{4})?(?:-(?:[a-z]{2}|[0-9]{3}))?(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*",
    re.IGNORECASE,
)
"""A BCP 47 language tag (RFC 5646): language, optional extended language, script, region and variants."""
LANGUAGE_CODE_LENGTH = 16
"""The longest language code (BCP 47: `da`, `prs`, `sr-Latn`), as the responses' `language` columns hold it."""
LANGUAGE_RULE = "a BCP 47 language tag such as 'da', 'prs', 'sr-Latn' or 'pt-BR'"
MIN_POINTS, MAX_POINTS = 2, 11
MAX_NON_SUBSTANTIVE = 15
"""Non-substantive options per scale: packed as 255 - j, above NOT_ASKED (240)."""
MAX_OPTIONS = 200
"""Options of a single-choice question: packed as 1..n, below NOT_ASKED."""
MAX_MULTIPLE_OPTIONS = 64
EXPORT_CODE_RANGE = (-99, 999)
KEY_RULE = "lowercase letters, digits and _, starting with a letter"


def well_formed_version(version: str) -> bool:
    """Versions name files and URLs, so they keep to letters, digits, '.', '_' and '-'."""
    return VERSION.fullmatch(version) is not None


def check_definition(definition: QuestionnaireDefinition, line: Line) -> Iterator[Finding]:
    """Every rule that needs nothing but the definition itself."""
    yield from _versions(definition, line)
    yield from _languages(definition, line)
    yield from _texts(definition, line)
    yield from _scales(definition, line)
    yield from _pages(definition, line)
    yield from _questions(definition, line)
    yield from _dimensions(definition, line)
    yield from _conditions(definition, line)
    yield from _lineage(definition, line)


def check_against_previous(
    definition: QuestionnaireDefinition, previous: QuestionnaireDefinition, line: Line
) -> Iterator[Finding]:
    """The rules across versions: lineage and `replaces` name questions `previous` has, of the same type.

    A changed scale is no error (METHOD.md v2, Trends): the item is simply not comparable unless it declares
    `equivalent_scale`; `survey/catalog/diff.py` says which items and dimensions stay comparable."""
    if (previous.family, previous.version) != (definition.family, definition.previous):
        yield line(("previous",)), (
            f"the definition found for previous version {definition.previous!r} of family {definition.family!r} "
            f"is version {previous.version!r} of family {previous.family!r}"
        )
        return
    old = {question.key: question for question in previous.questions() if question.stored}
    was = f"version {previous.version!r}"
    for at, question in _located_questions(definition):
        claimed = question.previous_key()
        if claimed is not None and QUESTION_KEY.fullmatch(claimed):
            if claimed not in old:
                named = "lineage: same" if question.lineage == "same" else f"lineage {claimed!r}"
                yield line((*at, "lineage")), (
                    f"question {question.key!r} has {named}, but {was} has no question {claimed!r}"
                )
            elif old[claimed].type != question.type:
                yield line((*at, "lineage")), (
                    f"question {question.key!r} ({question.type}) continues {claimed!r}, a {old[claimed].type} "
                    f"question in {was}: a question continues one of its own type"
                )
        if question.replaces is not None and question.replaces not in old:
            yield line((*at, "replaces")), (
                f"question {question.key!r} replaces {question.replaces!r}, but {was} has no question "
                f"{question.replaces!r}"
            )


def warn_against_previous(
    definition: QuestionnaireDefinition, previous: QuestionnaireDefinition, line: Line
) -> Iterator[Finding]:
    """What is allowed across versions but rarely meant: a key of the previous version reused by a new item
    (its data would read as the old item's in every export joined on keys)."""
    if (previous.family, previous.version) != (definition.family, definition.previous):
        return
    old = {question.key for question in previous.questions() if question.stored}
    for at, question in _located_questions(definition):
        if question.lineage == "new" and question.key in old:
            yield line((*at, "lineage")), (
                f"question {question.key!r} is new, but version {previous.version!r} has a question with the same "
                "key: give the new question its own key, or say lineage: same if it measures the same"
            )


def _located_questions(definition: QuestionnaireDefinition) -> Iterator[tuple[Path, Question]]:
    for i, page in enumerate(definition.pages):
        for j, question in enumerate(page.questions):
            yield ("pages", i, "questions", j), question


def _versions(definition: QuestionnaireDefinition, line: Line) -> Iterator[Finding]:
    if not FAMILY.fullmatch(definition.family):
        yield line(("family",)), (
            f"family {definition.family!r} must be {KEY_RULE}, at most 32 characters (student, staff, company, ...)"
        )
    for field in ("version", "previous"):
        value = getattr(definition, field)
        if value is not None and not well_formed_version(value):
            yield line((field,)), f"{field} {value!r} may use only letters, digits, '.', '_' and '-'"
        elif value is not None and len(value) > VERSION_LENGTH:
            yield line((field,)), f"{field} has {len(value)} characters: at most {VERSION_LENGTH}"
    if definition.previous == definition.version:
        yield line(("previous",)), f"previous must name an earlier version, not this one ({definition.version!r})"


def well_formed_language(language: str) -> bool:
    return LANGUAGE.fullmatch(language) is not None and len(language) <= LANGUAGE_CODE_LENGTH


def _languages(definition: QuestionnaireDefinition, line: Line) -> Iterator[Finding]:
    if definition.default_language not in definition.languages:
        yield line(("default_language",)), (
            f"default_language {definition.default_language!r} must be one of languages "
            f"({', '.join(definition.languages)})"
        )
    seen: set[str] = set()
    for i, language in enumerate(definition.languages):
        if not well_formed_language(language):
            yield line(("languages", i)), f"language {language!r} must be {LANGUAGE_RULE}"
        elif language in seen:
            yield line(("languages", i)), f"language {language!r} is listed twice"
        seen.add(language)
    for language in definition.interface:
        if language not in seen:
            yield line(("interface", language)), f"interface: language {language!r} is not in languages"
    yield from _interface_texts(definition, line)


def _interface_texts(definition: QuestionnaireDefinition, line: Line) -> Iterator[Finding]:
    """Each interface text names a message id of the respondent interface, with only its own placeholders."""
    from survey.respond.messages import MESSAGES, misused_placeholders  # the respondent side owns the ids

    for language, texts in definition.interface.items():
        for message_id, text in texts.items():
            at = ("interface", language, message_id)
            if message_id not in MESSAGES:
                yield line(at), (f"interface: {message_id!r} is not a message id of the respondent interface "
                                 "(questionnaires/README.md lists them)")
                continue
            for name in misused_placeholders(message_id, text):
                yield line(at), f"interface: {message_id!r} has no placeholder {{{name}}}"


def _texts(definition: QuestionnaireDefinition, line: Line) -> Iterator[Finding]:
    """Every text exists in the default language (others fall back to it), and in no unlisted language."""
    default = definition.default_language
    languages = set(definition.languages)
    for path, text in _text_fields(definition):
        if default in languages and default not in text:
            yield line(path), f"{describe(path)}: no text in the default language {default!r}"
        for language in text:
            if language not in languages:
                yield line((*path, language)), f"{describe(path)}: language {language!r} is not in languages"


def _text_fields(definition: QuestionnaireDefinition) -> Iterator[tuple[Path, Mapping[str, object]]]:
    yield ("title",), definition.title
    yield ("intro",), definition.intro
    for name, scale in definition.scales.items():
        for path, text in scale.texts().items():
            yield ("scales", name, *path), text
    for i, page in enumerate(definition.pages):
        if page.title is not None:
            yield ("pages", i, "title"), page.title
    for at, question in _located_questions(definition):
        for path, text in question.texts().items():
            yield (*at, *path), text
    for i, dimension in enumerate(definition.dimensions):
        yield ("dimensions", i, "title"), dimension.title


def _scales(definition: QuestionnaireDefinition, line: Line) -> Iterator[Finding]:
    if not definition.scales:
        yield line(("scales",)), "at least one scale is required"
    for name, scale in definition.scales.items():
        at = ("scales", name)
        if not KEY.fullmatch(name):
            yield line(at), f"scale name {name!r} must be {KEY_RULE}"
        points = scale.points
        if not MIN_POINTS <= points <= MAX_POINTS:
            yield line((*at, "points")), f"scale points must be between {MIN_POINTS} and {MAX_POINTS}, not {points}"
        if (scale.labels is None) == (scale.ends is None):
            yield line(at), f"scale {name!r} needs either labels (one per point) or ends (the two ends): one of them"
        for language, labels in (scale.labels or {}).items() if MIN_POINTS <= points <= MAX_POINTS else ():
            if len(labels) != points:
                yield line((*at, "labels", language)), (
                    f"scales.{name}.labels.{language}: {len(labels)} labels for {points} points "
                    "(one per point, least positive first, whatever the order they are shown in)"
                )
        for language, labels in (scale.ends or {}).items():
            if len(labels) != 2:
                yield line((*at, "ends", language)), (
                    f"scales.{name}.ends.{language}: {len(labels)} labels: ends has two, the least positive first"
                )
        if len(scale.non_substantive) > MAX_NON_SUBSTANTIVE:
            yield line((*at, "non_substantive")), (
                f"scale {name!r} has {len(scale.non_substantive)} non-substantive options: at most {MAX_NON_SUBSTANTIVE}"
            )
        keys: dict[str, int] = {}
        codes: dict[int, int] = {}
        for j, option in enumerate(scale.non_substantive):
            where = line((*at, "non_substantive", j, "key"))
            if not KEY.fullmatch(option.key):
                yield where, f"option key {option.key!r} must be {KEY_RULE}"
            elif option.key in keys:
                yield where, f"option key {option.key!r} is used twice in scale {name!r} (first at line {keys[option.key]})"
            keys.setdefault(option.key, where)
            code_line = line((*at, "non_substantive", j, "code"))
            if 1 <= option.code <= points:
                yield code_line, (
                    f"code {option.code} of {option.key!r} is a point of the scale (1..{points}): "
                    "give a non-substantive option a code outside it, such as 9 or 99"
                )
            elif not EXPORT_CODE_RANGE[0] <= option.code <= EXPORT_CODE_RANGE[1]:
                yield code_line, f"code {option.code} must be between {EXPORT_CODE_RANGE[0]} and {EXPORT_CODE_RANGE[1]}"
            elif option.code in codes:
                yield code_line, f"code {option.code} is used twice in scale {name!r} (first at line {codes[option.code]})"
            codes.setdefault(option.code, code_line)


def _key_once(kind: str, key: str, at: int, first: dict[str, int]) -> Iterator[Finding]:
    """A page or dimension key is well formed and used once; `first` remembers where each was first used."""
    if not KEY.fullmatch(key):
        yield at, f"{kind} key {key!r} must be {KEY_RULE}"
    elif key in first:
        yield at, f"{kind} key {key!r} is used twice (first at line {first[key]})"
    first.setdefault(key, at)


def _pages(definition: QuestionnaireDefinition, line: Line) -> Iterator[Finding]:
    if not definition.pages:
        yield line(("pages",)), "at least one page is required"
    first: dict[str, int] = {}
    count = 0
    for i, page in enumerate(definition.pages):
        yield from _key_once("page", page.key, line(("pages", i, "key")), first)
        if not page.questions:
            yield line(("pages", i, "questions")), f"page {page.key!r} has no questions"
        for j, _ in enumerate(page.questions):
            count += 1
            if count > MAX_ITEMS:
                yield line(("pages", i, "questions", j)), (
                    f"a questionnaire may have at most {MAX_ITEMS} questions: this is question {count}"
                )
                return


def _questions(definition: QuestionnaireDefinition, line: Line) -> Iterator[Finding]:
    """Every question's key is unique in the file; each type's own fields make sense."""
    first: dict[str, int] = {}
    for at, question in _located_questions(definition):
        where = line((*at, "key"))
        if not QUESTION_KEY.fullmatch(question.key) or len(question.key) > QUESTION_KEY_LENGTH:
            yield where, (
                f"question key {question.key!r} must be {KEY_RULE}, parts joined by '.' allowed "
                f"(such as teaching.explains), at most {QUESTION_KEY_LENGTH} characters"
            )
        elif question.key in first:
            yield where, f"question key {question.key!r} is used twice (first at line {first[question.key]})"
        first.setdefault(question.key, where)
        yield from _question_fields(definition, at, question, line)


def _question_fields(
    definition: QuestionnaireDefinition, at: Path, question: Question, line: Line
) -> Iterator[Finding]:
    named = f"question {question.key!r}"
    if isinstance(question, RatingQuestion) and definition.scales and question.scale not in definition.scales:
        yield line((*at, "scale")), (
            f"{named}: scale {question.scale!r} is not defined under scales ({', '.join(definition.scales)})"
        )
    if isinstance(question, SingleChoiceQuestion):
        if question.options is None and question.source is None:
            yield line(at), f"{named} needs options or source: program"
        elif question.options is not None and question.source is not None:
            yield line(at), f"{named} has both options and source: keep one"
    if isinstance(question, SingleChoiceQuestion | MultipleChoiceQuestion) and question.options is not None:
        yield from _options(question, at, line)
    if isinstance(question, NumericQuestion):
        for bound in ("min", "max"):
            value = getattr(question, bound)
            if value is not None and not question.decimal and not float(value).is_integer():
                yield line((*at, bound)), f"{named}: {bound} {value} is not a whole number (or set decimal: true)"
        if question.min is not None and question.max is not None and question.min > question.max:
            yield line((*at, "min")), f"{named}: min {question.min} is greater than max {question.max}"
    if isinstance(question, TextQuestion) and not 1 <= question.max_length <= TEXT_MAX_LENGTH:
        yield line((*at, "max_length")), f"{named}: max_length must be between 1 and {TEXT_MAX_LENGTH}"
    if isinstance(question, DisplayText):
        for field in ("required", "lineage", "replaces", "help"):
            if field in question.model_fields_set and getattr(question, field) not in (None, False):
                yield line((*at, field)), f"{named}: display text asks nothing, so it has no {field}"


def _options(question: SingleChoiceQuestion | MultipleChoiceQuestion, at: Path, line: Line) -> Iterator[Finding]:
    options = question.options or []
    limit = MAX_MULTIPLE_OPTIONS if isinstance(question, MultipleChoiceQuestion) else MAX_OPTIONS
    if len(options) < 2:
        yield line((*at, "options")), f"question {question.key!r} needs at least two options"
    elif len(options) > limit:
        yield line((*at, "options")), f"question {question.key!r} has {len(options)} options: at most {limit}"
    keys: dict[str, int] = {}
    codes: dict[int, int] = {}
    for j, option in enumerate(options):
        where = line((*at, "options", j, "key"))
        if not KEY.fullmatch(option.key):
            yield where, f"option key {option.key!r} must be {KEY_RULE}"
        elif option.key in keys:
            yield where, (
                f"option key {option.key!r} is used twice in question {question.key!r} (first at line {keys[option.key]})"
            )
        keys.setdefault(option.key, where)
        code = question.export_code(option)
        code_line = line((*at, "options", j, "code" if option.code is not None else "key"))
        if not EXPORT_CODE_RANGE[0] <= code <= EXPORT_CODE_RANGE[1]:
            yield code_line, f"code {code} must be between {EXPORT_CODE_RANGE[0]} and {EXPORT_CODE_RANGE[1]}"
        elif code in codes:
            yield code_line, f"code {code} is used twice in question {question.key!r} (first at line {codes[code]})"
        codes.setdefault(code, code_line)
        if option.exclusive and isinstance(question, SingleChoiceQuestion):
            yield line((*at, "options", j, "exclusive")), (
                f"option {option.key!r}: exclusive is for multiple-choice questions (a single choice is always alone)"
            )


def _dimensions(definition: QuestionnaireDefinition, line: Line) -> Iterator[Finding]:
    if not definition.dimensions:
        yield line(("dimensions",)), "at least one dimension is required"
    ratings = {question.key for question in definition.questions() if isinstance(question, RatingQuestion)}
    keys = {question.key for question in definition.questions()}
    first_dimension: dict[str, int] = {}
    first_item: dict[str, tuple[str, int]] = {}
    for i, dimension in enumerate(definition.dimensions):
        yield from _key_once("dimension", dimension.key, line(("dimensions", i, "key")), first_dimension)
        if not dimension.items:
            yield line(("dimensions", i, "items")), f"dimension {dimension.key!r} has no items"
        for j, key in enumerate(dimension.items):
            where = line(("dimensions", i, "items", j))
            if not keys:
                continue  # no pages: that is the problem reported, not each item
            if key not in ratings:
                what = "is not a rating question" if key in keys else "names no question"
                yield where, f"dimension {dimension.key!r}: item {key!r} {what} (dimensions group rating questions)"
            elif key in first_item:
                other, other_line = first_item[key]
                yield where, f"item {key!r} is already in dimension {other!r} (line {other_line}): an item has one dimension"
            first_item.setdefault(key, (dimension.key, where))
    for at, question in _located_questions(definition) if definition.dimensions else ():
        if isinstance(question, RatingQuestion) and question.key not in first_item:
            yield line((*at, "key")), (
                f"rating item {question.key!r} is in no dimension: list it under the items of one dimension"
            )
    if definition.overall is not None and definition.dimensions and definition.overall not in first_dimension:
        yield line(("overall",)), (
            f"overall {definition.overall!r} names no dimension (the dimensions are {', '.join(first_dimension)})"
        )


def _conditions(definition: QuestionnaireDefinition, line: Line) -> Iterator[Finding]:
    """A condition parses, and reads only stored questions on earlier pages, with values they can have: the
    server decides what to show from the pages already sent."""
    earlier: dict[str, Question] = {}
    for i, page in enumerate(definition.pages):
        if page.shown_if is not None:
            yield from _condition(definition, page.shown_if, ("pages", i, "shown_if"), earlier, line)
        for j, question in enumerate(page.questions):
            if question.shown_if is not None:
                yield from _condition(
                    definition, question.shown_if, ("pages", i, "questions", j, "shown_if"), earlier, line
                )
        earlier.update((question.key, question) for question in page.questions if question.stored)


def _condition(
    definition: QuestionnaireDefinition, text: str, at: Path, earlier: dict[str, Question], line: Line
) -> Iterator[Finding]:
    where = line(at)
    try:
        condition = parse_condition(text)
    except ConditionError as error:
        yield where, f"{describe(at)}: {error}"
        return
    everything = {question.key: question for question in definition.questions()}
    for key in sorted(condition.keys):
        if key not in earlier:
            if key not in everything:
                reason = "no question has this key"
            elif not everything[key].stored:
                reason = "it is display text, which has no answer"
            else:
                reason = "it is not asked on an earlier page"
            yield where, f"{describe(at)}: the condition reads {key!r}, but {reason}"
    for node in _nodes(condition):
        question = earlier.get(getattr(node, "key", ""))
        if question is None:
            continue
        problem = _value_problem(definition, node, question)
        if problem:
            yield where, f"{describe(at)}: {problem}"


def _nodes(condition: Condition) -> Iterator[Condition]:
    """The condition and every condition inside it."""
    yield condition
    if isinstance(condition, Junction):
        for operand in condition.operands:
            yield from _nodes(operand)
    elif isinstance(condition, Not):
        yield from _nodes(condition.operand)


def _value_problem(definition: QuestionnaireDefinition, node, question: Question) -> str | None:
    """A literal the question can never have, which would make the condition silently always false."""
    if isinstance(node, Selected):
        if isinstance(question, SingleChoiceQuestion | MultipleChoiceQuestion) and question.options is not None:
            if node.option not in {option.key for option in question.options}:
                return f"{question.key!r} has no option {node.option!r}"
            return None
        return f"selected() needs a choice question; {question.key!r} is {question.type}"
    if not isinstance(node, Comparison):
        return None
    if isinstance(question, MultipleChoiceQuestion):
        return f"{question.key!r} is a multiple choice: test it with selected({question.key}, 'option')"
    if isinstance(question, TextQuestion):
        return f"{question.key!r} is free text: a condition may only test answered({question.key})"
    if isinstance(node.value, str) and node.operator not in ("=", "!="):
        return f"{node.operator} compares numbers: a value in quotes is tested with = or !="
    if isinstance(question, SingleChoiceQuestion) and not isinstance(node.value, str):
        return f"{question.key!r} is a single choice: compare it with an option key in quotes, not {node.value:g}"
    if isinstance(question, SingleChoiceQuestion) and question.options is not None:
        if isinstance(node.value, str) and node.value not in {option.key for option in question.options}:
            return f"{question.key!r} has no option {node.value!r}"
    if isinstance(question, RatingQuestion) and question.scale in definition.scales:
        scale = definition.scales[question.scale]
        if isinstance(node.value, str) and scale.non_substantive_by_key(node.value) is None:
            return f"{question.key!r} is answered with codes 1..{scale.points} or a non-substantive option, not {node.value!r}"
        if not isinstance(node.value, str) and not (
            float(node.value).is_integer() and 1 <= node.value <= scale.points
        ):
            return f"{question.key!r} is answered with codes 1..{scale.points}, not {node.value:g}"
    if isinstance(question, NumericQuestion) and isinstance(node.value, str):
        return f"{question.key!r} is a number: compare it with a number, not {node.value!r}"
    return None


def _lineage(definition: QuestionnaireDefinition, line: Line) -> Iterator[Finding]:
    """Lineage in a later version only (required on rating items); each previous question is continued by at
    most one question, or replaced."""
    claims: dict[str, tuple[str, int]] = {}
    replacing: list[tuple[Question, int]] = []
    for at, question in _located_questions(definition):
        if not question.stored:
            continue
        if isinstance(question, RatingQuestion) and question.equivalent_scale is not None and (
            question.previous_key() is None
        ):
            yield line((*at, "equivalent_scale")), (
                f"question {question.key!r} declares equivalent_scale, but continues no question of a previous "
                "version: it is for a continued item whose scale changed"
            )
        lineage_line, replaces_line = line((*at, "lineage")), line((*at, "replaces"))
        if definition.previous is None:
            for field, value, where in (
                ("lineage", question.lineage, lineage_line),
                ("replaces", question.replaces, replaces_line),
            ):
                if value is not None:
                    yield where, f"question {question.key!r} has {field}, but this is the first version of its family"
            continue
        if question.lineage is None:
            if isinstance(question, RatingQuestion):
                yield line(at), (
                    f"item {question.key!r} needs lineage: same, new, or the key of an item of version "
                    f"{definition.previous!r}"
                )
            continue
        if question.lineage not in ("same", "new") and not QUESTION_KEY.fullmatch(question.lineage):
            yield lineage_line, (
                f"question {question.key!r}: lineage {question.lineage!r} must be same, new, or a question key"
            )
        if question.replaces is not None:
            if question.lineage != "new":
                yield replaces_line, f"question {question.key!r}: replaces is only allowed with lineage: new"
            else:
                replacing.append((question, replaces_line))
        claimed = question.previous_key()
        if claimed is None:
            continue
        if claimed in claims:
            other, other_line = claims[claimed]
            yield lineage_line, (
                f"question {question.key!r} continues previous question {claimed!r}, as does question {other!r} "
                f"(line {other_line})"
            )
        else:
            claims[claimed] = (question.key, lineage_line)
    for question, replaces_line in replacing:
        if question.replaces in claims:
            other, other_line = claims[question.replaces]
            yield replaces_line, (
                f"question {question.key!r} replaces previous question {question.replaces!r}, which question "
                f"{other!r} (line {other_line}) continues by lineage: a previous question is continued or replaced, "
                "not both"
            )

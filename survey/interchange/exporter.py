"""A published questionnaire version as an XLSForm workbook that imports back to the same checksum.

Other XLSForm tools read the standard columns (`type`, `name`, `label::Language (tag)`, `hint::...`,
`required`, `relevant`, `constraint`, `appearance`, the choices and the settings); what XLSForm has no column
for travels in this project's extension columns and sheets, listed in `survey/interchange/xlsform.py`, so that
nothing is lost: `shown_if` (the condition as written), lineage, scale order and end-only labels, option and
non-substantive codes, exclusive options, numeric bounds and unit, text length, page randomisation, the
interface strings, the dimensions' titles and item order, audience, previous version and language order.
"""
from __future__ import annotations

import io

import openpyxl
from openpyxl.styles import Font

from survey.catalog.definition import QuestionnaireDefinition
from survey.questions import (
    DisplayText,
    MultipleChoiceQuestion,
    NumericQuestion,
    Question,
    RatingQuestion,
    SingleChoiceQuestion,
    TextQuestion,
)
from survey.questions.conditions import Answered, Comparison, Condition, Junction, Not, Selected, parse_condition


def language_column(base: str, language: str) -> str:
    """`label::Danish (da)`: the XLSForm way to name a language, with the BCP 47 tag in parentheses."""
    try:
        from babel import Locale

        name = Locale.parse(language, sep="-").english_name or language
    except Exception:  # babel does not know every tag (prs): the tag itself names it
        name = language
    return f"{base}::{name} ({language})"


def xlsform_relevant(condition: Condition) -> str:
    """A condition in XLSForm's XPath dialect, for the tools that read `relevant`."""
    if isinstance(condition, Comparison):
        value = condition.value
        literal = f"'{value}'" if isinstance(value, str) and "'" not in value else (
            f'"{value}"' if isinstance(value, str) else _number(value))
        return f"${{{condition.key}}} {condition.operator} {literal}"
    if isinstance(condition, Selected):
        return f"selected(${{{condition.key}}}, '{condition.option}')"
    if isinstance(condition, Answered):
        return f"${{{condition.key}}} != ''"
    if isinstance(condition, Not):
        return f"not({xlsform_relevant(condition.operand)})"
    assert isinstance(condition, Junction)
    return f" {condition.operator} ".join(
        f"({xlsform_relevant(operand)})" if isinstance(operand, Junction) else xlsform_relevant(operand)
        for operand in condition.operands
    )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _cell(value: object) -> object:
    """Floats as text (`14.0` stays a float on the way back); everything else as it is."""
    return repr(value) if isinstance(value, float) else value


class _Sheet:
    def __init__(self, columns: list[str]) -> None:
        self.columns = columns
        self.rows: list[dict] = []

    def add(self, **cells) -> dict:
        row = {k.replace("__", "::"): v for k, v in cells.items()}
        self.rows.append(row)
        return row

    def write(self, book: openpyxl.Workbook, title: str) -> None:
        used = [column for column in self.columns if any(row.get(column) not in (None, "") for row in self.rows)]
        sheet = book.create_sheet(title)
        sheet.append(used)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in self.rows:
            sheet.append([_cell(row.get(column)) for column in used])


def export_xlsform(definition: QuestionnaireDefinition) -> bytes:
    """The definition as an .xlsx XLSForm workbook (bytes)."""
    languages = list(definition.languages)

    def texts(row: dict, base: str, text: dict | None) -> None:
        for language in languages:
            if text and language in text:
                row[language_column(base, language)] = text[language]

    def columns(*bases: str) -> list[str]:
        return [language_column(base, language) for base in bases for language in languages]

    survey = _Sheet(
        ["type", "name", *columns("label"), *columns("hint"), "required", "relevant", "shown_if", "dimension",
         "reverse", "appearance", "constraint", "min", "max", *columns("unit"), "long", "max_length", "source",
         "lineage", "replaces", "equivalent_scale", "randomise"]
    )
    choices = _Sheet(["list_name", "name", *columns("label"), "code", "exclusive", "order", "labels"])
    list_names: set[str] = set(definition.scales)

    for key, scale in definition.scales.items():
        mode = "ends" if scale.labels is None else ""
        for code in scale.display_codes():
            row = choices.add(list_name=key, name=str(code), order=scale.order, labels=mode)
            for language in languages:
                label = scale.point_label(code, language, definition.default_language) if (
                    (scale.labels or scale.ends or {}).get(language)) else None
                if label is None and language == definition.default_language:
                    label = str(code)  # an unlabelled middle point: XLSForm tools need a label
                if label is not None:
                    row[language_column("label", language)] = label
        for option in scale.non_substantive:
            row = choices.add(list_name=key, name=option.key, code=option.code, order=scale.order, labels=mode)
            texts(row, "label", option.label)

    def options_list(question: Question) -> str:
        name = question.key
        while name in list_names:
            name = f"{name}_options"
        list_names.add(name)
        for option in question.options:
            row = choices.add(list_name=name, name=option.key, code=option.code,
                              exclusive="yes" if option.exclusive else None)
            texts(row, "label", option.label)
        return name

    for page in definition.pages:
        row = survey.add(type="begin_group", name=page.key, shown_if=page.shown_if,
                         relevant=xlsform_relevant(parse_condition(page.shown_if)) if page.shown_if else None,
                         randomise="yes" if page.randomise else None)
        texts(row, "label", page.title)
        for question in page.questions:
            row = survey.add(name=question.key)
            texts(row, "label", question.text)
            texts(row, "hint", question.help)
            if question.shown_if:
                row["shown_if"] = question.shown_if
                row["relevant"] = xlsform_relevant(parse_condition(question.shown_if))
            for column in ("lineage", "replaces"):
                row[column] = getattr(question, column)
            if not isinstance(question, DisplayText):
                row["required"] = "yes" if question.required else "no"
            if isinstance(question, DisplayText):
                row["type"] = "note"
            elif isinstance(question, RatingQuestion):
                dimension = definition.dimension_of(question.key)
                row.update(type=f"select_one {question.scale}", dimension=dimension.key if dimension else None,
                           reverse="yes" if question.reverse else "no", equivalent_scale=question.equivalent_scale)
            elif isinstance(question, SingleChoiceQuestion) and question.source is not None:
                row.update(type="select_one program", source=question.source)
            elif isinstance(question, SingleChoiceQuestion | MultipleChoiceQuestion):
                kind = "select_one" if isinstance(question, SingleChoiceQuestion) else "select_multiple"
                row["type"] = f"{kind} {options_list(question)}"
            elif isinstance(question, NumericQuestion):
                row["type"] = "decimal" if question.decimal else "integer"
                row["min"], row["max"] = question.min, question.max
                bounds = [f". >= {_number(question.min)}" if question.min is not None else None,
                          f". <= {_number(question.max)}" if question.max is not None else None]
                row["constraint"] = " and ".join(bound for bound in bounds if bound) or None
                texts(row, "unit", question.unit)
            elif isinstance(question, TextQuestion):
                row.update(type="text", long="yes" if question.long else "no", max_length=question.max_length,
                           appearance="multiline" if question.long else None)
        survey.add(type="end_group", name=page.key)

    settings = _Sheet(["form_title", *columns("form_title"), "form_id", "version", "default_language", "overall",
                       "audience", "previous", "languages", *columns("intro")])
    row = settings.add(form_title=definition.title[definition.default_language], form_id=definition.family,
                       version=definition.version, overall=definition.overall, audience=definition.audience,
                       previous=definition.previous, languages=" ".join(languages),
                       default_language=language_column("x", definition.default_language).split("::", 1)[1])
    texts(row, "form_title", definition.title)
    texts(row, "intro", definition.intro)

    dimensions = _Sheet(["name", *columns("label"), "items"])
    for dimension in definition.dimensions:
        row = dimensions.add(name=dimension.key, items=" ".join(dimension.items))
        texts(row, "label", dimension.title)

    interface = _Sheet(["language", "message", "text"])
    for language, messages in definition.interface.items():
        for message, text in messages.items():
            interface.add(language=language, message=message, text=text)

    book = openpyxl.Workbook()
    book.remove(book.active)
    survey.write(book, "survey")
    choices.write(book, "choices")
    settings.write(book, "settings")
    dimensions.write(book, "dimensions")
    if interface.rows:
        interface.write(book, "interface")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

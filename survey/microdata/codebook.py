"""The codebook of a response export: one row per exported variable, as CSV or as an accessible HTML table.

Columns: `variable` (the name in every export format), `key` (the question key; empty for the fixed columns),
`question` (the variable label: the question text in the definition's default language), `type` (the
question type, or `fixed`), `values` (what a value may be), `value_labels` (every labelled code, `CODE = label`
separated by `; `, non-substantive codes marked, "not asked" where routing can skip the question), `shown_if`
(the condition of the question and its page), `dimension` (the dimensions a rating item belongs to),
`reverse` (yes for a reverse-worded rating item), `lineage` (as the definition gives it: same, new or the key
of the previous version's question it continues).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from survey.microdata.variables import FIXED, NOT_ASKED_CODE, NOT_ASKED_LABEL, ExportError, Variable
from survey.spreadsheet import escape_formula

COLUMNS = ("variable", "key", "question", "type", "values", "value_labels", "shown_if", "dimension", "reverse",
           "lineage")
CODEBOOK_FORMATS = ("csv", "html")
NON_SUBSTANTIVE = "non-substantive"
_TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "microdata"
_environment = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(default=True),
                           trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True)
class ValueLabel:
    code: int | str
    label: str
    note: str = ""  # "non-substantive", "Stata: .a"
    translated: bool = True  # the label is the questionnaire's text (False: Benchlearn's own English)

    def __str__(self) -> str:
        return f"{self.code} = {self.label}" + (f" ({self.note})" if self.note else "")


@dataclass(frozen=True)
class CodebookRow:
    variable: str
    key: str
    question: str
    type: str
    values: str
    value_labels: tuple[ValueLabel, ...] = ()
    shown_if: str = ""
    dimension: str = ""
    reverse: str = ""
    lineage: str = ""

    def as_text(self) -> dict[str, str]:
        """The row with every column as text, in `COLUMNS` order (value labels joined by "; ")."""
        row = {column: getattr(self, column) for column in COLUMNS}
        row["value_labels"] = "; ".join(str(label) for label in self.value_labels)
        return row


def codebook_rows(variables: Iterable[Variable]) -> list[CodebookRow]:
    """The fixed columns, then one row per variable, in export order."""
    rows = [CodebookRow(column.name, "", column.label, "fixed", column.values) for column in FIXED]
    for variable in variables:
        labels = [ValueLabel(code, text) for code, text in variable.value_labels.items()]
        labels += [ValueLabel(code, text, NON_SUBSTANTIVE) for code, text in variable.missing.items()]
        if variable.routed:
            labels.append(ValueLabel(NOT_ASKED_CODE, NOT_ASKED_LABEL, "Stata: .a", translated=False))
        rows.append(CodebookRow(
            variable=variable.name, key=variable.key, question=variable.label, type=variable.type,
            values=variable.values, value_labels=tuple(labels), shown_if=variable.shown_if,
            dimension=variable.dimension, reverse={True: "yes", False: "no", None: ""}[variable.reverse],
            lineage=variable.lineage))
    return rows


def codebook_csv(rows: list[CodebookRow]) -> bytes:
    """UTF-8 CSV with a BOM (spreadsheets read it as UTF-8); formula-like cells escaped."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: escape_formula(value) for column, value in row.as_text().items()})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def codebook_html(rows: list[CodebookRow], *, title: str, language: str) -> bytes:
    """A standalone HTML page (no scripts, no external resources): a table with a caption and column headers,
    autoescaped. `language`: the language of the question texts and labels; their cells carry `lang` and
    `dir="auto"`, so a right-to-left language reads right to left."""
    template = _environment.get_template("codebook.html")
    return template.render(rows=rows, columns=COLUMNS, title=title, language=language,
                           not_asked=NOT_ASKED_CODE).encode("utf-8")


def codebook_bytes(rows: list[CodebookRow], fmt: str, *, title: str, language: str) -> bytes:
    if fmt == "csv":
        return codebook_csv(rows)
    if fmt == "html":
        return codebook_html(rows, title=title, language=language)
    raise ExportError(f"unsupported codebook format {fmt!r}; use .csv or .html")


def codebook_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in CODEBOOK_FORMATS:
        raise ExportError(f"{Path(path).name}: unsupported file type {Path(path).suffix or '(none)'!r}; "
                          "use .csv or .html")
    return suffix

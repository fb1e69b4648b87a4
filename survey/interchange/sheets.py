"""Spreadsheets as rows of text: the one shape the XLSForm importer reads, whatever the file format.

XLSForm is a set of sheets (`survey`, `choices`, `settings`, and this project's `dimensions` and `interface`),
each with a header row. `.xlsx` is read with openpyxl (which parses the workbook's XML through defusedxml),
`.xls` with xlrd, and `.csv` (UTF-8, comma- or semicolon-separated) in pyxform's single-file layout: the first
column names the sheet a block of rows belongs to (`survey`, `choices`, `settings`), the first row of each block
with content is its header, and every other column holds the cells, e.g.

    survey,type,name,label::English (en)
    ,select_one agree,teach_explains,The teacher explains well
    choices,list_name,name,label::English (en)
    ,agree,1,Disagree

A CSV whose first cell is `type` is read as the survey sheet alone. Every row keeps the number the user sees:
the spreadsheet row (the header is row 1), or the CSV line.
"""
from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

from survey.interchange.report import ImportFailed

MAX_BYTES = 16 * 1024 * 1024
"""The largest file the importer reads (the admin upload has its own, smaller limit: MAX_UPLOAD_BYTES)."""
MAX_UNCOMPRESSED = 64 * 1024 * 1024
"""An .xlsx is a zip archive: a larger content is a zip bomb, refused before openpyxl inflates it."""
MAX_ROWS = 20_000
MAX_COLUMNS = 300
SHEETS = ("survey", "choices", "settings", "dimensions", "interface")


@dataclass(frozen=True)
class Row:
    number: int
    """The row as the user sees it: spreadsheet row number (header = 1) or CSV line."""
    cells: dict[str, str]

    def get(self, column: str, default: str = "") -> str:
        return self.cells.get(column, default)


@dataclass
class Sheet:
    name: str
    columns: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    """(where, message) for columns that could not be read (duplicates)."""
    unit: str = "row"
    """How the user finds a row: spreadsheet `row`, or CSV `line`."""

    def where(self, row: Row | int) -> str:
        number = row.number if isinstance(row, Row) else row
        return f"sheet {self.name}, {self.unit} {number}"


Workbook = dict[str, Sheet]


def normalise_column(header: str) -> str:
    """`Label::English (en)` -> `label::English (en)`: the part before `::` is case-insensitive, the language
    part is kept as written; runs of spaces collapse."""
    header = re.sub(r"\s+", " ", header.strip())
    base, sep, rest = header.partition("::")
    return base.strip().lower().replace(" ", "_") + (sep + rest.strip() if sep else "")


def cell_text(value: object) -> str:
    """A cell as the text a user typed: integral numbers without `.0`, booleans as `true`/`false`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    return str(value).replace("\u00a0", " ").strip()


def read_workbook(data: bytes, filename: str) -> Workbook:
    """The XLSForm sheets of a file; raise ImportFailed when the file cannot be read at all."""
    if len(data) > MAX_BYTES:
        raise ImportFailed(f"{filename}: the file has {len(data):,} bytes; at most {MAX_BYTES:,} are read")
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix == "xlsx":
        grids = _xlsx_grids(data, filename)
    elif suffix == "xls":
        grids = _xls_grids(data, filename)
    elif suffix == "csv":
        return _csv_workbook(data, filename)
    else:
        raise ImportFailed(f"{filename}: not an XLSForm file (.xlsx, .xls or .csv)")
    workbook: Workbook = {}
    for name, grid in grids:
        key = name.strip().lower()
        if key in SHEETS and key not in workbook:
            workbook[key] = _sheet_from_grid(key, grid)
    return workbook


def _xlsx_grids(data: bytes, filename: str):
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportFailed(f"{filename}: not an .xlsx workbook (it is not a zip archive)") from None
    if inflated > MAX_UNCOMPRESSED:
        raise ImportFailed(f"{filename}: the workbook inflates to {inflated:,} bytes; at most {MAX_UNCOMPRESSED:,} are read")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            grids = []
            for sheet in book.worksheets:
                rows = []
                for values in sheet.iter_rows(values_only=True):
                    if len(rows) > MAX_ROWS:
                        raise ImportFailed(f"{filename}: sheet {sheet.title} has more than {MAX_ROWS:,} rows")
                    rows.append([cell_text(value) for value in values[:MAX_COLUMNS]])
                grids.append((sheet.title, rows))
            return grids
        finally:
            book.close()
    except ImportFailed:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise ImportFailed(f"{filename}: {_unreadable(error)}") from None


def _unreadable(error: BaseException) -> str:
    """Why openpyxl could not read a workbook, naming a refused DTD or entity (defusedxml) as such."""
    import defusedxml

    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, defusedxml.DefusedXmlException):
            return "refused: the workbook's XML declares a DTD or entities, which a spreadsheet never needs"
        cause = cause.__cause__ or cause.__context__
    return f"the workbook cannot be read ({type(error).__name__}: {error})"


def _xls_grids(data: bytes, filename: str):
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except Exception as error:  # xlrd.XLRDError and struct errors for a damaged file
        raise ImportFailed(f"{filename}: the .xls workbook cannot be read ({error})") from None
    grids = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if sheet.nrows > MAX_ROWS + 1:
                raise ImportFailed(f"{filename}: sheet {sheet.name} has more than {MAX_ROWS:,} rows")
            rows = []
            for r in range(sheet.nrows):
                row = []
                for c in range(min(sheet.ncols, MAX_COLUMNS)):
                    cell = sheet.cell(r, c)
                    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
                        row.append(cell_text(bool(cell.value)))
                    elif cell.ctype == xlrd.XL_CELL_DATE:
                        row.append(cell_text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)))
                    else:
                        row.append(cell_text(cell.value))
                rows.append(row)
            grids.append((sheet.name, rows))
    finally:
        book.release_resources()
    return grids


def _sheet_from_grid(name: str, grid: list[list[str]]) -> Sheet:
    sheet = Sheet(name)
    header_at = next((i for i, row in enumerate(grid) if any(row)), None)
    if header_at is None:
        return sheet
    _set_header(sheet, grid[header_at], header_at + 1)
    for index in range(header_at + 1, len(grid)):
        _add_row(sheet, grid[index], index + 1)
    return sheet


def _set_header(sheet: Sheet, cells: list[str], number: int) -> None:
    seen: set[str] = set()
    for position, header in enumerate(cells):
        column = normalise_column(header) if header else ""
        if column and column in seen:
            sheet.problems.append((sheet.where(number), f"column {header!r} appears twice: the second is ignored"))
            column = ""
        seen.add(column)
        sheet.columns.append(column)


def _add_row(sheet: Sheet, cells: list[str], number: int) -> None:
    values = {
        column: value.strip()
        for column, value in zip(sheet.columns, cells)
        if column and value and value.strip()
    }
    if values:
        sheet.rows.append(Row(number, values))


def _csv_workbook(data: bytes, filename: str) -> Workbook:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportFailed(f"{filename}: line {line} is not UTF-8 text: save the CSV as UTF-8") from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","  # Excel saves ';' in many locales
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    workbook: Workbook = {}
    sheet: Sheet | None = None
    first = True
    try:
        for cells in reader:
            number = reader.line_num
            if number > MAX_ROWS * 3:
                raise ImportFailed(f"{filename}: more than {MAX_ROWS * 3:,} lines")
            cells = [cell.replace("\u00a0", " ").strip() for cell in cells[: MAX_COLUMNS + 1]]
            if not any(cells):
                continue
            if first:
                first = False
                if normalise_column(cells[0]) == "type":  # the survey sheet alone, no sheet column
                    sheet = workbook.setdefault("survey", Sheet("survey", unit="line"))
                    _set_header(sheet, cells, number)
                    reader_has_sheet_column = False
                    continue
                reader_has_sheet_column = True
            if not reader_has_sheet_column:
                _add_row(sheet, cells, number)
                continue
            name, content = cells[0].lower(), cells[1:]
            if name:
                if name not in SHEETS:
                    raise ImportFailed(f"{filename}, line {number}: {cells[0]!r} is not an XLSForm sheet name "
                                       f"(the first column names the sheet: {', '.join(SHEETS)})")
                sheet = workbook.setdefault(name, Sheet(name, unit="line"))
                if not any(content):
                    continue
                if not sheet.columns:
                    _set_header(sheet, content, number)
                    continue
            if sheet is None:
                raise ImportFailed(f"{filename}, line {number}: the first column must name a sheet (survey, choices, settings)")
            if not sheet.columns:
                _set_header(sheet, content, number)
            else:
                _add_row(sheet, content, number)
    except csv.Error as error:
        raise ImportFailed(f"{filename}, line {reader.line_num}: not a readable CSV ({error})") from None
    return workbook

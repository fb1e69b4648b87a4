"""Build XLSForm workbooks (.xlsx, .csv) and LimeSurvey .lss files in the tests, from the formats' documentation."""
from __future__ import annotations

import csv
import io

import openpyxl


def xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    """A workbook with one sheet per entry; each entry's first row is the header."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pyxform_csv(sheets: dict[str, list[list[object]]]) -> bytes:
    """pyxform's single-CSV layout: the sheet name in the first column of its first row, cells after it."""
    out = io.StringIO()
    writer = csv.writer(out)
    for name, rows in sheets.items():
        writer.writerow([name])
        for row in rows:
            writer.writerow([""] + ["" if cell is None else cell for cell in row])
    return out.getvalue().encode("utf-8")

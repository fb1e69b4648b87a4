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


def xls(sheets: dict[str, list[list[object]]]) -> bytes:
    """The same workbook in the old binary .xls format (xlwt)."""
    import xlwt

    book = xlwt.Workbook()
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


WELLBEING = {
    "survey": [
        ["type", "name", "label::Dansk (da)", "label::English (en)", "label::العربية (ar)", "hint::Dansk (da)",
         "hint::English (en)", "required", "relevant", "dimension", "dimension_label::Dansk (da)", "reverse"],
        ["begin_group", "school", "Skolen", "School", "المدرسة"],
        ["note", "school_intro", "Om din skole", "About your school", "عن مدرستك"],
        ["select_one agree", "school.safe", "Jeg føler mig tryg", "I feel safe", "أشعر بالأمان", "Tænk på i år",
         "Think of this year", "yes", "", "school", "Skolen"],
        ["select_one agree", "school.bored", "Jeg keder mig", "I am bored", "أشعر بالملل", None, None, "yes", "",
         "school", None, "yes"],
        ["select_one often", "bullied", "Bliver du mobbet?", "Are you bullied?", "هل تتعرض للتنمر؟", None, None,
         "yes", "", "bullying", "Mobning"],
        ["end_group"],
        ["begin_group", "about", "Om dig", "About you"],
        ["select_one gender", "gender", "Køn", "Gender", "الجنس"],
        ["select_multiple activity", "activities", "Fritid", "Spare time", "وقت الفراغ"],
        ["integer", "age", "Alder", "Age", "العمر", None, None, "yes"],
        ["end_group"],
        ["begin_group", "bullying_more", "Mere om mobning", "More about bullying", None, None, None, None,
         "${bullied} >= 3"],
        ["decimal", "hours", "Timer om ugen", "Hours a week", None, None, None, None,
         "${age} > 15 and selected(${activities}, 'sport')"],
        ["text", "where", "Hvor sker det?", "Where does it happen?", None, None, None, None,
         "not(${gender} = 'female') or ${school.safe} < 3 or ${bullied} != 'dk'"],
        ["select_one agree", "told", "Har du fortalt det?", "Did you tell anyone?", None, None, None, "no",
         "${bullied} = '5'", "bullying"],
        ["end_group"],
    ],
    "choices": [
        ["list_name", "name", "label::Dansk (da)", "label::English (en)", "label::العربية (ar)"],
        ["agree", "1", "Helt uenig", "Strongly disagree", "لا أوافق بشدة"],
        ["agree", "2", "Uenig", "Disagree", "لا أوافق"],
        ["agree", "3", "Hverken eller", "Neither", "محايد"],
        ["agree", "4", "Enig", "Agree", "أوافق"],
        ["agree", "5", "Helt enig", "Strongly agree", "أوافق بشدة"],
        ["often", "5", "Aldrig", "Never", "أبدا"],
        ["often", "4", "Sjældent", "Rarely", "نادرا"],
        ["often", "3", "Nogle gange", "Sometimes", "أحيانا"],
        ["often", "2", "Ofte", "Often", "غالبا"],
        ["often", "1", "Hver dag", "Every day", "كل يوم"],
        ["often", "dk", "Ved ikke", "Don't know", "لا أعرف"],
        ["often", "na", "Vil ikke svare", "Rather not say", "أفضل عدم الإجابة"],
        ["gender", "female", "Pige", "Girl", "فتاة"],
        ["gender", "male", "Dreng", "Boy", "فتى"],
        ["activity", "sport", "Sport", "Sport", "رياضة"],
        ["activity", "music", "Musik", "Music", "موسيقى"],
    ],
    "settings": [
        ["form_title", "form_id", "version", "default_language", "overall"],
        ["Trivsel", "trivsel", "2024-01", "Dansk (da)", "school"],
    ],
}
"""A well-being questionnaire in XLSForm, written from the XLSForm documentation's conventions."""

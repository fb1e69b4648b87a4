"""Interchange: questionnaires in and out of other tools' formats.

Import reads XLSForm (.xlsx, .xls, .csv) and LimeSurvey structure files (.lss) into a format-2 questionnaire
YAML file (questionnaires/README.md), reporting precisely what could not be carried; export writes a published
version as an XLSForm workbook that imports back to the same checksum. The CLI commands live in `cli.py`, the
admin upload in `views.py`; everything else is pure functions of bytes in, document and findings out.
"""

"""Microdata: a round's responses as one row per response (CSV, XLSX, Parquet, SPSS, Stata) and the codebook
that documents every variable. Network admins only (METHOD.md, Anonymity): no free text, random ids, shuffled
rows.

names.py      the documented mapping of question keys to names legal in SPSS and Stata
variables.py  the neutral description of an exported variable and the table of values, shared by every writer
writers.py    one writer per format (XLSX in constant memory, SPSS/Stata through pyreadstat)
codebook.py   the codebook as rows, CSV and an accessible HTML table
responses.py  a round's responses read from the database and turned into the table through the question types
cli.py        `benchlearn questionnaire codebook`
"""

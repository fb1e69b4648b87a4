"""The background questions' section of a school report: the school beside the network."""
from __future__ import annotations

from survey.reporting.format import format_interval, format_number, format_percent
from survey.reporting.inputs import NETWORK, SchoolReportInputs
from survey.reporting.layout.cells import is_suppressed, row_of, shown_n, value


def question_sections(inputs: SchoolReportInputs) -> list[dict]:
    """The background questions' results, the school beside the network: each option's share (a multiple
    choice: the share of respondents choosing it), or a numeric question's n, mean, median and quartiles.
    Suppressed cells show "–" like every other."""
    table = inputs.question_results
    if table is None or table.empty:
        return []
    lang = inputs.language
    sections = []
    for question in inputs.questions:
        rows = table[table["question"] == question.key]
        if rows.empty:
            continue
        own = rows[rows["school"] == inputs.school_code].set_index("option")
        net = rows[rows["school"] == NETWORK].set_index("option")

        def cell(frame, option, column):
            row = row_of(frame, option)
            return None if is_suppressed(row) else value(row, column)

        def n_of(frame, option):
            row = row_of(frame, option)
            return shown_n(row, is_suppressed(row)) if row is not None else "–"

        if question.type == "numeric":
            stats = [{"n": n_of(frame, ""), "mean": format_number(cell(frame, "", "mean"), lang),
                      "median": format_number(cell(frame, "", "median"), lang),
                      "quartiles": format_interval(cell(frame, "", "q1"), cell(frame, "", "q3"), lang)}
                     for frame in (own, net)]
            sections.append({"text": question.text, "numeric": True, "unit": question.unit, "multiple": False,
                             "school": stats[0], "network": stats[1]})
        else:
            first = own.index[0] if len(own) else None
            sections.append({"text": question.text, "numeric": False, "unit": "", "multiple": question.type == "multiple",
                             "n": n_of(own, first) if first is not None else "–",
                             "options": [{"label": label,
                                          "school": format_percent(cell(own, option, "share"), lang),
                                          "network": format_percent(cell(net, option, "share"), lang)}
                                         for option, label in question.options]})
    return sections

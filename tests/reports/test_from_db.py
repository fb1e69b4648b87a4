"""A real round's reports from the database, end to end: responses -> round_results -> report inputs -> PDF,
read back with pdftotext. Runs on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from survey.analysis import dimension_index, respondent_dimension_scores
from survey.reporting import figures, layout, pdf
from survey.reporting.format import format_index, format_interval, format_n, format_percent, format_signed
from survey.reporting.loader import load_round_inputs
from survey.results.operations import freeze_round_results, take_snapshot
from survey.results.export import aggregates_table
from survey.results.loading import load_round
from tests.reports.conftest import pdf_text
from tests.results.conftest import HYPERLINK

AFTER = date(2026, 6, 1)
TINY = "TINYPRGQX"  # a program with 2 responses: suppressed, never named
COMMENT = "Gode <b>lærere</b> & =HYPERLINK(\"x\")"
SECRET = "Hemmelig kommentar fra en lille skole"
# code -> (type, responses, mean answer on "teach"); overall satisfaction follows teach
SCHOOLS = {"LOW": ("EUD", 14, 1.6), "BIG": ("EUD", 30, 3.0), "MID": ("hhx", 12, 3.2), "SMALL": ("stx", 3, 3.0),
           "TOP1": ("hhx", 20, 4.6), "TOP2": ("EUD", 16, 4.5), "TOP3": ("stx", 12, 4.4)}


@pytest.fixture
def db_round(make_version, make_school, make_round, add_response):
    rng = np.random.default_rng(5)
    schools = {code: make_school(code, name=f"Skolen {code.title()}", type=kind,
                                 programs=("EL", "VVS", TINY) if code == "BIG" else ("EL",))
               for code, (kind, _, _) in SCHOOLS.items()}
    schools["BIG"].report_language = "en"
    survey_round = make_round(make_version(), schools.values())
    for code, school in schools.items():
        _, size, teach = SCHOOLS[code]
        for i in range(size):
            t = int(np.clip(round(teach + rng.normal(0, 0.7)), 1, 5))
            answers = {"teach.explains": t, "teach.boring": 6 - t, "teach.feedback": int(np.clip(t + rng.integers(-1, 2), 1, 5)),
                       "wellbeing.safe": int(rng.integers(2, 6)), "wellbeing.friends": int(rng.integers(1, 5)),
                       "overall.satisfied": t, "overall.recommend": int(np.clip(t + rng.integers(-1, 2), 1, 5))}
            program = (TINY if i < 2 else ("EL", "VVS")[i % 2]) if code == "BIG" else "EL"
            text = {"BIG": COMMENT if i == 0 else None, "SMALL": SECRET if i == 0 else None}.get(code)
            add_response(survey_round, school, answers, program=program, gender=("female", "male")[i % 2],
                         text=text)
    return survey_round


@pytest.fixture
def inputs(db_round):
    freeze_round_results(db_round, today=AFTER)
    reports, network = load_round_inputs(db_round, today=AFTER)
    return {report.school_code: report for report in reports}, network


def row_tokens(page: str, label: str) -> list[str]:
    """The cells after `label` on the table row that starts with it (pdftotext -layout keeps a row on a line)."""
    lines = [line.strip() for line in page.splitlines() if line.strip().startswith(label)]
    assert lines, (label, page)
    return max(lines, key=len)[len(label):].split()  # the longest: a chart may print the label alone


def test_school_report_from_the_database_matches_the_aggregates_export(db_round, inputs, tmp_path):
    """Every published number of the school's aggregates export, as the PDF writes it, is in the PDF read back:
    each dimension's index, interval, network mean, top quartile and rank on its summary row, and each
    published program and background group's indices on its breakdown row, under its name."""
    big = inputs[0]["BIG"]
    assert big.language == "en"  # the school's own report language
    text = pdf_text(pdf.render_school_report(big), tmp_path)
    exported = aggregates_table(db_round, school="BIG", today=AFTER)
    own = exported[exported["school"] == "BIG"]
    rows = own[(own["breakdown"] == "all") & ~own["suppressed"]]
    assert len(rows) == 3

    summary = text.split("\f")[1]
    assert "No dimension can be compared with an earlier round" in " ".join(summary.split())  # a first round
    for row in rows.itertuples():
        rank = [str(int(row.rank))] + ([f"({int(row.rank_low)}–{int(row.rank_high)})"]
                                       if "rank_low" in own.columns and pd.notna(row.rank_low) else [])
        expected = [format_n(row.n), format_percent(getattr(row, "response_rate", None), "en"),
                    format_index(row.index, "en"), format_interval(row.ci_low, row.ci_high, "en"),
                    format_index(row.network_mean, "en"), format_index(row.top_quartile, "en"),
                    *rank, "of", str(int(row.of))]
        assert row_tokens(summary, row.dimension) == expected, row.dimension

    page = next(page for page in text.split("\f") if "Breakdowns" in page)
    dimensions = [d.key for d in big.dimensions]
    names = {("program", "VVS"): "Program VVS", ("gender", "female"): "Kvinde",
             ("gender", "male"): HYPERLINK}  # programs by name, options by the questionnaire's label
    groups = own[own["breakdown"] != "all"]
    published = groups.groupby(["breakdown", "group"], sort=False).filter(lambda cells: not cells["suppressed"].any())
    # BIG's whole program split is hidden: with VVS published, TINY could be worked out across schools from
    # the network's program cells (MID and SMALL have EL only), so only the gender groups are printed
    assert set(published.groupby(["breakdown", "group"]).groups) == {("gender", "female"), ("gender", "male")}
    for (breakdown, group), cells in published.groupby(["breakdown", "group"], sort=False):
        cells = cells.set_index("dimension").loc[dimensions]
        expected = [format_n(cells["n"].max())] + [format_index(v, "en") for v in cells["index"]]
        label = names[breakdown, group]
        # a long name wraps in its cell (the numbers stay on its first line), and is printed whole
        lines = page.splitlines()
        at = next(i for i, line in enumerate(lines) if line.strip().startswith(label[:10]))
        assert lines[at].split()[-len(expected):] == expected, label
        shown = "".join(lines[at].split()[:-len(expected)]) + "".join(lines[at + 1].split())
        assert shown == "".join(label.split()), label
    for code in ("female", "VVS"):  # codes are never printed as labels
        assert not any(line.split()[:1] == [code] for line in page.splitlines()), code

    # the program split: TINY (2 responses) suppressed, EL and VVS too, so that TINY cannot be worked out from
    # the school's n or the network's; none is named, and none's index is on the page
    hidden = groups[groups["suppressed"]]
    assert set(hidden["group"]) == {TINY, "EL", "VVS"} and hidden["index"].isna().all() and hidden["n"].isna().all()
    for code in (TINY, "EL", "VVS"):
        assert code not in text and f"Program {code}" not in text and code not in pdf.school_report_html(big)
    data = load_round(db_round)
    frame = pd.concat([data.frame, data.answer_frame()], axis=1)
    true = dimension_index(respondent_dimension_scores(frame, data.spec), frame[["school", "program"]])
    for row in true[(true["school"] == "BIG") & true["program"].isin([TINY, "EL", "VVS"])].itertuples():
        assert f" {format_index(row.mean, 'en')} " not in f" {' '.join(page.split())} ", row
    # one note for the three, whatever hid each (one symbol: the small one is not told from the others)
    assert ("3 groups are shown as “–”: fewer than 5 respondents, or protected so that a small group cannot be "
            "derived.") in " ".join(page.split())
    assert "fewer than 5 responses is not shown" not in page
    assert big.round.results_hash in text.replace("\n", "").replace(" ", "")


def test_network_report_never_prints_a_suppressed_schools_n(inputs, db_round, tmp_path):
    """SMALL (3 responses) and MID, suppressed only to protect SMALL, are both "–": neither gives its n, and
    nothing tells the small one from the other."""
    _reports, network = inputs
    exported = aggregates_table(db_round, today=AFTER)
    cells = exported[exported["breakdown"] == "all"]
    small = cells[cells["school"] == "SMALL"]
    assert (small["suppression"] == "suppressed").all() and small["n"].isna().all() and (small["n_shown"] == "–").all()
    hidden = [code for code, school in cells[cells["school"] != "NETWORK"].groupby("school")
              if school["suppressed"].all() and code != "SMALL"]
    assert hidden and all((cells[cells["school"] == code]["suppression"] == "suppressed").all() for code in hidden)
    assert all(SCHOOLS[code][1] >= 5 for code in hidden)
    context = layout.network_context(network)
    labels = layout.anonymised_labels(sorted(set(cells["school"]) - {"NETWORK"}), network.round.results_hash)
    shown = {row["name"]: row for row in context["rows"]}
    assert shown[labels["SMALL"]]["n"] == "–" and shown[labels["SMALL"]]["values"] == ["–"] * 3
    assert shown[labels["SMALL"]]["rate"] == "–"  # a hidden school shows no response rate either
    for code in hidden:
        assert shown[labels[code]]["n"] == "–" and shown[labels[code]]["values"] == ["–"] * 3
    published = cells[(cells["school"] == "BIG") & ~cells["suppressed"]]
    assert shown[labels["BIG"]]["n"] == str(published["n"].max())
    text = pdf_text(pdf.render_network_report(network), tmp_path)
    assert row_tokens(text, labels["SMALL"]) == ["–"] * 5  # n, response rate and three dimensions
    for code in hidden:
        assert row_tokens(text, labels[code]) == ["–"] * 5, code
    assert "„–“: færre end 5 besvarelser, eller beskyttet så en lille gruppe ikke kan regnes ud" in " ".join(text.split())
    assert "< 5" not in text


def test_answer_labels_come_from_the_questionnaire(inputs):
    big = inputs[0]["BIG"]
    assert big.scale_labels == ["L1", "L2", "L3", "L4", "L5"]  # the definition's labels (Danish: no English)
    charts = figures.school_figures(big)
    # teach.boring is reverse-worded: its own chart, its options from the least positive (L5) to the most (L1)
    assert [trace.name for trace in charts["distribution:teach"].data] == big.scale_labels
    assert [trace.name for trace in charts["distribution:teach:1"].data] == big.scale_labels[::-1]


def test_comments_only_for_the_school_itself_and_only_from_k_min(inputs, tmp_path):
    reports, network = inputs
    big, small = reports["BIG"], reports["SMALL"]
    assert big.comments == [("Kommentarer", [COMMENT])]  # the question's text in the questionnaire
    html = pdf.school_report_html(big)
    assert "Gode &lt;b&gt;lærere&lt;/b&gt; &amp; =HYPERLINK(&#34;x&#34;)" in html and "<b>lærere" not in html
    assert "Gode <b>lærere</b>" in pdf_text(pdf.render_school_report(big), tmp_path)
    assert small.respondents == 3 and small.comments == []
    assert SECRET not in pdf.school_report_html(small)
    for school in reports.values():
        if school.school_code != "BIG":
            assert COMMENT not in str(school.comments) and "lærere" not in pdf.school_report_html(school)
    network_html = pdf.network_report_html(network)
    assert "lærere" not in network_html and SECRET not in network_html
    network_text = pdf_text(pdf.render_network_report(network), tmp_path)
    assert "lærere" not in network_text and SECRET not in network_text


def test_benchmark_partners_per_improve_first_dimension(inputs, db_round):
    low = inputs[0]["LOW"]
    assert not low.partners.empty and set(low.partners["school"]) == {"LOW"}
    context = layout.school_context(low)
    sections = {section["key"]: section for section in context["partners"]}
    assert "teach" in sections and sections["teach"]["partners"]
    first = low.partners[low.partners["dimension"] == "teach"].sort_values("order").iloc[0]
    assert sections["teach"]["partners"][0] == {
        "partner": first["partner_label"], "index": format_index(first["partner_index"], "da"),
        "difference": format_signed(first["partner_index"] - first["school_index"], "da")}
    assert first["partner_label"].startswith("School ")  # names are not shared in this network
    html = pdf.school_report_html(low)
    assert "Benchmarkpartnere" in html and first["partner_label"] in html
    for code in ("TOP1", "TOP2", "TOP3"):
        assert f"Skolen {code.title()}" not in html


def test_reports_of_an_open_round_say_their_results_are_provisional(db_round, inputs, tmp_path):
    while_open = date(2026, 2, 1)
    take_snapshot(db_round, today=while_open)
    reports, network = load_round_inputs(db_round, today=while_open, school_codes={"BIG"})
    assert reports[0].round.provisional and network.round.provisional
    words = " ".join(pdf_text(pdf.render_school_report(reports[0]), tmp_path).split())
    assert "Provisional results: the round is still open" in words  # BIG's report is in English
    assert "As of 2026-02-01" in words  # the day of the snapshot it shows
    assert "Foreløbige resultater" in " ".join(pdf_text(pdf.render_network_report(network), tmp_path).split())
    closed, _ = inputs
    assert "Provisional" not in " ".join(pdf_text(pdf.render_school_report(closed["BIG"]), tmp_path).split())


def test_admins_get_a_school_report_without_its_comments_unless_the_network_allows(
        app, db_round, client, login, admin, network, tmp_path, monkeypatch):
    """BIG's report prints its respondent's comment for BIG's staff. The network does not let admins read
    comments (the default): the build stores a copy without them, and that is what an admin downloads; the
    reports page lists BIG once. With the setting on, the admin gets the school's own report."""
    from survey.extensions import db
    from survey.reporting.build import build_reports
    from survey.reporting.storage import ReportStore

    monkeypatch.setitem(app.config, "REPORTS_DIR", str(tmp_path / "store"))
    freeze_round_results(db_round, today=AFTER)
    store = ReportStore(tmp_path / "store")
    reports, _ = load_round_inputs(db_round, today=AFTER, school_codes={"BIG"}, admin_copies=True)
    assert [(r.store_key, bool(r.comments)) for r in reports] == [("BIG", True), ("BIG.admins", False)]
    assert not build_reports(reports, store, workers=1).failed
    assert "lærere" in " ".join(pdf_text(store.path(db_round.id, "BIG").read_bytes(), tmp_path).split())

    login(admin)
    listing = client.get(f"/admin/reports/{db_round.id}").text
    assert "BIG.admins" not in listing and listing.count(f"/admin/reports/{db_round.id}/BIG.pdf") == 1
    with client.get(f"/admin/reports/{db_round.id}/BIG.pdf") as download:
        assert download.status_code == 200
        text = " ".join(pdf_text(download.data, tmp_path).split())
    assert "lærere" not in text and "Skolen Big" in text

    network.admins_read_comments = True
    db.session.commit()
    again, _ = load_round_inputs(db_round, today=AFTER, school_codes={"BIG"}, admin_copies=True)
    assert [r.store_key for r in again] == ["BIG"]
    with client.get(f"/admin/reports/{db_round.id}/BIG.pdf") as download:
        assert "lærere" in " ".join(pdf_text(download.data, tmp_path).split())


def test_an_admins_dashboard_view_carries_no_comments_unless_allowed(db_round, network):
    freeze_round_results(db_round, today=AFTER)
    admin_view, _ = load_round_inputs(db_round, today=AFTER, school_codes={"BIG"}, staff=False)
    staff_view, _ = load_round_inputs(db_round, today=AFTER, school_codes={"BIG"})
    assert admin_view[0].comments == [] and staff_view[0].comments
    network.admins_read_comments = True
    assert load_round_inputs(db_round, today=AFTER, school_codes={"BIG"}, staff=False)[0][0].comments


def test_priority_table_from_the_database_matches_the_aggregates_export(db_round, inputs, tmp_path):
    """LOW's priority table, read back: each dimension's importance and gap with their intervals and its
    quadrant, "uncertain" where the export says so, as the school's own aggregates export has them."""
    import json

    from survey.reporting.labels import LABELS_FILE
    from tests.reports.conftest import lines_of, number, signed

    low = inputs[0]["LOW"]
    text = pdf_text(pdf.render_school_report(low), tmp_path)
    page = next(page for page in text.split("\f") if page.strip().startswith("Prioriteringskort"))
    exported = aggregates_table(db_round, school="LOW", today=AFTER)
    rows = exported[(exported["school"] == "LOW") & (exported["breakdown"] == "all") & exported["quadrant"].notna()
                    & ~exported["suppressed"]]
    assert len(rows) == 2  # teach and wellbeing: every predictor
    w = json.loads(LABELS_FILE.read_text(encoding="utf-8"))["da"]
    position = {d.key: i for i, d in enumerate(low.dimensions, start=1)}
    for row in rows.itertuples():
        line = lines_of(page, f"{position[row.dimension]} {row.dimension}")[-1]
        interval = ("–" if pd.isna(row.importance_low)  # no bootstrap interval in these results
                    else f"{number(row.importance_low, 'da')}–{number(row.importance_high, 'da')}")
        expected = (f"{number(row.importance, 'da')} {interval} {signed(row.gap, 'da')} "
                    f"[{signed(row.gap_low, 'da')}; {signed(row.gap_high, 'da')}] {w[row.quadrant]}")
        assert expected in line, (line, expected)
        assert ("(usikker)" in line) == bool(row.uncertain), line

"""Benchmark: the practice library and the network learning view on the 1,000,000-response round.

The two rounds of `bench/aggregate.py` (a frozen one a year earlier, and the 1,000,000-response round; 200
schools) are bulk-loaded into a fresh database and the later round's results frozen, as the periodic job does.
Then a network's benchlearning is laid over them: `--cards` practice cards (5,000) spread over the 200 schools
(nine in ten published, one in fifty featured; one or two dimension tags of the round's questionnaire, one or two
item lineages, a program, the school type, who takes part; Danish, Swedish or English text drawn from a small
vocabulary, so that words match some cards and not others; begun before, between or after the two rounds) and
an action plan at each school (on the earlier round: two focus dimensions, three actions, an adopted card).

Each database is timed in a fresh process:
- practice search (`survey.practices.search.search_cards`, a school's staff member, 20 a page): free text,
  every filter alone and combined, a second page; each query `--repeat` times; p50 and p95 over all of them
  and p95 per kind. Target: p95 < 100 ms.
- the network learning view (`/admin/learning/<round>/`, an admin, through the app): the first request in
  the process (cold: the frozen results parsed and every school's evidence computed), then `--repeat` more:
  median and p95. Target: < 2 s. Its CSV too (every card's evidence, not only those shown).
- the evidence of all the cards (`survey.learning.evidence.evidence_for_cards`), after the view: first, then
  warm.

    python bench/learning.py [--responses N] [--cards 5000] [--db sqlite|postgresql|both] [--repeat 20]

`--keep FOLDER` keeps the SQLite database in that folder and the PostgreSQL database (its URL is printed), and
`--url URL` times an already prepared database again, so the timing can be repeated without loading a million
responses anew.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.aggregate import PREVIOUS_NAME, ROUND_NAME, make_app  # noqa: E402
from bench.databases import fresh_postgres_database  # noqa: E402

CLOSED_AFTER = date(2025, 6, 1)  # the rounds of bench/aggregate.py closed on 2024-03-27 and 2025-03-28
ADMIN = "admin@bench.example"
PASSWORD = "bench-learning-password"
STAFF_SCHOOL = "S000"
SEARCH_TARGET_MS, VIEW_TARGET_S = 100.0, 2.0
SEED = 12
WORDS = {
    "da": ("feedback", "makker", "praktik", "trivsel", "lektiecafé", "mentor", "værksted", "klassens", "time",
           "elevråd", "fravær", "samtale", "forældre", "pause", "skolegård", "vejleder", "hold", "opgave", "tone",
           "ansvar", "ugentlig", "fælles", "plan", "introforløb", "virksomhed", "læsning", "matematik", "sprog"),
    "sv": ("återkoppling", "fadder", "praktik", "trivsel", "läxhjälp", "mentor", "verkstad", "klassråd", "frånvaro",
           "samtal", "föräldrar", "rast", "skolgård", "handledare", "grupp", "uppgift", "ansvar", "veckovis",
           "gemensam", "introduktion", "företag", "läsning", "matematik", "språk"),
    "en": ("feedback", "buddy", "placement", "wellbeing", "homework", "mentor", "workshop", "class", "absence",
           "talk", "parents", "break", "schoolyard", "counsellor", "team", "task", "responsibility", "weekly",
           "shared", "induction", "company", "reading", "maths", "language"),
}
PARTICIPANTS = ("teachers", "students", "counsellors", "management", "companies", "parents", "other_staff")


def staff_email(code: str) -> str:
    return f"staff.{code.lower()}@bench.example"


def prepare(url: str, cards: int) -> dict:
    """Freeze the round, add an admin and a staff member, the cards and the plans."""
    from sqlalchemy import insert, select

    from survey.accounts.operations import add_user
    from survey.catalog.models import Dimension, Item
    from survey.extensions import db
    from survey.plans.models import ActionPlan, PlanAction, PlanFocus, plan_adopted_card
    from survey.practices.models import PracticeCard, PracticeTag
    from survey.results.operations import freeze_due_rounds
    from survey.rounds.models import SurveyRound

    app = make_app(url)
    with app.app_context():
        started = time.perf_counter()
        freeze_due_rounds(today=CLOSED_AFTER)
        db.session.commit()
        freeze_s = time.perf_counter() - started
        current = db.session.scalar(select(SurveyRound).where(SurveyRound.name == ROUND_NAME))
        earlier = db.session.scalar(select(SurveyRound).where(SurveyRound.name == PREVIOUS_NAME))
        network, schools = current.network, sorted(current.schools, key=lambda school: school.code)
        add_user(ADMIN, PASSWORD, "network_admin", network)
        add_user(staff_email(STAFF_SCHOOL), PASSWORD, "school_staff", network, schools[0])
        dimensions = [key for key in db.session.scalars(
            select(Dimension.key).where(Dimension.version_id == current.version_id)) if key != "overall"]
        items = db.session.execute(select(Item.lineage, Dimension.key).join(Dimension, Item.dimension_id == Dimension.id)
                                   .where(Item.version_id == current.version_id)).all()
        lineages: dict[str, list[str]] = {}
        for lineage, dimension in items:
            lineages.setdefault(dimension, []).append(lineage)

        started = time.perf_counter()
        rng = np.random.default_rng(SEED)
        now = datetime(2025, 9, 1, tzinfo=timezone.utc)
        rows, tags = [], []
        for number in range(cards):
            school = schools[number % len(schools)]
            language = str(rng.choice(["da", "sv", "en"], p=[0.7, 0.2, 0.1]))
            words = WORDS[language]

            def text(count: int) -> str:
                return " ".join(str(word) for word in rng.choice(words, count))

            published = rng.random() < 0.9
            rows.append({"network_id": network.id, "school_id": school.id, "title": text(4).capitalize(),
                         "summary": text(15), "what": text(60), "why": text(30), "participants_note": "",
                         "started_on": date(2023, 6, 1) + timedelta(days=int(rng.integers(0, 820))),
                         "contact_name": f"Kontakt {number}", "contact_role": "Kvalitet",
                         "contact_email": f"kontakt{number}@bench.example", "language": language,
                         "status": "published" if published else "draft",
                         "featured": bool(published and rng.random() < 0.02),
                         "created_at": now, "updated_at": now - timedelta(minutes=number),
                         "published_at": now if published else None})
            chosen = rng.choice(dimensions, int(rng.integers(1, 3)), replace=False)
            card_tags = [("dimension", f"student/{key}") for key in chosen]
            card_tags += [("item", str(rng.choice(lineages[str(key)]))) for key in chosen]
            card_tags += [("program", school.programs[int(rng.integers(len(school.programs)))].code),
                          ("school_type", school.type)]
            card_tags += [("participant", str(who)) for who in rng.choice(PARTICIPANTS, 2, replace=False)]
            tags.append(sorted(set(card_tags)))
        ids = db.session.scalars(insert(PracticeCard).returning(PracticeCard.id, sort_by_parameter_order=True),
                                 rows).all()
        db.session.execute(insert(PracticeTag), [{"card_id": card_id, "kind": kind, "value": value}
                                                 for card_id, card_tags in zip(ids, tags)
                                                 for kind, value in card_tags])
        published_ids = [card_id for card_id, row in zip(ids, rows) if row["status"] == "published"]
        for s, school in enumerate(schools):
            plan = ActionPlan(school=school, base_round=earlier, title=f"Plan {school.code}", status="active")
            for order, key in enumerate(rng.choice(dimensions, 2, replace=False)):
                plan.focuses.append(PlanFocus(dimension=str(key), position=order, suggested=order == 0))
            for order in range(3):
                plan.actions.append(PlanAction(dimension=plan.focuses[order % 2].dimension,
                                               description=f"Handling {order + 1}", owner="Kvalitetsteamet",
                                               deadline=date(2025, 9 + order, 1)))
            db.session.add(plan)
            db.session.flush()
            db.session.execute(insert(plan_adopted_card).values(plan_id=plan.id,
                                                                card_id=published_ids[s % len(published_ids)]))
        db.session.commit()
        cards_s = time.perf_counter() - started
        if db.engine.dialect.name == "postgresql":  # what autovacuum does soon after a bulk write in production
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("ANALYZE practice_card, practice_tag, action_plan, plan_focus")
        db.engine.dispose()
    return {"freeze_s": freeze_s, "cards_s": cards_s, "cards": cards, "published": len(published_ids)}


def searches(known: dict) -> list[tuple[str, object]]:
    """(kind, filters) of the timed searches: what readers of the library ask."""
    from survey.practices.search import CardFilters

    queries = [("text", CardFilters(text=word)) for word in ("feedback", "praktik", "mentor", "trivsel", "læsning")]
    queries += [("text, two words", CardFilters(text="klassens time")),
                ("text, no match", CardFilters(text="zeppelin"))]
    queries += [("dimension", CardFilters(dimension=f"student/dim{d}")) for d in (0, 3, 6)]
    queries += [("item", CardFilters(item=known["item"])),
                ("school type", CardFilters(school_type="EUD")),
                ("program", CardFilters(program="P3")),
                ("language", CardFilters(language="sv")),
                ("featured", CardFilters(featured=True)),
                ("one school", CardFilters(school_id=known["school_id"])),
                ("text + dimension + language", CardFilters(text="feedback", dimension="student/dim2", language="da")),
                ("dimension + program", CardFilters(dimension="student/dim4", program="P1"))]
    return queries


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def time_it(url: str, repeat: int) -> dict:
    """Search, the learning view and the evidence, timed in this fresh process."""
    from sqlalchemy import select

    from survey.accounts.models import User
    from survey.catalog.models import Item
    from survey.extensions import db
    from survey.learning.evidence import evidence_for_cards
    from survey.network.models import School
    from survey.practices.models import PracticeCard
    from survey.practices.search import search_cards
    from survey.rounds.models import SurveyRound

    app = make_app(url)
    result: dict = {"load_average": os.getloadavg()[0]}  # wall times on a shared machine: say how busy it was
    with app.app_context(), app.test_request_context():
        staff = db.session.scalar(select(User).where(User.email == staff_email(STAFF_SCHOOL)))
        known = {"item": db.session.scalar(select(Item.lineage).order_by(Item.id).limit(1)),
                 "school_id": db.session.scalar(select(School.id).where(School.code == "S017"))}
        timings: dict[str, list[float]] = {}
        totals = {}
        for kind, filters in searches(known):
            search_cards(staff, filters)  # each query once before timing: the database's caches, not ours
            for offset in (0, 20):
                name = kind if offset == 0 else f"{kind}, page 2"
                if offset and kind not in ("text", "dimension"):
                    continue
                for _ in range(repeat):
                    started = time.perf_counter()
                    page = search_cards(staff, filters, limit=20, offset=offset)
                    timings.setdefault(name, []).append((time.perf_counter() - started) * 1000)
                    db.session.expire_all()
                totals[name] = page.total
        every = [value for values in timings.values() for value in values]
        result["search"] = {"p50_ms": percentile(every, 0.5), "p95_ms": percentile(every, 0.95),
                            "queries": len(every),
                            "kinds": {name: {"p95_ms": percentile(values, 0.95), "total": totals[name]}
                                      for name, values in timings.items()}}

        round_id = db.session.scalar(select(SurveyRound.id).where(SurveyRound.name == ROUND_NAME))
        db.session.remove()
        result.update(_time_pages(app, round_id, repeat))  # first: the view's first request is the cold one

        cards = db.session.scalars(select(PracticeCard)).all()
        started = time.perf_counter()
        evidence_for_cards(cards, today=CLOSED_AFTER)
        first = time.perf_counter() - started
        warm = []
        for _ in range(5):
            started = time.perf_counter()
            evidence_for_cards(cards, today=CLOSED_AFTER)
            warm.append(time.perf_counter() - started)
        result["evidence"] = {"cards": len(cards), "first_s": first, "warm_median_s": statistics.median(warm)}
        result["load_average_after"] = os.getloadavg()[0]
        db.engine.dispose()
    return result


def _time_pages(app, round_id: int, repeat: int) -> dict:
    """The admin's network learning page, and its CSV (every card's evidence), through the app as a browser asks
    for them: the first request in the process (cold) and then `repeat` more. Empty before the view exists."""
    import re

    client = app.test_client()
    login = client.get("/auth/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', login.text)
    answer = client.post("/auth/login", data={"email": ADMIN, "password": PASSWORD,
                                              "csrf_token": token.group(1) or token.group(2)})
    if answer.status_code != 302:
        raise RuntimeError(f"the admin could not log in: {answer.status_code}")
    found = {}
    for name, path in (("view", f"/admin/learning/{round_id}/"), ("csv", f"/admin/learning/{round_id}/learning.csv")):
        times = []
        for _ in range(repeat + 1):
            started = time.perf_counter()
            page = client.get(path, headers={"Accept-Language": "da"})
            times.append(time.perf_counter() - started)
            if page.status_code == 404:
                break
            if page.status_code != 200:
                raise RuntimeError(f"{path}: {page.status_code}")
        if len(times) > 1:
            found[name] = {"cold_s": times[0], "median_s": statistics.median(times[1:]),
                           "p95_s": percentile(times[1:], 0.95), "runs": len(times) - 1}
    return found


def child(stage: str, url: str, **options) -> dict:
    """Run a stage in a fresh interpreter (bench/aggregate.py's load, or a stage of this file): its JSON."""
    script = ROOT / "bench" / ("aggregate.py" if stage == "load" else "learning.py")
    command = [sys.executable, str(script), "--stage", stage, "--url", url]
    for name, value in options.items():
        command += [f"--{name}", str(value)]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(output.stdout.strip().splitlines()[-1])


def bench(kind: str, args) -> dict:
    if args.url:
        url, drop, loaded, prepared = args.url, (lambda: None), {}, {}
    else:
        if kind == "sqlite":
            folder = Path(args.keep or tempfile.mkdtemp(prefix="benchlearn-learning-"))
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "bench.db"
            path.unlink(missing_ok=True)
            url = f"sqlite:///{path}"
            drop = (lambda: None) if args.keep else (lambda: path.unlink(missing_ok=True))
        else:
            url, drop = fresh_postgres_database("benchlearn_learning")
            if args.keep:  # kept for `--url`: dropped by hand (DROP DATABASE) when done
                drop = lambda: None  # noqa: E731
    try:
        if not args.url:
            loaded = child("load", url, responses=args.responses)
            prepared = child("prepare", url, cards=args.cards)
        timed = child("time", url, repeat=args.repeat)
    finally:
        drop()
    return {"db": kind, "url": url if args.keep or args.url else None, **loaded, **prepared, **timed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", help="keep the databases (SQLite: in this folder)")
    parser.add_argument("--url", help="time this prepared database again (no load, no prepare)")
    parser.add_argument("--stage", choices=("prepare", "time"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage == "prepare":
        print(json.dumps(prepare(args.url, args.cards)))
        return
    if args.stage == "time":
        print(json.dumps(time_it(args.url, args.repeat)))
        return
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    if args.url:
        kinds = ("postgresql" if args.url.startswith("postgresql") else "sqlite",)
    for kind in kinds:
        r = bench(kind, args)
        print(f"{kind}: {args.responses:,} responses, {r.get('cards', '?')} cards "
              f"({r.get('published', '?')} published), 200 plans"
              + (f"; results frozen in {r['freeze_s']:.1f} s, cards and plans written in {r['cards_s']:.1f} s"
                 if "freeze_s" in r else ""))
        print(f"  load average {r['load_average']:.1f} before timing, {r['load_average_after']:.1f} after "
              f"({os.cpu_count()} CPUs)")
        search = r["search"]
        print(f"  practice search: p50 {search['p50_ms']:.1f} ms, p95 {search['p95_ms']:.1f} ms over "
              f"{search['queries']} queries (target p95 < {SEARCH_TARGET_MS:.0f} ms)")
        for name, figures in search["kinds"].items():
            print(f"    {name:32} p95 {figures['p95_ms']:7.1f} ms   {figures['total']:5d} cards match")
        evidence = r["evidence"]
        print(f"  evidence of all {evidence['cards']} cards (after the view): first {evidence['first_s']:.2f} s, "
              f"warm {evidence['warm_median_s'] * 1000:.0f} ms (median of 5)")
        for name, label in (("view", "network learning view"), ("csv", "its CSV (every card)")):
            if name in r:
                view = r[name]
                print(f"  {label}: cold {view['cold_s']:.2f} s, then median {view['median_s']:.3f} s, "
                      f"p95 {view['p95_s']:.3f} s over {view['runs']} requests (target < {VIEW_TARGET_S:.0f} s)")
            else:
                print(f"  {label}: not there yet (/admin/learning/ answers 404)")
        print(json.dumps(r))


if __name__ == "__main__":
    main()

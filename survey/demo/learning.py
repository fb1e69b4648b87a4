"""The demo's benchlearning: practice cards, action plans, benchlearning requests and outcome indicators, laid
over the demo's closed rounds so that every page of the feature has something true to show.

The synthetic answers (`survey/demo/rounds.py`) move a few (school, dimension) pairs between a family's two
closed rounds; the family model says which. Cards are written at schools whose dimension rose (their evidence
shows a clear rise), at one whose dimension stayed (no clear change), one begun before any round (no change to
measure) and a draft; every card began between the two rounds unless it says otherwise. Plans start from the
earlier student round with focus dimensions that rose and that did not. Requests go to the schools' benchmark
partners of the later round, one in every state. Outcome indicators (completion and absence) follow each
school's general level of satisfaction, loosely, for two years.

Idempotent like the rest of the seed: each thing is added only when it is missing. Fixed seeds and dates.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

import numpy as np
from sqlalchemy import select

from survey.accounts.models import User
from survey.extensions import db
from survey.network.models import Network, School
from survey.outcomes.models import OutcomeIndicator, OutcomeValue
from survey.partnering.models import BenchlearningRequest, RequestNote, RequestStatus
from survey.plans.models import ActionPlan, ActionStatus, PlanAction, PlanFocus, PlanStatus
from survey.practices.models import CardStatus, PracticeCard, PracticeRevision, PracticeTag, TagKind
from survey.results.operations import freeze_round_results
from survey.results.service import round_results
from survey.rounds.models import SurveyRound

STUDENT_BEFORE, STUDENT_AFTER = "Elevtrivsel 2025", "Elevtrivsel 2026"  # closed 14 March 2025 and 15 March 2026
STAFF_BEFORE, STAFF_AFTER = "Medarbejdertrivsel 2024", "Medarbejdertrivsel 2025"  # closed October 2024 and 2025
BEGAN = date(2025, 8, 1)  # between the two student rounds
SEED = 2026


@dataclass(frozen=True)
class CardText:
    title: str
    summary: str
    what: str
    why: str
    participants: tuple[str, ...]
    items: tuple[str, ...]  # item lineages the card addresses


# One card text per student dimension: a school whose dimension moved gets the card of that dimension.
STUDENT_CARDS = {
    "learning_environment": CardText(
        "Klassens time hver uge",
        "En fast lektion om ugen, hvor klassen og kontaktlæreren taler om, hvordan de arbejder sammen.",
        "Hver mandag i første lektion mødes klassen med kontaktlæreren. Eleverne skiftes til at lede mødet efter en "
        "fast dagsorden: hvad gik godt, hvad skal vi gøre anderledes, hvem har brug for hjælp.",
        "Uro og en dårlig tone i nogle klasser gjorde det svært at spørge om hjælp. Eleverne ville selv tage ansvar.",
        ("teachers", "students"), ("learning_environment.noise", "learning_environment.ask")),
    "teaching": CardText(
        "Feedback-fredag i værkstedet",
        "Hver fredag får alle elever fem minutters mundtlig feedback på ugens opgave, med et skema de beholder.",
        "Lærerne har sat fredagens sidste time af til feedback. Eleven viser sin opgave, læreren giver to ting der "
        "lykkedes og én ting at arbejde med, og eleven skriver det i sit feedbackskema.",
        "Eleverne svarede, at de fik for lidt og for sen feedback. Vi ville gøre den kort, fast og til at huske.",
        ("teachers", "students"), ("teaching.feedback", "teaching.explains")),
    "surroundings": CardText(
        "Grønne pauser i skolegården",
        "Eleverne har selv indrettet skolegården med bænke, borde og planter, så pauserne bliver holdt ude.",
        "Et hold fra byggeuddannelserne byggede bænke og plantekasser som skoleopgave. Pedellen og elevrådet "
        "vedligeholder dem, og kantinen sælger mad ud ad vinduet i frikvarteret.",
        "Pauserne blev holdt i gangene, og eleverne kaldte rammerne triste. Det kostede kun materialer.",
        ("students", "other_staff"), ("surroundings.breaks",)),
    "placement": CardText(
        "Praktikpladsværksted hver torsdag",
        "En vejleder og en lærer hjælper eleverne med ansøgninger og opkald til virksomheder.",
        "Torsdag eftermiddag er værkstedet åbent for alle elever uden praktikplads. Vi øver opkald, skriver "
        "ansøgninger og inviterer virksomheder ind at fortælle.",
        "For mange elever stod uden praktikplads, og kontakten mellem skole og virksomhed var svag.",
        ("counsellors", "teachers", "companies"), ("placement.school_link",)),
    "wellbeing": CardText(
        "Makkerordning for nye elever",
        "Hver ny elev får en makker fra et ældre hold de første otte uger.",
        "Makkerne mødes i introugen og spiser frokost sammen en gang om ugen. Makkerne fra de ældre hold får et "
        "kort kursus af studievejlederen.",
        "Nye elever følte sig ensomme de første uger, og flere faldt fra inden jul.",
        ("students", "counsellors"), ("wellbeing.lonely", "wellbeing.belong")),
    "abilities": CardText(
        "Lektiecafé med ældre elever",
        "To eftermiddage om ugen hjælper elever fra de ældste hold yngre elever med opgaver.",
        "Lektiecaféen er i biblioteket tirsdag og torsdag. De ældre elever får timerne godskrevet som "
        "frivilligt arbejde på deres uddannelsesbevis.",
        "Mange elever havde ingen at spørge derhjemme. De ældre elever lærer også selv af at forklare.",
        ("students",), ("abilities.independent",)),
    "motivation": CardText(
        "Faste mentorsamtaler",
        "Alle elever har en samtale med deres mentor hver sjette uge om mål og fremmøde.",
        "Mentoren er en af elevens lærere. Samtalen tager et kvarter og følger et kort skema.",
        "Fremmødet faldt i andet semester, og eleverne savnede en voksen, der fulgte med.",
        ("teachers", "students"), ("motivation.complete",)),
}
STAFF_CARD = CardText(
    "Fælles forberedelsestid i teams",
    "Lærerteamet har to timers fælles forberedelse om ugen på samme dag.",
    "Skemaet lægger teamets fælles tid onsdag eftermiddag. Teamet planlægger forløb sammen og deler materialer.",
    "Lærerne arbejdede alene og oplevede, at samarbejdet kun skete i pauserne.",
    ("teachers", "management"), ())
ATTACHMENT_TEXT = ("Feedbackskema\n\nTo ting der lykkedes:\n1.\n2.\n\nÉn ting at arbejde med:\n1.\n\n"
                   "Dato og lærerens initialer:\n")


@dataclass(frozen=True)
class DemoLearning:
    cards: list[PracticeCard]
    plans: list[ActionPlan]
    requests: list[BenchlearningRequest]
    indicators: list[OutcomeIndicator]


def seed_learning(network: Network, *, today: date | None = None) -> DemoLearning:
    """Add what is missing of the demo's cards, plans, requests and outcomes (after `seed_rounds`)."""
    today = today or date.today()
    rounds = {name: _round(network, name) for name in (STUDENT_BEFORE, STUDENT_AFTER, STAFF_BEFORE, STAFF_AFTER)}
    for survey_round in rounds.values():  # plans and requests read their results; the periodic job would too
        freeze_round_results(survey_round, today=today)
    moved = _moved(rounds[STUDENT_BEFORE])
    schools = {school.code: school for school in network.schools}
    cards = _cards(network, schools, moved)
    plans = _plans(schools, rounds[STUDENT_BEFORE], moved, cards)
    requests = _requests(network, schools, rounds[STUDENT_AFTER], today)
    indicators = _outcomes(network, rounds[STUDENT_BEFORE])
    db.session.flush()
    return DemoLearning(cards, plans, requests, indicators)


def _round(network: Network, name: str) -> SurveyRound:
    return db.session.scalar(select(SurveyRound).where(SurveyRound.network_id == network.id, SurveyRound.name == name))


def _moved(before: SurveyRound) -> dict[tuple[str, str], float]:
    """(school code, dimension) -> how far it moved between the student rounds in the synthetic answers' model
    (latent units; 0 for most pairs)."""
    from survey.demo.rounds import family_model

    model = family_model(before, "student")
    dimensions = [d.key for d in before.version.dimensions if not d.is_overall]
    return {(school.code, key): float(model.change[s, j])
            for s, school in enumerate(before.schools) for j, key in enumerate(dimensions)}


def _staff_user(school: School) -> User | None:
    from survey.demo.seed import staff_email

    return db.session.scalar(select(User).where(User.email == staff_email(school.code)))


def _card_plan(moved: dict[tuple[str, str], float]) -> list[tuple[str, str, CardText, date | None, str, bool]]:
    """(school, tag, text, began, status, featured) of the demo's cards: at the schools whose dimension rose most,
    one school per dimension; one where the dimension stayed; one begun before any round; a draft; a staff card."""
    risen = sorted(((change, code, key) for (code, key), change in moved.items() if change > 0), reverse=True)
    plan, used = [], set()
    for change, code, key in risen:
        if key in STUDENT_CARDS and key not in used:
            used.add(key)
            plan.append((code, f"student/{key}", STUDENT_CARDS[key], BEGAN, CardStatus.PUBLISHED.value, not plan))
    stayed = sorted((code, key) for (code, key), change in moved.items()
                    if change == 0 and key in STUDENT_CARDS and key not in used)
    steady_school, steady_key = stayed[0]
    plan.append((steady_school, f"student/{steady_key}", STUDENT_CARDS[steady_key], BEGAN,
                 CardStatus.PUBLISHED.value, False))
    early = next((code, key) for code, key in stayed if code != steady_school and key != steady_key)
    plan.append((early[0], f"student/{early[1]}", STUDENT_CARDS[early[1]], date(2024, 8, 1),
                 CardStatus.PUBLISHED.value, False))
    draft = next((code, key) for code, key in stayed if code not in {early[0], steady_school})
    plan.append((draft[0], f"student/{draft[1]}", STUDENT_CARDS[draft[1]], date(2026, 1, 1), CardStatus.DRAFT.value,
                 False))
    plan.append(("CSH", "staff/collaboration", STAFF_CARD, date(2025, 1, 1), CardStatus.PUBLISHED.value, False))
    return plan


def _cards(network: Network, schools: dict[str, School], moved) -> list[PracticeCard]:
    cards = []
    for code, tag, text, began, status, featured in _card_plan(moved):
        school = schools[code]
        card = db.session.scalar(select(PracticeCard).where(PracticeCard.school_id == school.id,
                                                            PracticeCard.title == text.title))
        if card is None:
            card = _write_card(network, school, tag, text, began, status, featured)
        cards.append(card)
    return cards


def _write_card(network: Network, school: School, tag: str, text: CardText, began: date | None, status: str,
                featured: bool) -> PracticeCard:
    author = _staff_user(school)
    now = datetime.now(timezone.utc)
    card = PracticeCard(
        network=network, school=school, title=text.title, summary=text.summary, what=text.what, why=text.why,
        started_on=began, contact_name=f"Kvalitetsmedarbejder, {school.name}", contact_role="Kvalitetskoordinator",
        contact_email=author.email if author else "", language="da", status=status, featured=featured,
        published_at=now if status == CardStatus.PUBLISHED.value else None,
        created_by_id=author.id if author else None, updated_by_id=author.id if author else None)
    tags = [(TagKind.DIMENSION, tag), (TagKind.SCHOOL_TYPE, school.type)]
    tags += [(TagKind.ITEM, lineage) for lineage in text.items]
    tags += [(TagKind.PARTICIPANT, who) for who in text.participants]
    tags += [(TagKind.PROGRAM, program.code) for program in school.programs[:2]]
    card.tags = [PracticeTag(kind=kind.value, value=value) for kind, value in tags]
    card.revisions = [PracticeRevision(number=1, saved_by_id=author.id if author else None,
                                       saved_by=author.email if author else "", action="create",
                                       content={"title": text.title, "summary": text.summary, "status": status,
                                                "tags": [[kind.value, value] for kind, value in tags]})]
    db.session.add(card)
    db.session.flush()
    return card


def _published_index(survey_round: SurveyRound, school: str, dimension: str) -> float | None:
    table = round_results(survey_round).for_school(school).aggregates
    row = table[(table["school"] == school) & (table["breakdown"] == "all") & (table["dimension"] == dimension)]
    return None if row.empty or bool(row["suppressed"].iloc[0]) else float(row["index"].iloc[0])


def _plans(schools: dict[str, School], base: SurveyRound, moved, cards: list[PracticeCard]) -> list[ActionPlan]:
    """Four schools' plans from the earlier student round: focus dimensions that rose by the next round, and
    dimensions that did not move (or fell)."""
    risen = sorted((change, code, key) for (code, key), change in moved.items() if change > 0)[::-1]
    fell = sorted((change, code, key) for (code, key), change in moved.items() if change < 0)
    focus: dict[str, list[str]] = {}
    for _, code, key in risen[:2]:
        focus.setdefault(code, []).append(key)
    for _, code, key in fell[:1]:
        focus.setdefault(code, []).append(key)
    for code in list(focus):  # beside each, a dimension that stayed where it was
        steady = next(key for (school, key), change in sorted(moved.items())
                      if school == code and change == 0 and key not in focus[code])
        focus[code].append(steady)
    quiet = next(code for code in sorted(schools) if code not in focus
                 and all(change == 0 for (school, _), change in moved.items() if school == code))
    focus[quiet] = ["teaching", "wellbeing"]
    published = {card.school.code: card for card in cards if card.status == CardStatus.PUBLISHED.value}
    plans = []
    for position, (code, keys) in enumerate(sorted(focus.items())):
        school = schools[code]
        plan = db.session.scalar(select(ActionPlan).where(ActionPlan.school_id == school.id,
                                                          ActionPlan.base_round_id == base.id))
        if plan is None:
            plan = _write_plan(school, base, keys, position, published, schools)
        plans.append(plan)
    return plans


def _write_plan(school: School, base: SurveyRound, keys: list[str], position: int,
                published: dict[str, PracticeCard], schools: dict[str, School]) -> ActionPlan:
    author = _staff_user(school)
    others = [card for code, card in sorted(published.items()) if code != school.code]
    partner = others[position % len(others)].school if others else None
    plan = ActionPlan(school=school, base_round=base, title=f"Handlingsplan {base.name}",
                      status=PlanStatus.COMPLETED.value if position % 2 else PlanStatus.ACTIVE.value,
                      partner_school=partner, partner_note="Vi besøger dem og ser, hvordan de gør i praksis.",
                      updated_by_id=author.id if author else None)
    for order, key in enumerate(keys):
        baseline = _published_index(base, school.code, key)
        plan.focuses.append(PlanFocus(dimension=key, position=order, baseline=baseline,
                                      goal=None if baseline is None else round(min(100.0, baseline + 5.0), 1),
                                      suggested=order == 0))
        plan.actions.append(PlanAction(dimension=key, description=f"Prøv {others[(position + order) % len(others)].title.lower()}"
                                       if others else "Tal med eleverne om resultatet",
                                       owner="Kvalitetsteamet" if order == 0 else "Kontaktlærerne",
                                       deadline=date(2025, 9 + order, 30),
                                       status=(ActionStatus.DONE, ActionStatus.IN_PROGRESS, ActionStatus.PLANNED)[
                                           order % 3].value))
    plan.adopted_cards = others[position % len(others):position % len(others) + 1] if others else []
    db.session.add(plan)
    db.session.flush()
    return plan


REQUEST_STATES = (RequestStatus.PENDING, RequestStatus.ACCEPTED, RequestStatus.DECLINED, RequestStatus.WITHDRAWN,
                  RequestStatus.VISIT_PLANNED, RequestStatus.COMPLETED)


def _requests(network: Network, schools: dict[str, School], after: SurveyRound, today: date
              ) -> list[BenchlearningRequest]:
    """One request in every state, each to one of the requester's benchmark partners of the later student round;
    a different requester each time, so every state shows on some school's page."""
    partners = round_results(after).partners.sort_values(["school", "dimension", "order"])
    chosen, used = [], set()
    for row in partners.itertuples(index=False):
        if row.school in used or row.partner_school in used or len(chosen) == len(REQUEST_STATES):
            continue
        used.update({row.school, row.partner_school})
        chosen.append(row)
    requests = []
    for state, row in zip(REQUEST_STATES, chosen):
        sender, partner = schools[row.school], schools[row.partner_school]
        request = db.session.scalar(select(BenchlearningRequest).where(
            BenchlearningRequest.from_school_id == sender.id, BenchlearningRequest.to_school_id == partner.id,
            BenchlearningRequest.round_id == after.id))
        if request is None:
            request = _write_request(network, sender, partner, after, row, state, today)
        requests.append(request)
    return requests


def _write_request(network: Network, sender: School, partner: School, after: SurveyRound, row, state: RequestStatus,
                   today: date) -> BenchlearningRequest:
    author = _staff_user(sender)
    answered = state not in (RequestStatus.PENDING, RequestStatus.WITHDRAWN)
    request = BenchlearningRequest(
        network=network, from_school=sender, to_school=partner, round=after, dimension=row.dimension,
        partner_label=row.partner_label, status=state.value,
        message=f"Vi vil gerne lære af jeres arbejde med {row.dimension.replace('_', ' ')}. Kan vi besøge jer?",
        from_reveals=state is RequestStatus.COMPLETED, to_reveals=state is RequestStatus.COMPLETED,
        answered_at=datetime(2026, 4, 15, 10, 0, tzinfo=timezone.utc) if answered else None,
        created_by_id=author.id if author else None)
    if state is RequestStatus.VISIT_PLANNED:
        request.meeting_on, request.meeting_kind = date(today.year + 1, 2, 10), "visit_to_partner"
        request.meeting_note = "Vi kommer kl. 9 og følger to lektioner."
    if state is RequestStatus.COMPLETED:
        request.meeting_on, request.meeting_kind = date(2026, 5, 20), "online"
        request.meeting_note = "Online møde med begge skolers kvalitetsteams."
    if state in (RequestStatus.ACCEPTED, RequestStatus.VISIT_PLANNED, RequestStatus.COMPLETED):
        partner_author = _staff_user(partner)
        request.notes = [
            RequestNote(school_id=partner.id, author_id=partner_author.id if partner_author else None,
                        body="Velkommen. Vi sender vores materialer og vores skema før mødet.",
                        created_at=datetime(2026, 4, 16, 9, 0, tzinfo=timezone.utc)),
            RequestNote(school_id=sender.id, author_id=author.id if author else None,
                        body="Tak. Vi har læst materialet og har tre spørgsmål med.",
                        created_at=datetime(2026, 4, 20, 13, 0, tzinfo=timezone.utc))]
    db.session.add(request)
    db.session.flush()
    return request


INDICATORS = (
    ("completion", {"da": "Gennemførelse", "sv": "Genomströmning", "en": "Completion"}, "%", "higher_is_better"),
    ("absence", {"da": "Fravær", "sv": "Frånvaro", "en": "Absence"}, "%", "lower_is_better"),
)
YEARS = (2024, 2025)


def _outcomes(network: Network, before: SurveyRound) -> list[OutcomeIndicator]:
    """Completion and absence per school for two years (and completion per program), loosely following each
    school's general level in the student answers' model, so the network report's scatter has a pattern."""
    from survey.demo.rounds import family_model

    model = family_model(before, "student")
    rng = np.random.default_rng([SEED, 7])
    indicators = []
    for key, label, unit, direction in INDICATORS:
        indicator = db.session.scalar(select(OutcomeIndicator).where(OutcomeIndicator.network_id == network.id,
                                                                     OutcomeIndicator.key == key))
        if indicator is not None:
            indicators.append(indicator)
            continue
        indicator = OutcomeIndicator(network=network, key=key, label=label, unit=unit, direction=direction)
        for s, school in enumerate(before.schools):
            level = model.school_general[s]
            for year in YEARS:
                if key == "completion":
                    value = float(np.clip(78 + 25 * level + rng.normal(0, 4), 40, 99))
                else:
                    value = float(np.clip(11 - 9 * level + rng.normal(0, 1.5), 2, 30))
                students = int(model.sizes[s] * 1.6)
                indicator.values.append(OutcomeValue(school=school, year=year, value=round(value, 1), n=students))
                if key == "completion" and len(school.programs) > 1:
                    for program in school.programs:
                        share = float(np.clip(value + rng.normal(0, 5), 30, 100))
                        indicator.values.append(OutcomeValue(school=school, program=program, year=year,
                                                             value=round(share, 1),
                                                             n=max(5, students // len(school.programs))))
        db.session.add(indicator)
        indicators.append(indicator)
    db.session.flush()
    return indicators

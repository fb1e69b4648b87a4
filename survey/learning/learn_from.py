""""Learn from": for each "Improve first" dimension of a school's round results, the school's benchmark partners
(as the school already sees them) and the published practice cards of schools strong on that dimension, in the
school's PDF (reports/partials/learn_from.html) and its staff dashboard (templates/learning/_learn_from.html).

Strong on a dimension: a school whose published index of the round is in the dimension's top quartile
(index >= the `top_quartile` of the results, the line the partners are drawn from, METHOD.md v2), or one of
the school's partners on it. Only published cards of the same network, never the school's own.

Names (METHOD.md, Anonymity): a card shows its school only where the network shares names. Where it does not,
the partners keep their anonymous labels and the cards stand in one list beside them, never linked to a label:
"School A wrote this card" would reveal who School A is (through the card's school or contact).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from flask import current_app

from survey.analysis import IMPROVE_FIRST
from survey.reporting.inputs import Dimension
from survey.results.compute import NETWORK, without_organisers
from survey.results.service import RoundResults

CARDS_SHOWN = 5  # per dimension; the rest are counted ("... and 3 more cards in the practice library")
CARD_PAGE = "practices_staff.card"  # helper A's card page for school staff (survey/practices)


@dataclass(frozen=True)
class LearnFromCard:
    card_id: int
    title: str
    summary: str
    school: str | None  # the card's school, only where the network shares names
    contact_name: str
    contact_role: str
    contact_email: str
    url: str | None  # the card's page in the practice library
    featured: bool
    partner: bool  # written at one of the school's partners on the dimension (False where names are not shared)


@dataclass(frozen=True)
class LearnFromSection:
    dimension: str
    label: str
    partners: tuple[str, ...]  # as the school sees them: names where shared, else "School A", ...
    cards: tuple[LearnFromCard, ...]
    more: int  # cards of strong schools beyond those shown


def strong_schools(results: RoundResults, code: str) -> dict[str, set[str]]:
    """Dimension -> the codes of the schools strong on it for the school `code` (top quartile of the round, or
    its partners on it), never `code` itself. Read from the round's full results: only the cards reach the
    school, never which school is in the top quartile beyond what its cards say."""
    aggregates = without_organisers(results.aggregates)
    rows = aggregates[((aggregates["breakdown"] == "all") & (aggregates["school"] != NETWORK)
                       & ~aggregates["suppressed"].astype(bool)).to_numpy()]
    top = rows[(rows["index"] >= rows["top_quartile"]).to_numpy()]
    strong = {str(dimension): set(group["school"].astype(str)) for dimension, group in top.groupby("dimension")}
    partners = results.partners[(results.partners["school"] == code).to_numpy()]
    for row in partners.itertuples():
        if isinstance(row.partner_school, str):
            strong.setdefault(str(row.dimension), set()).add(row.partner_school)
    for schools in strong.values():
        schools.discard(code)
    return strong


def improve_first(results: RoundResults, code: str) -> list[str]:
    """The school's published "Improve first" dimensions, in the results' order."""
    aggregates = without_organisers(results.aggregates)
    own = aggregates[((aggregates["school"] == code) & (aggregates["breakdown"] == "all")).to_numpy()]
    own = own[(own["quadrant"] == IMPROVE_FIRST).to_numpy() & ~own["suppressed"].astype(bool).to_numpy()]
    return own["dimension"].astype(str).tolist()


def learn_from(results: RoundResults, code: str, dimensions: list[Dimension], cards: pd.DataFrame) -> list[LearnFromSection]:
    """One section per "Improve first" dimension of school `code` in questionnaire order. `results`: the round's
    full results; `cards`: `survey.learning.view.published_cards` of the round's family (in shown order)."""
    share_names = results.round.network.share_school_names
    wanted = set(improve_first(results, code))
    strong = strong_schools(results, code)
    # the labels are stored with the results as the school reads them (`RoundResults.for_school` blanks only
    # the codes where names are not shared)
    partners = results.partners[(results.partners["school"] == code).to_numpy()]
    sections = []
    for dim in dimensions:
        if dim.key not in wanted:
            continue
        own_partners = partners[(partners["dimension"] == dim.key).to_numpy()].sort_values("order", kind="stable")
        partner_codes = set(own_partners["partner_school"].astype(str))
        found = cards[(cards["dimension"] == dim.key).to_numpy()
                      & cards["school"].isin(strong.get(dim.key, set())).to_numpy()]
        shown = tuple(LearnFromCard(
            card_id=int(card.card_id), title=card.title, summary=card.summary or "",
            school=card.school_name if share_names else None, contact_name=card.contact_name or "",
            contact_role=card.contact_role or "", contact_email=card.contact_email or "",
            url=card_url(int(card.card_id)), featured=bool(card.featured),
            partner=share_names and card.school in partner_codes) for card in found.head(CARDS_SHOWN).itertuples())
        sections.append(LearnFromSection(dim.key, dim.label, tuple(own_partners["partner_label"].astype(str)),
                                         shown, max(0, len(found) - CARDS_SHOWN)))
    return sections


def card_url(card_id: int) -> str | None:
    """The card's page as an absolute address (PUBLIC_URL, as every link that leaves the portal: a PDF is read
    elsewhere); None until the practice library's card page is registered."""
    if CARD_PAGE not in current_app.view_functions:
        return None
    path = current_app.url_map.bind("localhost").build(CARD_PAGE, {"card_id": card_id})
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def dashboard_sections(survey_round, code: str, language: str, today) -> list[LearnFromSection] | None:
    """"Learn from" for the school's staff dashboard, from the round's results as the dashboards keep them;
    None while the results are not stored (the page then says they are being prepared)."""
    from survey.learning.view import published_cards
    from survey.results.dashboard.loading import stored_results, version_labels
    from survey.results.service import ResultsNotReady

    try:
        _key, results = stored_results(survey_round, today)
    except ResultsNotReady:
        return None
    dimensions = version_labels(survey_round.version, language).dimensions
    cards = published_cards(survey_round.network_id, survey_round.version.family.key, [d.key for d in dimensions])
    return learn_from(results, code, dimensions, cards)

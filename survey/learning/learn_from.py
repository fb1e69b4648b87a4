""""Learn from": for each "Improve first" dimension of a school's round results, the school's benchmark partners
(as the school already sees them) and the published practice cards of schools strong on that dimension, in the
school's PDF (reports/partials/learn_from.html) and its staff dashboard (templates/learning/_learn_from.html).

Strong on a dimension: a school whose published index of the round is in the dimension's top quartile
(index >= the `top_quartile` of the results, the line the partners are drawn from, METHOD.md v2), or one of
the school's partners on it. Only published cards of the same network, never the school's own.

Names (METHOD.md, Anonymity): a card shows its school only where the network shares names. Where it does not,
the partners keep their anonymous labels and the cards stand in one list beside them, never linked to a label:
"School A wrote this card" would reveal who School A is (through the card's school or contact). What a card
still tells is that its school is among the strong schools on the dimension; partners are drawn from the top
quartile, so where every strong school is a partner a card's school is one of them, but never which label.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from flask import current_app

from survey.analysis import IMPROVE_FIRST
from survey.reporting.inputs import Dimension
from survey.results.compute import NETWORK, without_organisers
from survey.results.dashboard.loading import Kept
from survey.results.service import ResultsNotReady, RoundResults

CARDS_SHOWN = 5  # per dimension; the rest are counted ("... and 3 more cards in the practice library")
CARD_PAGE = "practices_staff.show_card"  # the practice library's card page for school staff (survey/practices)


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


@dataclass(frozen=True)
class RoundStrength:
    """What "Learn from" reads of a round's results, taken once per round (a report build asks for every school,
    the dashboards keep it per stored results): the top quartile of each dimension, each school's published
    "Improve first" dimensions and its partners on each, most similar first, as (label, code)."""

    top: dict[str, frozenset[str]]
    improve_first: dict[str, tuple[str, ...]]
    partners: dict[tuple[str, str], tuple[tuple[str, str], ...]]

    def strong(self, code: str, dimension: str) -> set[str]:
        """The schools strong on `dimension` for school `code`: the top quartile and its partners, not itself."""
        found = set(self.top.get(dimension, ())) | {partner for _, partner in self.partners.get((code, dimension), ())}
        found.discard(code)
        return found


def round_strength(results: RoundResults) -> RoundStrength:
    """The round's `RoundStrength` from its full results: the schools' published `all` rows only. The labels are
    stored with the results as the school reads them (`RoundResults.for_school` blanks only the codes where
    names are not shared)."""
    aggregates = without_organisers(results.aggregates)
    rows = aggregates[((aggregates["breakdown"] == "all") & (aggregates["school"] != NETWORK)).to_numpy()
                      & ~aggregates["suppressed"].astype(bool).to_numpy()]
    schools, dimensions = rows["school"].astype(str).tolist(), rows["dimension"].astype(str).tolist()
    in_top = (rows["index"] >= rows["top_quartile"]).to_numpy().tolist()
    improve = (rows["quadrant"] == IMPROVE_FIRST).to_numpy().tolist()
    top: dict[str, set[str]] = {}
    improve_first: dict[str, list[str]] = {}
    for school, dimension, strong, first in zip(schools, dimensions, in_top, improve):
        if strong:
            top.setdefault(dimension, set()).add(school)
        if first:
            improve_first.setdefault(school, []).append(dimension)
    partners: dict[tuple[str, str], list[tuple[str, str]]] = {}
    found = results.partners.sort_values(["school", "dimension", "order"], kind="stable")
    for school, dimension, label, partner in zip(found["school"].astype(str), found["dimension"].astype(str),
                                                 found["partner_label"].astype(str),
                                                 found["partner_school"].astype(str)):
        partners.setdefault((school, dimension), []).append((label, partner))
    return RoundStrength(top={key: frozenset(codes) for key, codes in top.items()},
                         improve_first={key: tuple(keys) for key, keys in improve_first.items()},
                         partners={key: tuple(found) for key, found in partners.items()})


def cards_by_dimension(cards: pd.DataFrame) -> dict[str, list[tuple]]:
    """`survey.learning.view.published_cards(..., details=True)` as dimension -> its cards' rows (plain tuples,
    `card_id`, `title`, `school`, `school_name`, `featured`, `summary`, `contact_name`, `contact_role`,
    `contact_email`) in shown order: what `learn_from` walks for every school of a round."""
    columns = ["card_id", "title", "school", "school_name", "featured", "summary", "contact_name", "contact_role",
               "contact_email"]
    found: dict[str, list[tuple]] = {}
    for dimension, *row in zip(cards["dimension"], *(cards[column] for column in columns)):
        found.setdefault(dimension, []).append(tuple(row))
    return found


def learn_from(strength: RoundStrength, code: str, dimensions: list[Dimension], cards: dict[str, list[tuple]], *,
               share_names: bool) -> list[LearnFromSection]:
    """One section per "Improve first" dimension of school `code`, in questionnaire order. `cards`: the round's
    family's published cards by dimension (`cards_by_dimension`)."""
    wanted = set(strength.improve_first.get(code, ()))
    sections = []
    for dim in dimensions:
        if dim.key not in wanted:
            continue
        partners = strength.partners.get((code, dim.key), ())
        partner_codes = {partner for _, partner in partners}
        strong = strength.strong(code, dim.key)
        found = [card for card in cards.get(dim.key, ()) if card[2] in strong]
        shown = tuple(LearnFromCard(
            card_id=int(card_id), title=title, summary=summary or "", school=school_name if share_names else None,
            contact_name=contact_name or "", contact_role=contact_role or "", contact_email=contact_email or "",
            url=card_url(int(card_id)), featured=bool(featured), partner=share_names and school in partner_codes)
            for card_id, title, school, school_name, featured, summary, contact_name, contact_role, contact_email
            in found[:CARDS_SHOWN])
        sections.append(LearnFromSection(dim.key, dim.label, tuple(label for label, _ in partners), shown,
                                         max(0, len(found) - CARDS_SHOWN)))
    return sections


def card_url(card_id: int) -> str | None:
    """The card's page as an absolute address (PUBLIC_URL, as every link that leaves the portal: a PDF is read
    elsewhere); None until the practice library's card page is registered."""
    if CARD_PAGE not in current_app.view_functions:
        return None
    path = current_app.url_map.bind("localhost").build(CARD_PAGE, {"card_id": card_id})
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


_strengths = Kept(8)


def dashboard_sections(survey_round, code: str, language: str, today) -> list[LearnFromSection] | None:
    """"Learn from" for the school's staff dashboard, from the round's results as the dashboards keep them (its
    `RoundStrength` kept with them); the cards read now, only those of the schools strong on the school's
    "Improve first" dimensions. None while the results are not stored (the page says they are being prepared)."""
    from survey.learning.view import published_cards
    from survey.results.dashboard.loading import stored_results, version_labels

    try:
        key, results = stored_results(survey_round, today)
    except ResultsNotReady:
        return None
    strength = _strengths.get(key, lambda: round_strength(results))
    wanted = strength.improve_first.get(code, ())
    if not wanted:
        return []
    dimensions = version_labels(survey_round.version, language).dimensions
    schools = set().union(*(strength.strong(code, dimension) for dimension in wanted))
    cards = published_cards(survey_round.network_id, survey_round.version.family.key, list(wanted), schools=schools,
                            details=True)
    return learn_from(strength, code, dimensions, cards_by_dimension(cards),
                      share_names=survey_round.network.share_school_names)

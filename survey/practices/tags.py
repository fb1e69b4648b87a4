"""What a card may be tagged with, per network and school, and how each tag reads in the reader's language.

Dimensions are "<family key>/<dimension key>" and items their lineage, taken from every questionnaire version
the network has published: both stay the same across a family's versions, so a card keeps addressing the same
thing when a new version comes. Where versions word a title differently, the latest version's wording is shown.
"""
from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from survey.catalog.models import Dimension, Item, QuestionnaireFamily, QuestionnaireVersion
from survey.extensions import db
from survey.network.models import School
from survey.catalog.texts import text_in
from survey.practices.models import PARTICIPANTS

PARTICIPANT_LABELS = {
    "teachers": _l("Teachers"),
    "students": _l("Students"),
    "counsellors": _l("Counsellors"),
    "management": _l("Management"),
    "companies": _l("Companies"),
    "parents": _l("Parents"),
    "other_staff": _l("Other staff"),
}
assert tuple(PARTICIPANT_LABELS) == PARTICIPANTS

CARD_LANGUAGES = {"da": "dansk", "sv": "svenska", "en": "English"}
"""The languages a card may be written in, each named in itself (as the header's language chooser names them)."""


def dimension_titles(network_id: int) -> dict[str, Mapping[str, str]]:
    """"<family>/<dimension>" -> its title by language, for every dimension the network has published, the
    overall index left out (a practice addresses a dimension, not everything at once)."""
    rows = db.session.execute(
        select(QuestionnaireFamily.key, Dimension.key, Dimension.title)
        .join(QuestionnaireVersion, Dimension.version_id == QuestionnaireVersion.id)
        .join(QuestionnaireFamily, QuestionnaireVersion.family_id == QuestionnaireFamily.id)
        .where(QuestionnaireFamily.network_id == network_id, Dimension.is_overall.is_(False))
        .order_by(QuestionnaireFamily.key, QuestionnaireVersion.published_at, Dimension.position)
    ).all()
    return {f"{family}/{key}": title for family, key, title in rows}  # the latest version's wording wins


def item_texts(network_id: int) -> dict[str, Mapping[str, str]]:
    """Item lineage -> its text by language, for every item the network has published."""
    rows = db.session.execute(
        select(Item.lineage, Item.text)
        .join(QuestionnaireVersion, Item.version_id == QuestionnaireVersion.id)
        .join(QuestionnaireFamily, QuestionnaireVersion.family_id == QuestionnaireFamily.id)
        .where(QuestionnaireFamily.network_id == network_id)
        .order_by(QuestionnaireFamily.key, QuestionnaireVersion.published_at, Item.position)
    ).all()
    return {lineage: text for lineage, text in rows}


def labelled(texts: Mapping[str, Mapping[str, str]], language: str) -> list[tuple[str, str]]:
    """(value, label in `language`) in the catalogue's order."""
    return [(value, text_in(text, language)) for value, text in texts.items()]


def program_codes(school: School) -> list[tuple[str, str]]:
    return [(program.code, f"{program.code} – {program.name}") for program in school.programs]

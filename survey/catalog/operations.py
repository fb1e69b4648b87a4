"""Publishing and withdrawing questionnaire versions: the one path, used by both the CLI and the admin UI.

Each network has its own catalog: a version is published into a network, follows a version of that network
and is found only by it.

Functions flush, never commit; the caller (request or CLI command) commits once.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from flask_babel import format_date, gettext as _

from survey.catalog.definition import Problem, QuestionnaireDefinition, checksum, canonical_json, parse_definition
from survey.catalog.models import (
    BackgroundQuestion,
    Dimension,
    FreeTextQuestion,
    Item,
    QuestionnaireFamily,
    QuestionnaireVersion,
    family_by_key,
    version_by_label,
)
import sqlalchemy as sa

from survey.extensions import db
from survey.network.models import Network
from survey.rounds.models import rounds_using

Lookup = Callable[[str, str], QuestionnaireDefinition | None]


class PublishError(ValueError):
    """Publishing was refused; the message says why and what to do instead."""


@dataclass(frozen=True)
class PublishResult:
    version: QuestionnaireVersion
    created: bool


def definition_of(version: QuestionnaireVersion) -> QuestionnaireDefinition:
    return QuestionnaireDefinition.model_validate_json(version.content)


def published_in(network_id: int) -> Lookup:
    """A previous_lookup that knows only the network's published versions: what a new version may follow."""

    def lookup(family: str, version: str) -> QuestionnaireDefinition | None:
        found = db.session.scalar(version_by_label(network_id, family, version))
        return definition_of(found) if found else None

    return lookup


def chained_lookup(*lookups: Lookup | None) -> Lookup:
    def lookup(family: str, version: str) -> QuestionnaireDefinition | None:
        for each in lookups:
            found = each(family, version) if each else None
            if found is not None:
                return found
        return None

    return lookup


def catalog_exists() -> bool:
    """Whether the database has been migrated: files can be validated and compared before it is."""
    return sa.inspect(db.session.connection()).has_table(QuestionnaireVersion.__tablename__)  # in this transaction


def validate_source(
    text: str, filename: str, *fallbacks: Lookup, network: Network | None = None, warnings: list[Problem] | None = None
) -> QuestionnaireDefinition:
    """Parse and validate a definition; a previous version is looked up among the network's published ones
    (none without a network), then `fallbacks`. Warnings are appended to `warnings` (see `parse_definition`)."""
    published = published_in(network.id) if network is not None and catalog_exists() else None
    return parse_definition(text, filename, chained_lookup(published, *fallbacks), warnings)


def publish_definition(
    network: Network, definition: QuestionnaireDefinition, source: str, published_by: str
) -> PublishResult:
    """Publish a validated definition into the network's catalog. Identical content again changes nothing;
    different content is refused."""
    digest = checksum(definition)
    existing = db.session.scalar(version_by_label(network.id, definition.family, definition.version))
    if existing is not None:
        if existing.checksum == digest:
            return PublishResult(existing, created=False)
        raise PublishError(_(
            "%(family)s %(version)s is already published with different content (checksum %(checksum)s, published "
            "%(date)s by %(person)s). A published version never changes: give the new content a new version and "
            "set `previous` to '%(version)s'.", family=definition.family, version=definition.version,
            checksum=existing.checksum[:12], date=format_date(existing.published_at), person=existing.published_by))
    previous = None
    if definition.previous is not None:
        previous = db.session.scalar(version_by_label(network.id, definition.family, definition.previous))
        if previous is None:
            raise PublishError(_(
                "%(family)s %(version)s follows version %(previous)s, which is not published: publish it first.",
                family=definition.family, version=definition.version, previous=definition.previous))
    audience = definition.audience
    family = db.session.scalar(family_by_key(network.id, definition.family)) or QuestionnaireFamily(
        network=network, key=definition.family, audience=audience
    )
    if family.audience != audience:
        raise PublishError(_(
            "family %(family)s asks %(audience)s respondents, but %(family)s %(version)s names audience "
            "%(named)s: a family keeps its audience; publish this questionnaire as a family of its own",
            family=definition.family, audience=family.audience, version=definition.version, named=audience))
    version = QuestionnaireVersion(
        family=family,
        version=definition.version,
        previous=previous,
        title=dict(definition.title),
        languages=list(definition.languages),
        scale_points=max(scale.points for scale in definition.scales.values()),
        content=canonical_json(definition),
        source=source,
        checksum=digest,
        published_at=datetime.now(timezone.utc),
        published_by=published_by,
    )
    db.session.add(version)
    with db.session.no_autoflush:  # rows are complete only once attached to both version and dimension
        _add_content(version, definition, previous)
    db.session.flush()
    return PublishResult(version, created=True)


def _add_content(version: QuestionnaireVersion, definition: QuestionnaireDefinition, previous) -> None:
    """The relational copy of the content that queries join on: dimensions and items with their lineage ids,
    and the other questions in storage order."""
    previous_lineage = {item.key: item.lineage for item in previous.items} if previous else {}
    dimension_of = {}
    for dim_position, dim in enumerate(definition.dimensions):
        dimension = Dimension(key=dim.key, position=dim_position, title=dict(dim.title), is_overall=dim.key == definition.overall)
        version.dimensions.append(dimension)
        dimension_of.update((key, dimension) for key in dim.items)
    for position, item in enumerate(definition.rating_items()):
        row = Item(
            key=item.key,
            position=position,
            text=dict(item.text),
            reverse=item.reverse,
            required=item.required,
            lineage=item_lineage(definition, item.key, item.lineage, previous_lineage),
        )
        version.items.append(row)
        dimension_of[item.key].items.append(row)
    for q_position, question in enumerate(definition.background_questions()):
        options = getattr(question, "options", None)
        version.background_questions.append(
            BackgroundQuestion(
                key=question.key,
                type=question.type,
                position=q_position,
                text=dict(question.text),
                source=getattr(question, "source", None),
                options=[option.model_dump(mode="json") for option in options] if options else None,
                required=question.required,
            )
        )
    for q_position, question in enumerate(definition.text_questions()):
        version.free_text_questions.append(FreeTextQuestion(key=question.key, position=q_position, text=dict(question.text)))


def item_lineage(definition: QuestionnaireDefinition, key: str, lineage: str | None, previous: dict[str, str]) -> str:
    """The lineage id an item carries: inherited from the previous version, or a new one born here."""
    if lineage is None or lineage == "new":
        return f"{definition.family}/{definition.version}/{key}"
    return previous[key if lineage == "same" else lineage]


def withdraw_version(version: QuestionnaireVersion) -> None:
    """Hide a version from new rounds. Its content stays, unchanged, for the record."""
    if version.is_withdrawn:
        return
    used_by = db.session.scalars(rounds_using(version.id)).all()
    if used_by:
        names = ", ".join(r.name for r in used_by)
        raise PublishError(_("%(version)s is used by round(s) %(rounds)s and cannot be withdrawn.",
                             version=version.label, rounds=names))
    version.withdrawn_at = datetime.now(timezone.utc)
    db.session.flush()

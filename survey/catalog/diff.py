"""What changed from one questionnaire version to the next, and which dimensions stay comparable.

Comparability decides which trends Benchlearn may show (METHOD.md, Trends): a dimension is comparable with the
previous round only when every item in it continues an item of that same dimension, with the same scoring
direction, and no item of it was dropped, replaced or moved away. The new version's `lineage` says which item
continues which; this module reads it, it never guesses from wording.
"""
from __future__ import annotations

from dataclasses import dataclass

from survey.catalog.definition import Dimension, QuestionnaireDefinition
from survey.questions import RatingQuestion as Item


@dataclass(frozen=True)
class Moved:
    """An item that continues an item of another dimension."""

    key: str
    old_key: str
    from_dimension: str
    to_dimension: str


@dataclass(frozen=True)
class QuestionnaireDiff:
    """The changes from `old_version` to `new_version`; item keys are the new version's unless said otherwise."""

    family: str
    old_version: str
    new_version: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    """Keys of old items that no new item continues or replaces."""
    reworded: dict[str, str]
    """New item -> the old item it replaces: a new lineage, not comparable."""
    text_changed: tuple[str, ...]
    """Items whose wording was polished in some language: still comparable."""
    renamed: dict[str, str]
    """New item -> the old item of the same dimension it continues under another key."""
    moved: tuple[Moved, ...]
    reverse_changed: tuple[str, ...]
    dimensions_added: tuple[str, ...]
    dimensions_removed: tuple[str, ...]
    comparable_dimensions: tuple[str, ...]
    not_comparable: dict[str, list[str]]
    """Every other dimension of the new version -> why it cannot be compared."""
    other_changes: tuple[str, ...]
    """Changes outside the items that do not affect comparability: titles, intro, background questions, ..."""

    @property
    def has_changes(self) -> bool:
        return any(
            (self.added, self.removed, self.reworded, self.text_changed, self.renamed, self.moved,
             self.reverse_changed, self.dimensions_added, self.dimensions_removed, self.other_changes)
        )


def diff_definitions(old: QuestionnaireDefinition, new: QuestionnaireDefinition) -> QuestionnaireDiff:
    """Compare `new` with the version it follows; ValueError when `new` does not follow `old`."""
    if new.family != old.family or new.previous != old.version:
        follows = f"follows version {new.previous!r}" if new.previous else "is a first version"
        raise ValueError(
            f"{new.family} {new.version} {follows}, so it cannot be compared with {old.family} {old.version}: "
            "compare a version with the one its `previous` names"
        )
    lineage = _Lineage(old, new)
    continues = lineage.continues
    # Wording is compared in the languages both versions have: adding a language polishes nothing.
    common = [language for language in new.languages if language in old.languages]
    old_keys = {dimension.key for dimension in old.dimensions}
    new_keys = {dimension.key for dimension in new.dimensions}
    reasons = {dimension.key: lineage.reasons(dimension) for dimension in new.dimensions}
    return QuestionnaireDiff(
        family=new.family,
        old_version=old.version,
        new_version=new.version,
        added=tuple(item.key for _, item in new.items() if item.lineage == "new" and item.replaces is None),
        removed=tuple(
            key for key in lineage.old_dimension if key not in lineage.carried_to and key not in lineage.replaced_by
        ),
        reworded={item.key: item.replaces for _, item in new.items() if item.lineage == "new" and item.replaces},
        text_changed=tuple(
            key for key, was in continues.items() if any(new.item(key).text[lang] != was.text[lang] for lang in common)
        ),
        renamed={key: was.key for key, was in continues.items() if key != was.key and not lineage.moved(key)},
        moved=tuple(
            Moved(key, was.key, lineage.old_dimension[was.key], lineage.new_dimension[key])
            for key, was in continues.items()
            if lineage.moved(key)
        ),
        reverse_changed=tuple(key for key, was in continues.items() if new.item(key).reverse != was.reverse),
        dimensions_added=tuple(dimension.key for dimension in new.dimensions if dimension.key not in old_keys),
        dimensions_removed=tuple(dimension.key for dimension in old.dimensions if dimension.key not in new_keys),
        comparable_dimensions=tuple(key for key, why in reasons.items() if not why),
        not_comparable={key: why for key, why in reasons.items() if why},
        other_changes=_other_changes(old, new, continues),
    )


class _Lineage:
    """How the new version's items descend from the old version's, as `lineage` and `replaces` declare."""

    def __init__(self, old: QuestionnaireDefinition, new: QuestionnaireDefinition) -> None:
        self.old, self.new = old, new
        self.old_dimension = {item.key: dimension.key for dimension, item in old.items()}
        self.new_dimension = {item.key: dimension.key for dimension, item in new.items()}
        self.continues: dict[str, Item] = {}
        """New key -> the old item it continues."""
        self.replaced_by: dict[str, str] = {}
        """Old key -> the new item that replaces it."""
        for _, item in new.items():
            claimed = item.previous_key()
            for old_key in (claimed, item.replaces):
                if old_key is not None and old_key not in self.old_dimension:
                    raise ValueError(
                        f"item {item.key!r} of {new.family} {new.version} refers to item {old_key!r}, which version "
                        f"{old.version!r} does not have: validate the new version against the old one first"
                    )
            if claimed is not None:
                self.continues[item.key] = old.item(claimed)
            if item.replaces is not None:
                self.replaced_by[item.replaces] = item.key
        self.carried_to = {was.key: key for key, was in self.continues.items()}
        """Old key -> the new item that continues it."""

    def moved(self, key: str) -> bool:
        """Whether new item `key` continues an item of another dimension."""
        return self.new_dimension[key] != self.old_dimension[self.continues[key].key]

    def reasons(self, dimension: Dimension) -> list[str]:
        """Why `dimension` cannot be compared with the old version; empty when it can."""
        if dimension.key not in {each.key for each in self.old.dimensions}:
            return [f"dimension is new in {self.new.version}"]
        reasons = []
        for item in map(self.new.item, dimension.items):
            was = self.continues.get(item.key)
            if was is None:
                added = f"item {item.key} added"
                reasons.append(f"item {item.key} reworded (replaces {item.replaces})" if item.replaces else added)
            elif self.moved(item.key):
                reasons.append(f"item {item.key} moved in from {self.old_dimension[was.key]}")
            elif item.reverse != was.reverse:
                reasons.append(f"item {item.key} reverse flag changed")
        for item in map(self.old.item, self.old.dimension(dimension.key).items):
            successor = self.carried_to.get(item.key)
            replacement = self.replaced_by.get(item.key)
            if successor is not None and self.new_dimension[successor] != dimension.key:
                reasons.append(f"item {item.key} moved out to {self.new_dimension[successor]}")
            elif replacement is not None and self.new_dimension[replacement] != dimension.key:
                reasons.append(f"item {item.key} replaced by {replacement}")
            elif successor is None and replacement is None:
                reasons.append(f"item {item.key} removed")
        return reasons


def _other_changes(
    old: QuestionnaireDefinition, new: QuestionnaireDefinition, continues: dict[str, Item]
) -> tuple[str, ...]:
    """Changes that leave comparability alone but still matter: a rewritten intro is not "No changes"."""
    changes = [
        name
        for name, before, after in (
            ("languages", old.languages, new.languages),
            ("title", old.title, new.title),
            ("intro", old.intro, new.intro),
            ("scales", old.scales, new.scales),
            ("overall dimension", old.overall, new.overall),
            ("background questions", old.background_questions(), new.background_questions()),
            ("free-text questions", old.text_questions(), new.text_questions()),
        )
        if before != after
    ]
    old_order = [dimension.key for dimension in old.dimensions if dimension.key in {d.key for d in new.dimensions}]
    new_order = [dimension.key for dimension in new.dimensions if dimension.key in old_order]
    if old_order != new_order:
        changes.append("dimension order")
    for dimension in new.dimensions:
        if dimension.key in old_order and old.dimension(dimension.key).title != dimension.title:
            changes.append(f"dimension {dimension.key}: title")
    for key, was in continues.items():
        if new.item(key).required != was.required:
            changes.append(f"item {key}: now {'required' if new.item(key).required else 'optional'}")
    return tuple(changes)


def format_diff(diff: QuestionnaireDiff) -> str:
    """The diff as plain text for the command line and the admin preview."""
    lines = [f"{diff.family} {diff.old_version} -> {diff.new_version}"]
    sections = (
        ("Added", list(diff.added)),
        ("Removed", list(diff.removed)),
        ("Reworded (new lineage)", [f"{key} replaces {old_key}" for key, old_key in diff.reworded.items()]),
        ("Wording polished", list(diff.text_changed)),
        ("Moved", [f"{m.old_key} -> {m.key} (from {m.from_dimension} to {m.to_dimension})" for m in diff.moved]),
        ("Renamed", [f"{old_key} -> {key}" for key, old_key in diff.renamed.items()]),
        ("Reverse flag changed", list(diff.reverse_changed)),
        ("Other changes", list(diff.other_changes)),
    )
    if not diff.has_changes:
        lines.append("No changes")
    for heading, entries in sections:
        if entries:
            lines.append(f"{heading}:")
            lines.extend(f"  {entry}" for entry in entries)
    lines.append("Dimensions:")
    if diff.dimensions_added:
        lines.append(f"  added: {', '.join(diff.dimensions_added)}")
    if diff.dimensions_removed:
        lines.append(f"  removed: {', '.join(diff.dimensions_removed)}")
    lines.append(f"  comparable with {diff.old_version}: {', '.join(diff.comparable_dimensions) or 'none'}")
    if diff.not_comparable:
        lines.append(f"  not comparable with {diff.old_version}:")
        for key, reasons in diff.not_comparable.items():
            lines.append(f"    {key}:")
            lines.extend(f"      {reason}" for reason in reasons)
    return "\n".join(lines)

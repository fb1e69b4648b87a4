"""The input contract: what the analysis needs to know about a questionnaire version."""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

Labels = tuple[tuple[str, tuple[str, ...]], ...]
"""Texts by language: ((language, (text, ...)), ...), sorted by language."""


def labels_of(texts: Mapping[str, object]) -> Labels:
    """`Labels` from a {language: text or [texts]} mapping."""
    return tuple(sorted((language, tuple(value) if isinstance(value, (list, tuple)) else (str(value),))
                        for language, value in texts.items()))


@dataclass(frozen=True)
class ScaleSpec:
    """A rating item's answer scale as far as scores and comparability are concerned.

    `points` k: answers coded 1..k, k the most positive. `order`: how it is shown (ascending = least positive
    first). `labels`: the texts at every point (`ends` False) or at the two ends (`ends` True), by language.
    `non_substantive`: the options that are missing for scores, in storage order (the first is stored as 255,
    the j-th (0-based) as 255 - j), each with its labels by language.
    """

    points: int
    order: str = "ascending"
    labels: Labels = ()
    ends: bool = False
    non_substantive: tuple[tuple[str, Labels], ...] = ()

    def __post_init__(self) -> None:
        if not 2 <= self.points <= 11:
            raise ValueError(f"points must be 2..11, got {self.points}")

    @property
    def non_substantive_keys(self) -> tuple[str, ...]:
        return tuple(key for key, _ in self.non_substantive)

    def changes(self, earlier: ScaleSpec) -> list[str]:
        """How this scale differs from `earlier` in what an answer means (METHOD.md, Trends: points,
        direction, labels' meaning, non-substantive options' meaning); empty when it does not. Labels are
        compared in the languages both have: adding a translation changes no meaning."""
        reasons = []
        if self.points != earlier.points:
            reasons.append(f"points {earlier.points} -> {self.points}")
        if self.order != earlier.order:
            reasons.append(f"order {earlier.order} -> {self.order}")
        if self.ends != earlier.ends:
            reasons.append("labels at the ends only" if self.ends else "labels at every point")
        elif _texts_differ(self.labels, earlier.labels):
            reasons.append("labels changed")
        if self.non_substantive_keys != earlier.non_substantive_keys:
            before = ", ".join(earlier.non_substantive_keys) or "none"
            after = ", ".join(self.non_substantive_keys) or "none"
            reasons.append(f"non-substantive options {before} -> {after}")
        elif any(_texts_differ(now, was) for (_, now), (_, was) in zip(self.non_substantive,
                                                                        earlier.non_substantive)):
            reasons.append("non-substantive labels changed")
        return reasons


def _texts_differ(now: Labels, was: Labels) -> bool:
    before = dict(was)
    common = [language for language, _ in now if language in before]
    if not common:
        return bool(now or was) and now != was
    current = dict(now)
    return any(current[language] != before[language] for language in common)


@dataclass(frozen=True)
class DimensionSpec:
    """One dimension: its key and its item keys, in questionnaire order."""

    key: str
    items: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))
        if not self.items:
            raise ValueError(f"dimension {self.key!r} has no items")

    @property
    def min_answered(self) -> int:
        """Answered items needed for a respondent score when every item was asked: half of the items,
        rounded up (`QuestionnaireSpec`'s rule counts only the items a respondent was asked)."""
        return math.ceil(len(self.items) / 2)


@dataclass(frozen=True)
class QuestionnaireSpec:
    """What the analysis needs from one questionnaire version.

    `points` is the k of every item without a scale of its own in `scales` (item key -> `ScaleSpec`): items of
    one dimension may have different k. Answers are coded 1..k, k the most positive. `reverse` holds the keys
    of reverse-worded items (flipped x -> k + 1 - x when read). `lineage` maps each item key to its lineage id
    (items with the same lineage id in two versions measure the same thing); an item missing from it is its
    own lineage. `overall` is the overall satisfaction dimension, None when the questionnaire names none (then
    there is no structural analysis). `equivalent_scale`: item -> the stated reason why its changed scale still
    counts as the same (METHOD.md, Trends). `loose_items`: rating items in no dimension, reported in the item
    results only (after the dimensions' items, `reported_items`).
    """

    points: int
    dimensions: tuple[DimensionSpec, ...]
    overall: str | None = None
    reverse: frozenset[str] = frozenset()
    lineage: Mapping[str, str] = field(default_factory=dict)
    scales: Mapping[str, ScaleSpec] = field(default_factory=dict)
    equivalent_scale: Mapping[str, str] = field(default_factory=dict)
    loose_items: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        dimensions = tuple(self.dimensions)
        object.__setattr__(self, "dimensions", dimensions)
        object.__setattr__(self, "reverse", frozenset(self.reverse))
        if not 2 <= self.points <= 11:
            raise ValueError(f"points must be 2..11, got {self.points}")
        dimension_keys = [d.key for d in dimensions]
        if len(set(dimension_keys)) != len(dimension_keys):
            raise ValueError("a dimension key is used twice")
        object.__setattr__(self, "loose_items", tuple(self.loose_items))
        items = [item for d in dimensions for item in d.items] + list(self.loose_items)
        if len(set(items)) != len(items):
            raise ValueError("an item key is used twice")
        if self.overall is not None and self.overall not in dimension_keys:
            raise ValueError(f"overall dimension {self.overall!r} is not a dimension")
        unknown = (self.reverse | set(self.lineage) | set(self.scales) | set(self.equivalent_scale)) - set(items)
        if unknown:
            raise ValueError(f"reverse, lineage, scales or equivalent_scale name unknown items: {sorted(unknown)}")
        lineage = {item: str(self.lineage.get(item, item)) for item in items}
        object.__setattr__(self, "lineage", MappingProxyType(lineage))
        scales = {item: self.scales.get(item) or ScaleSpec(self.points) for item in items}
        object.__setattr__(self, "scales", MappingProxyType(scales))
        object.__setattr__(self, "equivalent_scale", MappingProxyType(dict(self.equivalent_scale)))
        dimension_of = {item: d.key for d in dimensions for item in d.items}
        dimension_of.update((item, "") for item in self.loose_items)
        object.__setattr__(self, "_dimension_of", MappingProxyType(dimension_of))

    def __hash__(self) -> int:
        return hash((self.points, self.dimensions, self.overall, self.reverse,
                     tuple(self.lineage.items()), tuple(self.scales.items()),
                     tuple(self.equivalent_scale.items()), self.loose_items))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, QuestionnaireSpec):
            return NotImplemented
        return (self.points, self.dimensions, self.overall, self.reverse, dict(self.lineage),
                dict(self.scales), dict(self.equivalent_scale), self.loose_items) == (
            other.points, other.dimensions, other.overall, other.reverse, dict(other.lineage),
            dict(other.scales), dict(other.equivalent_scale), other.loose_items)

    @property
    def dimension_keys(self) -> tuple[str, ...]:
        return tuple(d.key for d in self.dimensions)

    @property
    def item_keys(self) -> tuple[str, ...]:
        """Every item key, dimension by dimension, in questionnaire order."""
        return tuple(item for d in self.dimensions for item in d.items)

    @property
    def reported_items(self) -> tuple[str, ...]:
        """The items with item results: the dimensions' items, then the loose ones."""
        return self.item_keys + self.loose_items

    @property
    def predictors(self) -> tuple[str, ...]:
        """The dimensions other than overall satisfaction (the structural analysis's predictors); none when
        the questionnaire names no overall dimension: without it there is no structural analysis."""
        if self.overall is None:
            return ()
        return tuple(key for key in self.dimension_keys if key != self.overall)

    @property
    def has_structural_analysis(self) -> bool:
        """Whether the questionnaire allows a structural analysis (it names an overall dimension)."""
        return self.overall is not None and bool(self.predictors)

    @property
    def max_points(self) -> int:
        """The largest k of any item: the item results' share columns run share_1 .. share_<max_points>."""
        return max((self.points_of(item) for item in self.reported_items), default=self.points)

    @property
    def non_substantive_keys(self) -> tuple[str, ...]:
        """Every non-substantive option key of the items' scales, in order of first appearance."""
        keys = (key for item in self.reported_items for key in self.scales[item].non_substantive_keys)
        return tuple(dict.fromkeys(keys))

    def scale_of(self, item: str) -> ScaleSpec:
        return self.scales[item]

    def points_of(self, item: str) -> int:
        return self.scales[item].points

    def dimension(self, key: str) -> DimensionSpec:
        for dimension in self.dimensions:
            if dimension.key == key:
                return dimension
        raise KeyError(key)

    def dimension_of(self, item: str) -> str:
        """The item's dimension key; "" for a loose item."""
        return self._dimension_of[item]  # type: ignore[attr-defined]

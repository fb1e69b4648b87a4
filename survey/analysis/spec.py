"""The input contract: what the analysis needs to know about a questionnaire version."""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


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
        """Answered items needed for a respondent score: half of the items, rounded up."""
        return math.ceil(len(self.items) / 2)


@dataclass(frozen=True)
class QuestionnaireSpec:
    """What the analysis needs from one questionnaire version.

    `points` is k: answers are coded 1..k, k the most positive. `reverse` holds the keys of
    reverse-worded items (flipped x -> k + 1 - x when read). `lineage` maps each item key to its
    lineage id (items with the same lineage id in two versions measure the same thing); an item
    missing from it is its own lineage.
    """

    points: int
    dimensions: tuple[DimensionSpec, ...]
    overall: str
    reverse: frozenset[str] = frozenset()
    lineage: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        dimensions = tuple(self.dimensions)
        object.__setattr__(self, "dimensions", dimensions)
        object.__setattr__(self, "reverse", frozenset(self.reverse))
        if not 2 <= self.points <= 11:
            raise ValueError(f"points must be 2..11, got {self.points}")
        dimension_keys = [d.key for d in dimensions]
        if len(set(dimension_keys)) != len(dimension_keys):
            raise ValueError("a dimension key is used twice")
        items = [item for d in dimensions for item in d.items]
        if len(set(items)) != len(items):
            raise ValueError("an item key is used twice")
        if self.overall not in dimension_keys:
            raise ValueError(f"overall dimension {self.overall!r} is not a dimension")
        unknown = (self.reverse | set(self.lineage)) - set(items)
        if unknown:
            raise ValueError(f"reverse or lineage names unknown items: {sorted(unknown)}")
        lineage = {item: str(self.lineage.get(item, item)) for item in items}
        object.__setattr__(self, "lineage", MappingProxyType(lineage))

    def __hash__(self) -> int:
        return hash((self.points, self.dimensions, self.overall, self.reverse,
                     tuple(self.lineage.items())))

    @property
    def dimension_keys(self) -> tuple[str, ...]:
        return tuple(d.key for d in self.dimensions)

    @property
    def item_keys(self) -> tuple[str, ...]:
        """Every item key, dimension by dimension, in questionnaire order."""
        return tuple(item for d in self.dimensions for item in d.items)

    @property
    def predictors(self) -> tuple[str, ...]:
        """The dimensions other than overall satisfaction (the structural analysis's predictors)."""
        return tuple(key for key in self.dimension_keys if key != self.overall)

    def dimension(self, key: str) -> DimensionSpec:
        for dimension in self.dimensions:
            if dimension.key == key:
                return dimension
        raise KeyError(key)

    def dimension_of(self, item: str) -> str:
        for dimension in self.dimensions:
            if item in dimension.items:
                return dimension.key
        raise KeyError(item)

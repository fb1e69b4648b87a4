"""What an import carried, changed and dropped, each located in the source (sheet and row, or element and id).

An import never fails silently: every cell or element it does not carry, and every change it makes on the way
(a renamed key, a code assigned), becomes a `Finding` the user reads on stderr or on the upload page.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["dropped", "changed"]


@dataclass(frozen=True)
class Finding:
    """One thing the import could not carry as it was. `where` names the place in the source file."""

    where: str
    message: str
    severity: Severity = "dropped"

    def __str__(self) -> str:
        label = "not carried" if self.severity == "dropped" else "changed"
        return f"{self.where}: {label}: {self.message}"


@dataclass
class Findings:
    """The findings of one import, in the order they were found."""

    items: list[Finding] = field(default_factory=list)

    def dropped(self, where: str, message: str) -> None:
        self.items.append(Finding(where, message, "dropped"))

    def changed(self, where: str, message: str) -> None:
        self.items.append(Finding(where, message, "changed"))

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class ImportFailed(Exception):
    """Nothing could be imported (unreadable file, no question carried); `findings` says why."""

    def __init__(self, message: str, findings: list[Finding] | None = None) -> None:
        super().__init__(message)
        self.findings = findings or []

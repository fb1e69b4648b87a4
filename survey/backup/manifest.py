"""The archive's `manifest.json`: what made it, from which schema, and the sha256 of every other member.

A restore reads the manifest and checks each member against it before anything is touched, so a truncated or
altered archive is refused as a whole instead of half restored.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import PurePosixPath

from survey.backup import BackupError

NAME = "manifest.json"
FORMAT = 1
REPORTS_PREFIX = "reports/"
ATTACHMENTS_PREFIX = "attachments/"  # practice cards' files (survey/practices/attachments.py)
CHUNK = 1 << 20


@dataclass(frozen=True)
class Member:
    sha256: str
    bytes: int


@dataclass(frozen=True)
class Manifest:
    app_version: str
    alembic_revision: str | None
    database: str  # "postgresql" or "sqlite"
    created_at: str  # ISO 8601, UTC
    members: dict[str, Member] = field(default_factory=dict)
    format: int = FORMAT

    @classmethod
    def new(cls, database: str, alembic_revision: str | None, members: dict[str, Member]) -> Manifest:
        return cls(app_version=app_version(), alembic_revision=alembic_revision, database=database,
                   created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), members=members)

    @property
    def report_files(self) -> int:
        return sum(name.startswith(REPORTS_PREFIX) for name in self.members)

    @property
    def attachment_files(self) -> int:
        return sum(name.startswith(ATTACHMENTS_PREFIX) for name in self.members)

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            raw = json.loads(data)
            if raw.get("format") != FORMAT:
                raise BackupError(f"the archive's manifest is of format {raw.get('format')!r}; this version reads "
                                  f"format {FORMAT}")
            members = {name: Member(sha256=str(m["sha256"]), bytes=int(m["bytes"]))
                       for name, m in raw["members"].items()}
            manifest = cls(app_version=str(raw["app_version"]), alembic_revision=raw["alembic_revision"],
                           database=str(raw["database"]), created_at=str(raw["created_at"]), members=members)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupError(f"the archive's manifest cannot be read ({error})") from error
        for name in members:
            check_member_name(name)
        return manifest


def check_member_name(name: str) -> None:
    """Only a plain relative path without `..` may name a member: nothing can be written outside the store."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or "\\" in name:
        raise BackupError(f"the archive names a file outside its folders: {name!r}")


def app_version() -> str:
    try:
        return metadata.version("benchlearn")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


class HashingReader:
    """Reads through a file object, counting and hashing what passes (tarfile copies members through it)."""

    def __init__(self, stream):
        self.stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data

    def member(self) -> Member:
        return Member(sha256=self.digest.hexdigest(), bytes=self.size)

"""Create a backup archive, and restore one onto an empty database and report store.

The archive is a plain tar (the PostgreSQL dump is compressed by pg_dump, the PDFs are compressed already):
`database.pgdump` or `database.sqlite3`, the report store's files under `reports/`, the practice cards'
attachments under `attachments/` (ATTACHMENT_DIR), and `manifest.json` last,
written once every member's sha256 is known. It is written next to its final name and renamed into place, so a
failed backup never leaves a file that looks complete, and it is readable by its owner only: it holds the
users' password hashes and every response.

A restore checks everything before it touches anything: the manifest, each member's size and hash (while
unpacking into a staging folder beside the report store), that the archive's database kind matches the app's,
that its Alembic revision is one this code knows, and that the target database, report store and attachment
folder are empty (`force`: replace them).
"""
from __future__ import annotations

import io
import os
import shutil
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Engine

from survey.backup import BackupError
from survey.backup.databases import current_revision, database_for
from survey.backup.manifest import (ATTACHMENTS_PREFIX, NAME as MANIFEST, REPORTS_PREFIX, HashingReader, Manifest,
                                    Member, check_member_name)

TEMPORARY_PREFIX = ".tmp-"  # the report store's files being written (survey/reporting/storage.py)


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    head: str | None  # this code's newest revision: the restored database needs `db upgrade` when it differs


def create_backup(target: Path, engine: Engine, report_root: Path, attachment_root: Path | None = None) -> Manifest:
    """Write the archive of the app's database, report store and attachments to `target` (which must not exist
    yet)."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists: name a new file (a backup never overwrites one)")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a folder")
    database = database_for(engine)
    revision = current_revision(engine)
    partial = target.with_name(f"{target.name}.partial")
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".benchlearn-backup-") as staging:
        dump = Path(staging) / database.member
        database.dump(dump)
        try:
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
                os.chmod(partial, 0o600)
                members = {database.member: _add_file(archive, dump, database.member)}
                for prefix, root in ((REPORTS_PREFIX, report_root), (ATTACHMENTS_PREFIX, attachment_root)):
                    for path in _store_files(Path(root)) if root else ():
                        name = prefix + path.relative_to(root).as_posix()
                        members[name] = _add_file(archive, path, name)
                manifest = Manifest.new(database.kind, revision, members)
                data = manifest.to_json()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
                archive.addfile(info, io.BytesIO(data))
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return manifest


def restore_backup(source: Path, engine: Engine, report_root: Path, migrations: Path, *,
                   force: bool = False, attachment_root: Path | None = None) -> Restored:
    """Restore the archive `source` into the app's (empty, unless `force`) database, report store and
    attachment folder."""
    source, report_root = Path(source), Path(report_root)
    database = database_for(engine)
    report_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=report_root.parent, prefix=".benchlearn-restore-") as staging:
        manifest = _unpack_checked(source, Path(staging))
        if manifest.database != database.kind:
            raise BackupError(f"the archive holds a {manifest.database} database and the app uses "
                              f"{database.kind}: restore it where the app runs on {manifest.database}")
        head = _check_revision(manifest.alembic_revision, migrations)
        if not force:
            tables = database.tables()
            if tables:
                raise BackupError(f"{database.describe()} is not empty ({len(tables)} tables, e.g. "
                                  f"{', '.join(tables[:3])}): restore into an empty database, or pass --force to "
                                  "replace everything in it")
            if any(_store_files(report_root)):
                raise BackupError(f"the report store {report_root} holds files: restore into an empty store, or "
                                  "pass --force to replace them")
            if attachment_root and any(_store_files(Path(attachment_root))):
                raise BackupError(f"the attachment folder {attachment_root} holds files: restore into an empty "
                                  "folder, or pass --force to replace them")
        database.restore(Path(staging) / database.member, replace=force)
        restored_revision = current_revision(engine)
        if restored_revision != manifest.alembic_revision:
            raise BackupError(f"the restored database is at revision {restored_revision!r}, the archive says "
                              f"{manifest.alembic_revision!r}")
        _replace_store(Path(staging) / "reports", report_root)
        if attachment_root:
            _replace_store(Path(staging) / "attachments", Path(attachment_root))
    return Restored(manifest, head)


def _store_files(root: Path):
    """The report store's files, in a stable order, leaving out those still being written."""
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and not path.name.startswith(TEMPORARY_PREFIX):
            yield path


def _add_file(archive: tarfile.TarFile, path: Path, name: str) -> Member:
    with path.open("rb") as stream:  # an open file keeps its content even if the store renames a new one over it
        status = os.fstat(stream.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = status.st_size, int(status.st_mtime), 0o600
        reader = HashingReader(stream)
        archive.addfile(info, reader)
    return reader.member()


def _unpack_checked(source: Path, staging: Path) -> Manifest:
    """Every member into `staging` (the database dump at its top, the reports under `reports/`), each hashed on
    the way and compared with the manifest; any difference refuses the archive."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    try:
        with tarfile.open(source, "r:") as archive:
            try:
                manifest = Manifest.from_json(archive.extractfile(MANIFEST).read())
            except KeyError:
                raise BackupError(f"{source} has no {MANIFEST}: it is not a Benchlearn backup") from None
            found = set()
            for info in archive:
                if info.name == MANIFEST:
                    continue
                check_member_name(info.name)
                expected = manifest.members.get(info.name)
                if expected is None or not info.isfile():
                    raise BackupError(f"{source} holds {info.name!r}, which its manifest does not list")
                target = staging / info.name
                target.parent.mkdir(parents=True, exist_ok=True)
                reader = HashingReader(archive.extractfile(info))
                with target.open("wb") as out:
                    shutil.copyfileobj(reader, out)
                if reader.member() != expected:
                    raise BackupError(f"{info.name} in {source} does not match its manifest (sha256 or size "
                                      "differs): the archive is damaged or was altered")
                found.add(info.name)
    except tarfile.TarError as error:
        raise BackupError(f"{source} cannot be read as a backup archive ({error})") from error
    missing = sorted(set(manifest.members) - found)
    if missing:
        raise BackupError(f"{source} lacks {len(missing)} files its manifest lists, e.g. {missing[0]}")
    return manifest


def _check_revision(revision: str | None, migrations: Path) -> str | None:
    """The archive's revision must be one of this code's migrations; returns this code's head."""
    scripts = ScriptDirectory(str(migrations))
    if revision is None:
        raise BackupError("the archive's database was never migrated (no Alembic revision)")
    try:
        known = scripts.get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise BackupError(f"the archive's database is at revision {revision!r}, which this version of "
                          "Benchlearn does not know: restore it with the version that made it")
    return scripts.get_current_head()


def _replace_store(unpacked: Path, root: Path) -> None:
    """Put the unpacked files where the store is (whatever was there goes: it was empty, or `--force`); the
    attachment folder may be on another file system than the report store's staging folder."""
    if root.exists():
        shutil.rmtree(root)
    root.parent.mkdir(parents=True, exist_ok=True)
    if unpacked.is_dir():
        shutil.move(unpacked, root)
    else:
        root.mkdir()

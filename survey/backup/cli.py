"""`benchlearn backup create FILE` and `benchlearn backup restore FILE [--force]`."""
from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from survey.backup import BackupError
from survey.backup.operations import create_backup, restore_backup
from survey.extensions import db
from survey.practices.attachments import attachment_dir
from survey.reporting.storage import default_store

backup_cli = click.Group("backup", help="Back up and restore the database, the report store and the practice cards' "
                                        "attachments (one tar archive).")


@backup_cli.command("create")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def create_command(file: Path) -> None:
    """Write FILE: the database (pg_dump, or SQLite's online backup: safe while the app runs), the built
    reports, the practice cards' attachments and a manifest with each member's sha256. FILE must not exist yet."""
    started = time.perf_counter()
    try:
        manifest = create_backup(file, db.engine, default_store(current_app).root, attachment_dir())
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{file}: {manifest.database} database at revision {manifest.alembic_revision}, "
               f"{manifest.report_files} report files, {manifest.attachment_files} attachments, "
               f"{file.stat().st_size:,} bytes "
               f"in {time.perf_counter() - started:.1f} s")


@backup_cli.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--force", is_flag=True, help="Replace what the database and the report store hold.")
@with_appcontext
def restore_command(file: Path, force: bool) -> None:
    """Restore FILE into the app's database, report store and attachment folder, which must be empty (unless
    --force). The archive
    is checked first (manifest, hashes, database kind, a known migration); on any problem nothing is touched."""
    started = time.perf_counter()
    migrate = current_app.extensions["migrate"]
    try:
        restored = restore_backup(file, db.engine, default_store(current_app).root, Path(migrate.directory),
                                  force=force, attachment_root=attachment_dir())
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    manifest = restored.manifest
    click.echo(f"restored {file} (made {manifest.created_at} by Benchlearn {manifest.app_version}): "
               f"{manifest.database} database at revision {manifest.alembic_revision}, "
               f"{manifest.report_files} report files, {manifest.attachment_files} attachments "
               f"in {time.perf_counter() - started:.1f} s")
    if restored.head != manifest.alembic_revision:
        click.echo(f"the database is at revision {manifest.alembic_revision}, this version's is {restored.head}: "
                   "run `benchlearn db upgrade`")

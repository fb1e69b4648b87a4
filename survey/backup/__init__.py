"""Backups: the database and the report store in one tar archive with a manifest, and their restore.

`benchlearn backup create FILE` / `benchlearn backup restore FILE [--force]` (cli.py) call the two operations
in operations.py; databases.py holds what differs between PostgreSQL (pg_dump/pg_restore) and SQLite (its
online backup API); manifest.py what the archive says about itself and how that is checked.
"""


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do. Every check a restore can
    make beforehand is made before it changes anything."""

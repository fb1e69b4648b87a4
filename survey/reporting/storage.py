"""Built reports on disk: <root>/<round_id>/<school_code>-<hash>.pdf with a JSON index per round.

The index maps each report (a school code, or "_network") to its file and content hash, so a build skips a
report whose inputs have not changed and downloads are served from storage, never rebuilt. Only the
parent process of a build writes the index (atomically, by rename).
"""
from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from datetime import datetime, timezone
from pathlib import Path

NETWORK_KEY = "_network"
ADMIN_COPY_SUFFIX = ".admins"  # a school report's copy for admins, without comments the network keeps from them
_SAFE = re.compile(r"^[A-Za-z0-9_.-]+$")
_lock = threading.Lock()


class ReportStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    @staticmethod
    def is_safe_key(key: str) -> bool:
        """Whether `key` can name a report file: letters, digits, '_', '.', '-' (no path separator)."""
        return _SAFE.match(key) is not None and key not in (".", "..")

    def _round_dir(self, round_id: int) -> Path:
        return self.root / str(int(round_id))

    def _index_path(self, round_id: int) -> Path:
        return self._round_dir(round_id) / "index.json"

    def index(self, round_id: int) -> dict[str, dict]:
        path = self._index_path(round_id)
        if not path.exists():
            return {}
        return json.loads(path.read_text(encoding="utf-8"))

    def entry(self, round_id: int, key: str) -> dict | None:
        return self.index(round_id).get(key)

    def is_current(self, round_id: int, key: str, content_hash: str) -> bool:
        entry = self.entry(round_id, key)
        return bool(entry and entry["hash"] == content_hash and (self._round_dir(round_id) / entry["file"]).exists())

    def path(self, round_id: int, key: str) -> Path | None:
        """The stored PDF of a school (code) or of the network report, if it exists."""
        entry = self.entry(round_id, key)
        if not entry:
            return None
        path = self._round_dir(round_id) / entry["file"]
        return path if path.exists() else None

    def save(self, round_id: int, key: str, content_hash: str, pdf: bytes, *, comments: bool = False,
             plan: bool = False) -> Path:
        """Store a report; `comments`: whether it prints free-text comments, `plan`: whether it prints the
        school's action plan (an admin is served it only when the network lets admins read them, `admin_path`)."""
        if not self.is_safe_key(key):
            raise ValueError(f"unsafe report key {key!r}")
        folder = self._round_dir(round_id)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{key}-{content_hash[:16]}.pdf"
        _atomic_write(folder / name, pdf)
        with _lock:
            index = self.index(round_id)
            old = index.get(key)
            index[key] = {"file": name, "hash": content_hash, "bytes": len(pdf), "comments": comments,
                          "plan": plan, "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
            _atomic_write(self._index_path(round_id), json.dumps(index, indent=1, sort_keys=True).encode())
        if old and old["file"] != name:
            (folder / old["file"]).unlink(missing_ok=True)
        return folder / name


    def admin_path(self, round_id: int, key: str, admins_read_comments: bool, admins_read_plans: bool = False
                   ) -> Path | None:
        """The stored report a network admin is served for `key`: the school's own when it prints no comments
        (or the network lets admins read them) and no action plan (or the network lets admins read plans);
        else the admins' copy without them (None until built). A report stored before the index recorded
        comments counts as having them; one stored before it recorded plans printed none."""
        entry = self.entry(round_id, key)
        if entry is None or ((admins_read_comments or entry.get("comments") is False)
                             and (admins_read_plans or not entry.get("plan"))):
            return self.path(round_id, key)
        return self.path(round_id, key + ADMIN_COPY_SUFFIX)


def _atomic_write(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def default_store(app=None) -> ReportStore:
    from flask import current_app

    app = app or current_app
    return ReportStore(app.config.get("REPORTS_DIR") or Path(app.instance_path) / "reports")

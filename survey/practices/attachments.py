"""Files attached to practice cards: which kinds are taken, where they are kept, and their removal.

A file is taken only when its name's extension AND its content agree on one of the kinds below (a renamed
executable or an HTML page called .pdf is refused), and only up to ATTACHMENT_MAX_BYTES. It is kept under
ATTACHMENT_DIR (outside the web root) by a random name, so nothing the uploader chose reaches the file system,
with its SHA-256 to check it on restore. Files follow the database: a file written for an upload that is
rolled back is removed again, and the file of a deleted attachment is removed once the deletion is committed.
"""
from __future__ import annotations

import hashlib
import io
import secrets
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from survey.accounts.models import User
from survey.extensions import db
from survey.practices.access import may_edit
from survey.practices.models import PracticeAttachment, PracticeCard, utc_now


class AttachmentError(ValueError):
    """The file was refused; the message says why, in the reader's language."""


def _zip_names(data: bytes) -> list[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return []


def _office_open_xml(folder: str) -> Callable[[bytes], bool]:
    """A Word, Excel or PowerPoint file: a zip with [Content_Types].xml and the part folder of its kind."""
    def sniff(data: bytes) -> bool:
        names = _zip_names(data) if data.startswith(b"PK\x03\x04") else []
        return "[Content_Types].xml" in names and any(name.startswith(folder) for name in names)
    return sniff


def _open_document(mimetype: str) -> Callable[[bytes], bool]:
    """An OpenDocument file: a zip whose first entry, stored uncompressed, is `mimetype` naming its kind (the
    OpenDocument standard puts it at a fixed offset, 30 bytes in, so that it can be read without unzipping)."""
    marker = b"mimetype" + mimetype.encode("ascii")
    return lambda data: data.startswith(b"PK\x03\x04") and data[30:30 + len(marker)] == marker


def _plain_text(data: bytes) -> bool:
    """Text in UTF-8 (or Windows-1252, as Excel writes CSV in Denmark and Sweden) without control characters."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not any(unicodedata.category(c) == "Cc" and c not in "\t\r\n\f" for c in text)
    return False


KINDS: dict[str, tuple[str, Callable[[bytes], bool]]] = {
    "pdf": ("application/pdf", lambda data: data.startswith(b"%PDF-")),
    "png": ("image/png", lambda data: data.startswith(b"\x89PNG\r\n\x1a\n")),
    "jpg": ("image/jpeg", lambda data: data.startswith(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", lambda data: data.startswith(b"\xff\xd8\xff")),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _office_open_xml("word/")),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _office_open_xml("xl/")),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _office_open_xml("ppt/")),
    "odt": ("application/vnd.oasis.opendocument.text", _open_document("application/vnd.oasis.opendocument.text")),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet",
            _open_document("application/vnd.oasis.opendocument.spreadsheet")),
    "odp": ("application/vnd.oasis.opendocument.presentation",
            _open_document("application/vnd.oasis.opendocument.presentation")),
    "txt": ("text/plain; charset=utf-8", _plain_text),
    "csv": ("text/csv; charset=utf-8", _plain_text),
}
"""Extension -> (the content type it is served as, the test its content must pass)."""

ACCEPTED = ", ".join(sorted({name for name in KINDS if name != "jpeg"}))


def attachment_dir() -> Path:
    return Path(current_app.config.get("ATTACHMENT_DIR") or Path(current_app.instance_path) / "attachments")


def max_bytes() -> int:
    return int(current_app.config["ATTACHMENT_MAX_BYTES"])


def megabytes(size: int) -> str:
    """A file size as people read it: whole MB from 1 MB up, else kB (at least 1)."""
    return f"{size / 1024 / 1024:.0f} MB" if size >= 1024 * 1024 else f"{max(-(-size // 1024), 1)} kB"


def too_large_message() -> str:
    return _("The file is larger than %(limit)s, the largest attachment taken. Nothing was changed.",
             limit=megabytes(max_bytes()))


def safe_filename(name: str) -> str:
    """The uploader's file name as shown and offered on download: its last path part, printable characters
    only, at most 200 characters with the extension kept."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(c for c in name if unicodedata.category(c)[0] not in "CZ" or c == " ").strip(" .")
    if len(name) > 200:
        stem, _dot, extension = name.rpartition(".")
        name = stem[:190] + "." + extension[:9]
    return name or "attachment"


def kind_of(filename: str, data: bytes) -> str:
    """The content type the file is kept as, or AttachmentError when its name or its content is not one of the
    accepted kinds (or they disagree)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in KINDS:
        raise AttachmentError(_("Files of this kind are not taken. Accepted: %(kinds)s.", kinds=ACCEPTED))
    content_type, sniff = KINDS[extension]
    if not sniff(data):
        raise AttachmentError(_("The file's content is not a %(kind)s file. Accepted: %(kinds)s.",
                                kind=extension.upper(), kinds=ACCEPTED))
    return content_type


def add_attachment(user: User, card: PracticeCard, filename: str, data: bytes) -> PracticeAttachment:
    """Keep the file for the card (its own school's staff only)."""
    if not may_edit(user, card):
        raise AttachmentError(_("Only the card's own school may change it."))
    if len(data) > max_bytes():
        raise AttachmentError(too_large_message())
    if not data:
        raise AttachmentError(_("The file is empty."))
    filename = safe_filename(filename)
    content_type = kind_of(filename, data)
    stored_name = secrets.token_hex(32)
    folder = attachment_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / stored_name
    path.write_bytes(data)
    _pending(db.session, "written").append(path)
    attachment = PracticeAttachment(filename=filename, stored_name=stored_name, content_type=content_type,
                                    size=len(data), sha256=hashlib.sha256(data).hexdigest(), uploaded_at=utc_now(),
                                    uploaded_by_id=user.id)
    card.attachments.append(attachment)
    db.session.flush()
    return attachment


def remove_attachment(user: User, attachment: PracticeAttachment) -> None:
    if not may_edit(user, attachment.card):
        raise AttachmentError(_("Only the card's own school may change it."))
    forget_files([attachment])
    attachment.card.attachments.remove(attachment)
    db.session.delete(attachment)
    db.session.flush()


def forget_files(attachments: Iterable[PracticeAttachment]) -> None:
    """Remove these attachments' files once the transaction that deletes them commits."""
    _pending(db.session, "deleted").extend(path_of(attachment) for attachment in attachments)


def path_of(attachment: PracticeAttachment) -> Path:
    return attachment_dir() / attachment.stored_name


def _pending(session, what: str) -> list[Path]:
    return session.info.setdefault(f"practice_files_{what}", [])


@event.listens_for(Session, "after_commit")
def _remove_deleted_files(session) -> None:
    for path in session.info.pop("practice_files_deleted", []):
        path.unlink(missing_ok=True)
    session.info.pop("practice_files_written", None)


@event.listens_for(Session, "after_soft_rollback")
def _remove_written_files(session, previous_transaction) -> None:
    if previous_transaction.parent is not None:
        return  # a savepoint: the outermost transaction decides
    for path in session.info.pop("practice_files_written", []):
        path.unlink(missing_ok=True)
    session.info.pop("practice_files_deleted", None)

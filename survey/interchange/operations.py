"""Import and export as the CLI and the admin upload use them: bytes in, YAML text and a report out.

`import_questionnaire` picks the reader by the file's extension, writes the document as YAML (through the
catalog's writer, so PyYAML and ruamel read it alike) and validates that YAML exactly as publishing will, so
the user learns at once whether the imported file can be published as it is.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask_babel import format_decimal, gettext as _, lazy_gettext as _l

from survey.catalog.definition import DefinitionError, QuestionnaireDefinition, parse_definition
from survey.catalog.rules import FAMILY, well_formed_version
from survey.catalog.yaml_writer import dump_definition
from survey.interchange.limesurvey import import_limesurvey
from survey.interchange.report import Finding, ImportFailed
from survey.interchange.sheets import read_workbook
from survey.interchange.xlsform import import_xlsform

FORMATS = {"xlsx": "XLSForm", "xls": "XLSForm", "csv": "XLSForm", "lss": "LimeSurvey"}
"""The extensions an import reads, and the format each names."""


@dataclass
class ImportOutcome:
    source_format: str
    yaml: str | None
    """The format-2 YAML; None when nothing could be carried."""
    findings: list[Finding]
    problems: list[str] = field(default_factory=list)
    """What keeps the YAML from validating (FILE:LINE: message); empty when it can be published as it is."""
    definition: QuestionnaireDefinition | None = None

    @property
    def dropped(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "dropped"]

    @property
    def changed(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "changed"]


def check_target(family: str, version: str) -> str | None:
    """Why FAMILY or VERSION cannot name a questionnaire version, or None."""
    if not FAMILY.fullmatch(family):
        return f"family {family!r} must be lowercase letters, digits and _, starting with a letter, at most 32 characters"
    if not well_formed_version(version) or len(version) > 40:
        return f"version {version!r} may use only letters, digits, '.', '_' and '-' (at most 40)"
    return None


def import_questionnaire(data: bytes, filename: str, family: str, version: str, out_name: str) -> ImportOutcome:
    """Read an XLSForm or LimeSurvey file. Raises ImportFailed when the file cannot be read at all."""
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    source_format = FORMATS.get(suffix)
    if source_format is None:
        raise ImportFailed(f"{filename}: import reads XLSForm (.xlsx, .xls, .csv) and LimeSurvey (.lss) files")
    if source_format == "LimeSurvey":
        result = import_limesurvey(data, filename, family, version)
        source_format = f"LimeSurvey (DBVersion {result.db_version})"
    else:
        result = import_xlsform(read_workbook(data, filename), family, version)
    findings = list(result.findings)
    if result.document is None:
        return ImportOutcome(source_format, None, findings)
    header = _header(filename, source_format, findings)
    text = dump_definition(result.document, header)
    outcome = ImportOutcome(source_format, text, findings)
    try:
        outcome.definition = parse_definition(text, out_name)
    except DefinitionError as error:
        outcome.problems = [str(problem) for problem in error.problems]
    return outcome


def _header(filename: str, source_format: str, findings: list[Finding]) -> str:
    lines = [
        f"Imported from {filename} ({source_format}) by benchlearn questionnaire import, "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC.",
    ]
    if findings:
        lines.append("What was not carried or was changed:")
        lines.extend(f"- {finding}" for finding in findings[:200])
        if len(findings) > 200:
            lines.append(f"- ... and {len(findings) - 200} more")
    return "".join(f"# {line}\n".replace("\n", " ").rstrip() + "\n" for line in lines)


_SIGNATURES = {
    "xlsx": (b"PK\x03\x04", _l("an .xlsx workbook is a zip archive")),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", _l("an .xls workbook is an OLE2 file")),
}


def unacceptable_upload(data: bytes, filename: str, limit: int) -> str | None:
    """Why an uploaded file is refused before it is read (too large, or not what its name says), or None."""
    if len(data) > limit:
        return _("%(file)s: the file is larger than %(limit)s bytes", file=filename, limit=format_decimal(limit))
    return content_mismatch(data, filename)


def content_mismatch(data: bytes, filename: str) -> str | None:
    """Why the content is not what the extension says (an upload is checked by both), or None."""
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix in _SIGNATURES:
        magic, what = _SIGNATURES[suffix]
        return None if data.startswith(magic) else _("%(file)s: this is not what its name says (%(what)s)",
                                                      file=filename, what=what)
    if suffix == "lss":
        head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
        return None if head.startswith((b"<?xml", b"<document")) else _(
            "%(file)s: an .lss file is XML, and this is not", file=filename)
    if suffix == "csv":
        if b"\x00" in data[:4096]:
            return _("%(file)s: a CSV file is text, and this is not", file=filename)
        return None
    return _("%(file)s: import reads .xlsx, .xls, .csv and .lss files", file=filename)

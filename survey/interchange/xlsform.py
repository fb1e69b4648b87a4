"""XLSForm -> format-2 questionnaire document.

The contract (issue 10; the columns marked * are this project's extensions, written by the exporter so that an
exported workbook imports back to the same checksum, and optional in a hand-made file):

survey sheet, one row per question or group:
- `type`: `begin_group`/`end_group` (or with a space) open and close a page (nested groups join the page that
  holds them, their `relevant` joined to each question's with `and`); `select_one LIST` with a `dimension` is a
  rating item on the scale LIST; `select_one LIST` without one is a single choice; `select_multiple LIST`;
  `integer`, `decimal`; `text`; `note` (display text). Any other type is reported and not carried.
- `name` (the key: lower-cased, other characters as `_` when it is not a valid key), `label`, `hint`, each also
  per language as `label::Dansk (da)` (the BCP 47 tag in parentheses; `label::da` works too);
- `required` (yes/no), `relevant` (`${q} = 'x'`, `!=`, `<`, `<=`, `>`, `>=`, `selected(${q}, 'x')`, `and`, `or`,
  `not()`), `constraint` (`. >= N and . <= M` for numbers, `string-length(.) <= N` for texts), `appearance`
  (`multiline`: a long text);
- `dimension` (the dimension key of a rating item), `dimension_label` (+ `::lang`: the dimension's title; without
  it the title is the key, spaces for underscores), `reverse` (yes: reverse-worded);
- * `shown_if` (the condition as Benchlearn writes it; wins over `relevant`), * `lineage`, * `replaces`,
  * `equivalent_scale`, * `min`, * `max`, * `unit` (+ `::lang`), * `long` (yes/no), * `max_length`,
  * `source` (`program`: the school's programs are the options), * `randomise` on a `begin_group` row.
choices sheet (scales: `xlsform_scales.py`): `list_name`, `name`, `label` (+ `::lang`); a rating scale's points
are the choices named 1..k (k the most positive, in any order on the sheet: the sheet's order is the display
order), other choices of that list are non-substantive; * `code` (the export code of an option, the code of a non-substantive choice; without
it a non-substantive choice gets 9, 10, ... or 99, 100, ... from 9 points on), * `exclusive` (yes: "none of
these"), * `order` (ascending/descending, else read from the sheet), * `labels` (`ends`: only the two ends are
labelled).
settings sheet: `form_title` (+ * `::lang`), `version`, `default_language` (`Dansk (da)` or `da`), `overall`,
* `audience`, * `previous`, * `languages` (tags in order, space separated), * `intro` (+ `::lang`).
* dimensions sheet: `name`, `label` (+ `::lang`), `items` (space separated, in order): the dimensions' order,
titles and item order (else: first use on the survey sheet, items in page order).
* interface sheet: `language`, `message`, `text`: the respondent interface strings of a language.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from survey.interchange.drafts import (
    LANGUAGE_TAG,
    DimensionDraft,
    PageDraft,
    QuestionDraft,
    as_int,
    as_number,
    assemble,
    make_key,
    truth,
    unique_key,
)
from survey.interchange.expressions import All, ExpressionError, Target, parse_xlsform
from survey.interchange.report import Findings
from survey.interchange.sheets import Row, Sheet, Workbook
from survey.interchange.xlsform_scales import Choice, scale_from_choices

AUDIENCES = ("student", "staff", "company", "other")
TEXT_BASES = ("label", "hint", "unit", "dimension_label", "form_title", "intro")
_LANGUAGE_PART = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[^()]+)\)\s*$")
_UNSUPPORTED = {
    "geopoint": "a location", "geotrace": "a location", "geoshape": "a location", "date": "a date",
    "time": "a time", "datetime": "a date and time", "image": "a file upload", "audio": "a file upload",
    "video": "a file upload", "file": "a file upload", "barcode": "a barcode scan", "range": "a slider",
    "rank": "a ranking", "acknowledge": "an acknowledgement", "calculate": "a calculation",
    "hidden": "a hidden value", "start": "metadata", "end": "metadata", "today": "metadata",
    "deviceid": "metadata", "username": "metadata", "phonenumber": "metadata", "email": "metadata",
    "audit": "metadata", "simserial": "metadata", "subscriberid": "metadata", "start-geopoint": "metadata",
    "background-audio": "metadata", "trigger": "an acknowledgement", "xml-external": "external data",
    "csv-external": "external data", "select_one_from_file": "choices from an external file",
    "select_multiple_from_file": "choices from an external file",
}


_KNOWN_COLUMNS = {
    "survey": {"type", "name", "label", "hint", "required", "relevant", "constraint", "appearance", "dimension",
               "dimension_label", "reverse", "shown_if", "lineage", "replaces", "equivalent_scale", "min", "max",
               "unit", "long", "max_length", "source", "randomise", "randomize"},
    "choices": {"list_name", "name", "label", "code", "exclusive", "order", "labels"},
    "settings": {"form_title", "form_id", "version", "default_language", "overall", "audience", "previous",
                 "languages", "intro"},
    "dimensions": {"name", "label", "items"},
    "interface": {"language", "message", "text"},
}
"""The columns the importer reads; any other column with content is reported as not carried."""


def language_of(column: str) -> tuple[str, str | None] | None:
    """`label::Dansk (da)` -> ('label', 'da'); `label` -> ('label', None); other columns -> None.
    A language part with no tag gives ('label', '') for the caller to report."""
    base, sep, language = column.partition("::")
    if base not in TEXT_BASES:
        return None
    if not sep:
        return base, None
    match = _LANGUAGE_PART.match(language)
    if match and LANGUAGE_TAG.match(match.group("code").strip()):
        return base, match.group("code").strip()
    if LANGUAGE_TAG.match(language.strip()):
        return base, language.strip()
    return base, ""


class _Reader:
    def __init__(self, workbook: Workbook, family: str, version: str) -> None:
        self.book = workbook
        self.family, self.version = family, version
        self.findings = Findings()
        self.survey = workbook.get("survey") or Sheet("survey")
        self.choices_sheet = workbook.get("choices") or Sheet("choices")
        self.settings = workbook.get("settings") or Sheet("settings")
        self.setting_row = self.settings.rows[0] if self.settings.rows else Row(2, {})
        for sheet in workbook.values():
            for where, message in sheet.problems:
                self.findings.dropped(where, message)
            for column in sheet.columns:
                base = column.partition("::")[0]
                if column and base not in _KNOWN_COLUMNS.get(sheet.name, set()):
                    rows = [row.number for row in sheet.rows if row.get(column)]
                    if rows:
                        self.findings.dropped(f"sheet {sheet.name}", f"column {column!r} ({len(rows)} "
                                              f"{sheet.unit}s from {sheet.unit} {rows[0]}): it has no equivalent")
        self.languages = self._languages()
        self.default = self._default_language()

    # --- languages and texts ---------------------------------------------------------------------------------

    def _languages(self) -> list[str]:
        found: list[str] = []
        for sheet in self.book.values():
            for column in sheet.columns:
                parsed = language_of(column) if column else None
                if parsed is None or parsed[1] is None:
                    continue
                if parsed[1] == "":
                    self.findings.dropped(f"sheet {sheet.name}", f"column {column!r} names no language tag: "
                                          "write it as label::English (en); the column is ignored")
                elif parsed[1] not in found:
                    found.append(parsed[1])
        listed = self.setting_row.get("languages").replace(",", " ").split()
        if listed:
            return listed + [language for language in found if language not in listed]
        return found

    def _default_language(self) -> str:
        written = self.setting_row.get("default_language")
        if written:
            match = _LANGUAGE_PART.match(written)
            code = match.group("code").strip() if match else written.strip()
            if LANGUAGE_TAG.match(code):
                if code not in self.languages:
                    self.languages.insert(0, code)
                return code
            self.findings.dropped(self.settings.where(self.setting_row),
                                  f"default_language {written!r} names no language tag (write e.g. English (en))")
        if self.languages:
            if len(self.languages) > 1:
                self.findings.changed("sheet settings", f"no default_language: {self.languages[0]} (the first "
                                      "language of the columns) is taken as the default language")
            return self.languages[0]
        self.findings.changed("sheet settings", "no language is named (label::English (en)) and no "
                              "default_language is set: the texts are taken as English (en)")
        self.languages.append("en")
        return "en"

    def text(self, row: Row, base: str) -> dict:
        texts: dict[str, str] = {}
        for column, value in row.cells.items():
            parsed = language_of(column)
            if parsed and parsed[0] == base and parsed[1]:
                texts[parsed[1]] = value
        plain = row.get(base)
        if plain and self.default not in texts:
            texts[self.default] = plain
        return {language: texts[language] for language in self.languages if language in texts}

    def has_default(self, texts: dict) -> bool:
        return self.default in texts

    # --- reading ---------------------------------------------------------------------------------------------

    def read(self) -> dict | None:
        self.lists = self._lists()
        self.pages: list[PageDraft] = []
        self.targets: dict[str, Target] = {}
        self.keys: set[str] = set()
        self.page_keys: set[str] = set()
        self.scales: dict[str, dict] = {}
        self.scale_of_list: dict[str, str | None] = {}
        self.dimension_rows: dict[str, tuple[Row, list[str]]] = {}
        self._walk()
        if not any(page.questions for page in self.pages):
            return None
        keep = set()
        for list_name, choices in self.lists.items():  # a list marked with `order` is a scale, used or not
            if list_name not in self.scale_of_list and any(choice.row.get("order") for choice in choices):
                if self._scale(list_name, choices) is not None:
                    keep.add(self.scale_of_list[list_name])
        header = self._header()
        dimensions = self._dimensions()
        overall = self.setting_row.get("overall")
        return assemble(header, self.scales, self.pages, dimensions, make_key(overall, dotted=False) if overall else None,
                        self.targets, self.findings, self.settings.where(self.setting_row), frozenset(keep))

    def _lists(self) -> dict[str, list[Choice]]:
        lists: dict[str, list[Choice]] = {}
        for row in self.choices_sheet.rows:
            list_name, name = row.get("list_name"), row.get("name")
            if not list_name or not name:
                self.findings.dropped(self.choices_sheet.where(row), "a choice needs list_name and name")
                continue
            lists.setdefault(list_name, []).append(Choice(row, name, self.text(row, "label")))
        return lists

    def _walk(self) -> None:
        groups: list[tuple[Row, object]] = []  # open begin_group rows with their parsed relevant
        page: PageDraft | None = None
        skipping: Row | None = None  # inside a repeat
        depth_in_skip = 0
        for row in self.survey.rows:
            where = self.survey.where(row)
            kind = re.sub(r"\s+", " ", row.get("type").strip())
            base = kind.split(" ")[0].lower().replace("-", "_") if kind else ""
            if base in ("begin", "end") and " " in kind:
                base = f"{base}_{kind.split(' ')[1].lower()}"
            if skipping is not None:
                if base in ("begin_group", "begin_repeat"):
                    depth_in_skip += 1
                elif base in ("end_group", "end_repeat"):
                    if depth_in_skip == 0:
                        skipping = None
                    else:
                        depth_in_skip -= 1
                continue
            if not kind:
                if row.get("name") or row.get("label"):
                    self.findings.dropped(where, "the row has no type")
                continue
            if base == "begin_repeat":
                self.findings.dropped(where, f"repeat {row.get('name')!r} and everything in it: a repeated "
                                      "group has no equivalent")
                skipping, depth_in_skip = row, 0
                continue
            if base == "begin_group":
                if not groups:
                    page = self._new_page(row)
                else:
                    self.findings.changed(where, f"group {row.get('name')!r} inside a group: its questions "
                                          "join the enclosing page")
                groups.append((row, self._relevant(row, where, "group") if groups else None))
                continue
            if base == "end_group":
                if not groups:
                    self.findings.dropped(where, "end_group without begin_group")
                    continue
                groups.pop()
                if not groups:
                    page = None
                continue
            if page is None:
                page = self._loose_page(row)
            question = self._question(row, kind, base, where)
            if question is None:
                continue
            inherited = [node for _, node in groups[1:] if node is not None]
            if inherited and question.condition_text is None:
                parts = tuple(inherited) + ((question.condition,) if question.condition is not None else ())
                question.condition = parts[0] if len(parts) == 1 else All(parts)
            page.questions.append(question)
        if groups:
            self.findings.changed(self.survey.where(groups[0][0]), "begin_group without end_group: closed at the end")

    def _new_page(self, row: Row) -> PageDraft:
        where = self.survey.where(row)
        name = row.get("name") or f"page_{len(self.pages) + 1}"
        key = make_key(name, dotted=False)
        if key != name:
            self.findings.changed(where, f"page name {name!r} became the key {key!r}")
        key = unique_key(key, self.page_keys)
        title = self.text(row, "label") or None
        if title and not self.has_default(title):
            self.findings.dropped(where, f"the page title has no text in the default language {self.default}")
            title = None
        page = PageDraft(key, where, title)
        page.condition_text = row.get("shown_if") or None
        page.condition = self._relevant(row, where, f"page {key!r}") if not page.condition_text else None
        randomise = truth(row.get("randomise") or row.get("randomize"))
        page.randomise = bool(randomise)
        self.pages.append(page)
        return page

    def _loose_page(self, row: Row) -> PageDraft:
        """Questions outside any group form a page of their own."""
        key = unique_key(f"page_{len(self.pages) + 1}", self.page_keys)
        page = PageDraft(key, self.survey.where(row))
        self.pages.append(page)
        return page

    def _relevant(self, row: Row, where: str, what: str):
        text = row.get("relevant")
        if not text:
            return None
        try:
            return parse_xlsform(text)
        except ExpressionError as error:
            self.findings.dropped(where, f"relevant {text!r} of {what}: {error}; shown to everyone")
            return None

    # --- questions -------------------------------------------------------------------------------------------

    def _question(self, row: Row, kind: str, base: str, where: str) -> QuestionDraft | None:
        name = row.get("name")
        if base in _UNSUPPORTED or base not in ("select_one", "select_multiple", "integer", "decimal", "text", "note"):
            reason = _UNSUPPORTED.get(base, "an unknown question type")
            self.findings.dropped(where, f"{name or 'the row'} of type {kind!r}: {reason} has no equivalent")
            return None
        if not name:
            self.findings.dropped(where, f"a {kind} row without a name")
            return None
        key = make_key(name)
        if key != name:
            self.findings.changed(where, f"name {name!r} became the key {key!r}")
        if key in self.keys:
            self.findings.dropped(where, f"the key {key!r} is used by an earlier row")
            return None
        text = self.text(row, "label")
        if not self.has_default(text):
            self.findings.dropped(where, f"{name}: no label in the default language {self.default}")
            return None
        if base == "note":
            data = {"type": "display", "key": key, "text": text}
            if row.get("hint") or any(c.startswith("hint::") for c in row.cells):
                self.findings.dropped(where, f"{name}: the hint of a note (a note has no help text)")
            self.keys.add(key)
            self.targets[name] = Target(key, "display", lambda value: None)
            return QuestionDraft(where, data)
        data = {"type": "", "key": key, "text": text}
        hint = self.text(row, "hint")
        if hint:
            if self.has_default(hint):
                data["help"] = hint
            else:
                self.findings.dropped(where, f"{name}: the hint has no text in the default language {self.default}")
        parts = kind.split()
        if base in ("select_one", "select_multiple"):
            built = self._choice_question(row, parts, base, data, where, name)
        elif base in ("integer", "decimal"):
            built = self._numeric(row, base, data, where, name)
        else:
            built = self._text(row, data, where, name)
        if built is None:
            return None
        data, target = built
        required = self._required(row, where, name)
        default_required = data["type"] == "rating"
        if required != default_required:
            data["required"] = required
        for column in ("lineage", "replaces", "equivalent_scale"):
            if row.get(column):
                data[column] = row.get(column)
        self.keys.add(key)
        self.targets[name] = target
        draft = QuestionDraft(where, data)
        draft.condition_text = row.get("shown_if") or None
        if not draft.condition_text:
            draft.condition = self._relevant(row, where, repr(name))
        return draft

    def _required(self, row: Row, where: str, name: str) -> bool:
        value = truth(row.get("required"))
        if value is None:
            self.findings.dropped(where, f"{name}: required {row.get('required')!r} is not yes or no; taken as no")
            return False
        return value

    def _choice_question(self, row, parts, base, data, where, name):
        if len(parts) < 2:
            self.findings.dropped(where, f"{name}: {base} names no choice list")
            return None
        list_name = parts[1]
        if len(parts) > 2:
            self.findings.dropped(where, f"{name}: {' '.join(parts[2:])!r} (an 'other' option has no equivalent)")
        if row.get("source").lower() == "program" and base == "select_one":
            data["type"] = "single"
            data["source"] = "program"
            return self._ordered(data), Target(data["key"], "single", lambda value: str(value))
        choices = self.lists.get(list_name)
        if not choices:
            self.findings.dropped(where, f"{name}: the choice list {list_name!r} is not on the choices sheet")
            return None
        dimension = row.get("dimension")
        if base == "select_one" and dimension:
            scale_key = self._scale(list_name, choices)
            if scale_key is not None:
                data["type"] = "rating"
                data["scale"] = scale_key
                reverse = truth(row.get("reverse"))
                if reverse is None:
                    self.findings.dropped(where, f"{name}: reverse {row.get('reverse')!r} is not yes or no")
                elif reverse:
                    data["reverse"] = True
                dimension_key = make_key(dimension, dotted=False)
                if dimension_key != dimension:
                    self.findings.changed(where, f"dimension {dimension!r} became the key {dimension_key!r}")
                first_row, members = self.dimension_rows.get(dimension_key, (row, []))
                if not any(c.startswith("dimension_label") for c in first_row.cells):
                    first_row = row
                self.dimension_rows[dimension_key] = (first_row, members + [data["key"]])
                return self._ordered(data), Target(data["key"], "rating", self._rating_values(scale_key, choices))
            self.findings.changed(where, f"{name}: carried as a single choice, without its dimension {dimension!r}")
        data["type"] = "single" if base == "select_one" else "multiple"
        options, values = self._options(choices, base == "select_multiple", where, name)
        if options is None:
            return None
        data["options"] = options
        return self._ordered(data), Target(data["key"], data["type"], values)

    def _ordered(self, data: dict) -> dict:
        order = ["type", "key", "scale", "source", "text", "help"]
        return {k: data[k] for k in order if k in data} | {k: v for k, v in data.items() if k not in order}

    def _options(self, choices: list[Choice], multiple: bool, where: str, name: str):
        options, by_name, keys = [], {}, set()
        for choice in choices:
            at = self.choices_sheet.where(choice.row)
            key = make_key(choice.name, dotted=False)
            if key in keys:
                self.findings.dropped(at, f"choice {choice.name!r} of {name}: its key {key!r} is taken")
                continue
            if not self.has_default(choice.labels):
                self.findings.dropped(at, f"choice {choice.name!r} of {name}: no label in the default language {self.default}")
                continue
            option: dict = {"key": key, "label": choice.labels}
            code_text = choice.row.get("code")
            code = as_int(code_text) if code_text else as_int(choice.name)
            if code_text and code is None:
                self.findings.dropped(at, f"code {code_text!r} of choice {choice.name!r} is not a whole number")
            if code is not None:
                option["code"] = code
            exclusive = truth(choice.row.get("exclusive"))
            if exclusive and multiple:
                option["exclusive"] = True
            keys.add(key)
            by_name[choice.name] = key
            options.append(option)
        if not options:
            self.findings.dropped(where, f"{name}: none of its choices could be carried")
            return None, None

        def values(value):
            text = value if isinstance(value, str) else (str(int(value)) if float(value).is_integer() else repr(value))
            return by_name.get(text)

        return options, values

    # --- scales ----------------------------------------------------------------------------------------------

    def _scale(self, list_name: str, choices: list[Choice]) -> str | None:
        """The key of the scale that list `list_name` defines (built once), or None when it defines none."""
        if list_name not in self.scale_of_list:
            scale = scale_from_choices(list_name, choices, self.languages, self.default, self.choices_sheet.where,
                                       self.findings)
            key = None
            if scale is not None:
                key = unique_key(make_key(list_name, dotted=False), set(self.scales))
                self.scales[key] = scale
            self.scale_of_list[list_name] = key
        return self.scale_of_list[list_name]

    def _rating_values(self, scale_key: str, choices: list[Choice]):
        scale = self.scales[scale_key]
        names = {make_key(c.name, dotted=False): c.name for c in choices}
        ns_by_name = {names.get(entry["key"], entry["key"]): entry["key"] for entry in scale.get("non_substantive", [])}

        def values(value):
            number = value if not isinstance(value, str) else as_number(value)
            if isinstance(number, (int, float)) and float(number).is_integer() and 1 <= number <= scale["points"]:
                return int(number)
            text = value if isinstance(value, str) else str(int(value)) if float(value).is_integer() else repr(value)
            return ns_by_name.get(text)

        return values

    # --- numbers and texts -----------------------------------------------------------------------------------

    def _numeric(self, row, base, data, where, name):
        data["type"] = "numeric"
        if base == "decimal":
            data["decimal"] = True
        bounds = self._bounds(row.get("constraint"), where, name) if row.get("constraint") else {}
        for column in ("min", "max"):
            if row.get(column):
                number = as_number(row.get(column))
                if number is None:
                    self.findings.dropped(where, f"{name}: {column} {row.get(column)!r} is not a number")
                else:
                    bounds[column] = number
        for column in ("min", "max"):
            if column in bounds:
                data[column] = bounds[column]
        unit = self.text(row, "unit")
        if unit:
            if self.has_default(unit):
                data["unit"] = unit
            else:
                self.findings.dropped(where, f"{name}: the unit has no text in the default language {self.default}")

        def values(value):
            return as_number(value) if isinstance(value, str) else value

        return data, Target(data["key"], "numeric", values)

    def _bounds(self, constraint: str, where: str, name: str) -> dict:
        bounds = {}
        for part in re.split(r"\s+and\s+", constraint.strip()):
            match = re.fullmatch(r"\.\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)", part.strip())
            if not match or match.group(1) in (">", "<"):
                self.findings.dropped(where, f"{name}: constraint {constraint!r} (only . >= N and . <= M are carried)")
                return {}
            bounds["min" if match.group(1) == ">=" else "max"] = as_number(match.group(2))
        return bounds

    def _text(self, row, data, where, name):
        data["type"] = "text"
        long_text = truth(row.get("long")) if row.get("long") else "multiline" in row.get("appearance").lower()
        if not long_text:
            data["long"] = False
        limit = row.get("max_length")
        constraint = row.get("constraint")
        if not limit and constraint:
            match = re.fullmatch(r"string-length\(\s*\.\s*\)\s*<=\s*(\d+)", constraint.strip())
            if match:
                limit = match.group(1)
            else:
                self.findings.dropped(where, f"{name}: constraint {constraint!r} (only string-length(.) <= N is carried)")
        if limit:
            number = as_int(limit)
            if number is None or number < 1:
                self.findings.dropped(where, f"{name}: max_length {limit!r} is not a positive whole number")
            else:
                data["max_length"] = number
        return data, Target(data["key"], "text", lambda value: None)

    # --- settings and dimensions -----------------------------------------------------------------------------

    def _header(self) -> dict:
        row, where = self.setting_row, self.settings.where(self.setting_row)
        written = row.get("version")
        if written and written != self.version:
            self.findings.changed(where, f"the file's version {written!r} is replaced by {self.version!r}")
        audience = row.get("audience") or (self.family if self.family in AUDIENCES else "other")
        if audience not in AUDIENCES:
            self.findings.dropped(where, f"audience {audience!r} (one of {', '.join(AUDIENCES)}); taken as other")
            audience = "other"
        header: dict = {"family": self.family, "audience": audience, "version": self.version}
        if row.get("previous"):
            header["previous"] = row.get("previous")
        languages = [self.default] + [language for language in self.languages if language != self.default] \
            if not row.get("languages") else list(self.languages)
        header["default_language"] = self.default
        header["languages"] = languages
        title = self.text(row, "form_title")
        if not self.has_default(title):
            title = {self.default: row.get("form_id") or self.family.capitalize()}
            self.findings.changed(where, f"no form_title in {self.default}: the title is {title[self.default]!r}")
        header["title"] = title
        intro = self.text(row, "intro")
        if not self.has_default(intro):
            intro = dict(title)
            self.findings.changed(where, f"no intro in {self.default}: the landing page shows the title; "
                                  "write the purpose and privacy note in the YAML file's intro")
        header["intro"] = intro
        interface = self._interface()
        if interface:
            header["interface"] = interface
        return header

    def _interface(self) -> dict:
        sheet = self.book.get("interface")
        interface: dict = {}
        for row in sheet.rows if sheet else []:
            language, message, text = row.get("language"), row.get("message"), row.get("text")
            if not (language and message and text):
                self.findings.dropped(sheet.where(row), "an interface string needs language, message and text")
                continue
            interface.setdefault(language, {})[message] = text
        return interface

    def _dimensions(self) -> list[DimensionDraft]:
        sheet = self.book.get("dimensions")
        drafts: list[DimensionDraft] = []
        listed: set[str] = set()
        for row in sheet.rows if sheet else []:
            key = make_key(row.get("name"), dotted=False) if row.get("name") else ""
            if key not in self.dimension_rows:
                self.findings.dropped(sheet.where(row), f"dimension {row.get('name')!r} has no rating item on the survey sheet")
                continue
            members = self.dimension_rows[key][1]
            order = [make_key(item) for item in row.get("items").split()] if row.get("items") else []
            items = [item for item in order if item in members] + [item for item in members if item not in order]
            for item in order:
                if item not in members:
                    self.findings.dropped(sheet.where(row), f"item {item!r} of dimension {key!r} is no rating item of it")
            drafts.append(DimensionDraft(key, self._dimension_title(key, row), items))
            listed.add(key)
        for key, (row, members) in self.dimension_rows.items():
            if key not in listed:
                drafts.append(DimensionDraft(key, self._dimension_title(key, row, "dimension_label"), list(members)))
        return drafts

    def _dimension_title(self, key: str, row: Row, base: str = "label") -> dict:
        title = self.text(row, base)
        if self.has_default(title):
            return title
        return {self.default: key.replace("_", " ").capitalize()}


@dataclass
class XlsformImport:
    document: dict | None
    findings: Findings


def import_xlsform(workbook: Workbook, family: str, version: str) -> XlsformImport:
    """The format-2 document of an XLSForm workbook (None when no question could be carried) and the findings."""
    if "survey" not in workbook:
        findings = Findings()
        findings.dropped("the file", "it has no survey sheet")
        return XlsformImport(None, findings)
    reader = _Reader(workbook, family, version)
    document = reader.read()
    return XlsformImport(document, reader.findings)

"""LimeSurvey survey structure (.lss, LimeSurvey 3.x to 6.x) -> format-2 questionnaire document.

An .lss file is XML: one `<document>` with tables (`<groups>`, `<questions>`, `<subquestions>`, `<answers>`,
`<question_attributes>`, `<surveys>`, `<surveys_languagesettings>`), each `<rows><row>` of fields. LimeSurvey
3.x writes one row per language, with the texts in it (`question`, `help`, `group_name`, `answer`, `language`);
4.x and later write each row once and the texts in `<question_l10ns>`, `<group_l10ns>` and `<answer_l10ns>`.
Both are read into the same shape here.

The XML is parsed with defusedxml and no DTD is accepted: an .lss file never has one, and a DTD is how entity
expansion ("billion laughs") and external entities get in.

Carried: question groups as pages (with `grelevance`), `X` as display text, `L`/`!`/`O` lists and `Y` yes/no and
`G` gender as single choices, `M`/`P` as multiple choices, `N` as numeric (integer only, min, max, suffix as
unit), `S` (one line), `T`/`U` as free text (maximum_chars), `5` as a rating on 1..5, arrays `A` (1..5), `B` (1..10),
`F` and `H` (the answers are the scale) as a display of the array's text followed by one rating item per
subquestion, grouped in a dimension named by the array; `mandatory`, `help`, `relevance`. Everything else is
reported with its element and id.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from survey.interchange.drafts import (
    DimensionDraft,
    PageDraft,
    QuestionDraft,
    as_int,
    as_number,
    assemble,
    make_key,
    unique_key,
)
from survey.interchange.expressions import All, ExpressionError, Target, parse_limesurvey
from survey.interchange.report import Findings, ImportFailed

MAX_BYTES = 16 * 1024 * 1024

_BUILTIN = {
    "yes": {"en": "Yes", "da": "Ja", "sv": "Ja", "nb": "Ja", "no": "Ja", "de": "Ja", "fr": "Oui", "es": "Sí", "nl": "Ja"},
    "no": {"en": "No", "da": "Nej", "sv": "Nej", "nb": "Nei", "no": "Nei", "de": "Nein", "fr": "Non", "es": "No", "nl": "Nee"},
    "female": {"en": "Female", "da": "Kvinde", "sv": "Kvinna", "nb": "Kvinne", "no": "Kvinne", "de": "Weiblich",
               "fr": "Féminin", "es": "Femenino", "nl": "Vrouw"},
    "male": {"en": "Male", "da": "Mand", "sv": "Man", "nb": "Mann", "no": "Mann", "de": "Männlich",
             "fr": "Masculin", "es": "Masculino", "nl": "Man"},
}
_FIXED = {"Y": [("Y", "yes"), ("N", "no")], "G": [("F", "female"), ("M", "male")]}
_DROPPED_TYPES = {
    "D": "a date", "K": "multiple numeric input", "Q": "multiple short texts", "R": "a ranking",
    "1": "a dual-scale array", ":": "an array of numbers", ";": "an array of texts", "|": "a file upload",
    "*": "an equation", "I": "a language switch", "E": "an increase/same/decrease array (its labels are not in the file)",
    "C": "a yes/uncertain/no array (its labels are not in the file)",
}


# --- reading the XML ----------------------------------------------------------------------------------------


def parse_xml(data: bytes, filename: str) -> Element:
    """The document element; hostile or broken XML raises ImportFailed with the reason."""
    if len(data) > MAX_BYTES:
        raise ImportFailed(f"{filename}: the file has {len(data):,} bytes; at most {MAX_BYTES:,} are read")
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as error:
        raise ImportFailed(
            f"{filename}: refused: the XML declares a DTD or entities ({type(error).__name__}); a LimeSurvey file "
            "never does, and entity expansion is how hostile files exhaust memory"
        ) from None
    except ParseError as error:
        raise ImportFailed(f"{filename}: not well-formed XML ({error})") from None
    if root.tag != "document" or (root.findtext("LimeSurveyDocType") or "").strip() != "Survey":
        raise ImportFailed(f"{filename}: not a LimeSurvey survey structure file (.lss): expected "
                           "<document> with <LimeSurveyDocType>Survey</LimeSurveyDocType>")
    return root


def _rows(root: Element, table: str) -> list[dict[str, str]]:
    element = root.find(table)
    if element is None or element.find("rows") is None:
        return []
    return [{child.tag: (child.text or "") for child in row} for row in element.find("rows").findall("row")]


_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<\s*(br|/p|/div|/li)\b[^>]*>", re.IGNORECASE)


def plain(text: str) -> tuple[str, bool]:
    """Text without HTML: breaks and paragraphs become line breaks; True when other markup was removed."""
    broken = _BREAK.sub("\n", text)
    stripped = _TAG.sub("", broken)
    other_markup = stripped != broken
    value = html.unescape(stripped).replace("\u00a0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in value.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip(), other_markup


@dataclass
class _Question:
    qid: str
    parent: str
    gid: str
    type: str
    code: str
    order: int
    mandatory: str
    relevance: str
    other: str
    scale_id: str
    texts: dict = field(default_factory=dict)
    helps: dict = field(default_factory=dict)


@dataclass
class _Answer:
    code: str
    order: int
    scale_id: str
    labels: dict = field(default_factory=dict)


@dataclass
class _Group:
    gid: str
    order: int
    relevance: str
    randomization: str
    names: dict = field(default_factory=dict)


def _order(text: str) -> int:
    return as_int(text or "0") or 0


class _Survey:
    """The tables of an .lss file in one shape, whichever LimeSurvey version wrote it."""

    def __init__(self, root: Element) -> None:
        self.db_version = as_int(root.findtext("DBVersion") or "0") or 0
        self.languages = [(element.text or "").strip() for element in root.findall("languages/language") if element.text]
        survey = (_rows(root, "surveys") or [{}])[0]
        base = survey.get("language", "").strip()
        additional = survey.get("additional_languages", "").split()
        ordered = ([base] if base else []) + additional + self.languages
        self.languages = list(dict.fromkeys(language for language in ordered if language))
        self.base = self.languages[0] if self.languages else "en"
        self.settings = {row.get("surveyls_language", ""): row for row in _rows(root, "surveys_languagesettings")}
        self.groups = self._groups(root)
        self.questions, self.subquestions = self._questions(root)
        self.answers = self._answers(root)
        self.attributes: dict[str, dict[str, dict[str, str]]] = {}
        for row in _rows(root, "question_attributes"):
            self.attributes.setdefault(row.get("qid", ""), {}).setdefault(row.get("attribute", ""), {})[
                row.get("language", "")] = row.get("value", "")

    def _groups(self, root: Element) -> list[_Group]:
        groups: dict[str, _Group] = {}
        for row in _rows(root, "groups"):
            gid = row.get("gid", "")
            group = groups.setdefault(gid, _Group(gid, _order(row.get("group_order")), row.get("grelevance", ""),
                                                  row.get("randomization_group", "")))
            if "group_name" in row and row.get("language"):
                group.names[row["language"]] = row["group_name"]
        for row in _rows(root, "group_l10ns"):
            if row.get("gid") in groups:
                groups[row["gid"]].names[row.get("language", "")] = row.get("group_name", "")
        return sorted(groups.values(), key=lambda g: (g.order, as_int(g.gid) or 0))

    def _questions(self, root: Element):
        questions: dict[str, _Question] = {}
        for table in ("questions", "subquestions"):
            for row in _rows(root, table):
                qid = row.get("qid", "")
                question = questions.setdefault(qid, _Question(
                    qid, row.get("parent_qid", "0") or "0", row.get("gid", ""), row.get("type", ""),
                    row.get("title", ""), _order(row.get("question_order")), row.get("mandatory", ""),
                    row.get("relevance", ""), row.get("other", ""), row.get("scale_id", "0") or "0"))
                if row.get("language"):
                    question.texts[row["language"]] = row.get("question", "")
                    question.helps[row["language"]] = row.get("help", "")
        for row in _rows(root, "question_l10ns"):
            if row.get("qid") in questions:
                questions[row["qid"]].texts[row.get("language", "")] = row.get("question", "")
                questions[row["qid"]].helps[row.get("language", "")] = row.get("help", "")
        main = [q for q in questions.values() if q.parent in ("", "0")]
        subs: dict[str, list[_Question]] = {}
        for question in questions.values():
            if question.parent not in ("", "0"):
                subs.setdefault(question.parent, []).append(question)
        for children in subs.values():
            children.sort(key=lambda q: (q.order, as_int(q.qid) or 0))
        return main, subs

    def _answers(self, root: Element) -> dict[str, list[_Answer]]:
        answers: dict[tuple[str, str, str], _Answer] = {}
        by_aid: dict[str, _Answer] = {}
        for row in _rows(root, "answers"):
            key = (row.get("qid", ""), row.get("scale_id", "0") or "0", row.get("code", ""))
            answer = answers.setdefault(key, _Answer(row.get("code", ""), _order(row.get("sortorder")), key[1]))
            if row.get("language"):
                answer.labels[row["language"]] = row.get("answer", "")
            if row.get("aid"):
                by_aid[row["aid"]] = answer
        for row in _rows(root, "answer_l10ns"):
            if row.get("aid") in by_aid:
                by_aid[row["aid"]].labels[row.get("language", "")] = row.get("answer", "")
        grouped: dict[str, list[_Answer]] = {}
        for (qid, _, _), answer in answers.items():
            grouped.setdefault(qid, []).append(answer)
        for listed in grouped.values():
            listed.sort(key=lambda a: (a.scale_id, a.order))
        return grouped

    def attribute(self, qid: str, name: str, language: str = "") -> str:
        return self.attributes.get(qid, {}).get(name, {}).get(language, "")


# --- carrying -----------------------------------------------------------------------------------------------


class _Importer:
    def __init__(self, survey: _Survey, family: str, version: str) -> None:
        self.s = survey
        self.family, self.version = family, version
        self.findings = Findings()
        self.default = survey.base
        self.targets: dict[str, Target] = {}
        self.keys: set[str] = set()
        self.page_keys: set[str] = set()
        self.scales: dict[str, dict] = {}
        self.dimensions: list[DimensionDraft] = []
        self.dimension_keys: set[str] = set()

    def texts(self, values: dict, where: str, what: str) -> dict:
        carried, marked = {}, False
        for language in self.s.languages:
            if values.get(language, "").strip():
                text, markup = plain(values[language])
                if text:
                    carried[language] = text
                    marked = marked or markup
        if marked:
            self.findings.changed(where, f"{what}: HTML formatting removed (texts are plain)")
        return carried

    def run(self) -> dict | None:
        pages = []
        by_group: dict[str, list[_Question]] = {}
        for question in self.s.questions:
            by_group.setdefault(question.gid, []).append(question)
        known_groups = {group.gid for group in self.s.groups}
        for gid, questions in by_group.items():
            if gid not in known_groups:
                for question in questions:
                    self.findings.dropped(self._where(question), f"its group gid={gid} is not in the file")
        for group in self.s.groups:
            pages.append(self._page(group, sorted(by_group.get(group.gid, []), key=lambda q: (q.order, as_int(q.qid) or 0))))
        if not any(page.questions for page in pages):
            return None
        settings = {language: row for language, row in self.s.settings.items()}
        title = self.texts({l: r.get("surveyls_title", "") for l, r in settings.items()}, "surveys_languagesettings", "title")
        if self.default not in title:
            title = {self.default: self.family.capitalize()}
            self.findings.changed("surveys_languagesettings",
                                  f"no survey title in {self.default}: the title is {title[self.default]!r}")
        intro = self.texts({l: r.get("surveyls_description", "") or r.get("surveyls_welcometext", "")
                            for l, r in settings.items()}, "surveys_languagesettings", "description")
        if self.default not in intro:
            intro = dict(title)
            self.findings.changed("surveys_languagesettings", f"no description or welcome text in {self.default}: "
                                  "the landing page shows the title")
        header = {
            "family": self.family,
            "audience": self.family if self.family in ("student", "staff", "company") else "other",
            "version": self.version,
            "default_language": self.default,
            "languages": list(self.s.languages),
            "title": title,
            "intro": intro,
        }
        return assemble(header, self.scales, pages, self.dimensions, None, self.targets, self.findings)

    def _where(self, question: _Question) -> str:
        return f"question qid={question.qid} ({question.code})"

    def _page(self, group: _Group, questions: list[_Question]) -> PageDraft:
        where = f"group gid={group.gid}"
        names = self.texts(group.names, where, "group name")
        words = (names.get(self.default) or "").split()[:5]
        wanted = make_key("_".join(words), dotted=False)[:32].rstrip("_") if words else ""
        if not re.search("[a-z]{2}", wanted):  # a name in another script leaves no usable key
            wanted = make_key(f"group_{group.gid}", dotted=False)
        page = PageDraft(unique_key(wanted, self.page_keys), where,
                         names if self.default in names else None)
        if group.relevance.strip() not in ("", "1"):
            page.condition = self._relevance(group.relevance, where, "the group's relevance")
        if group.randomization.strip():
            self.findings.dropped(where, f"randomization group {group.randomization!r} (groups are shown in order)")
        for question in questions:
            page.questions.extend(self._question(question))
        return page

    def _relevance(self, text: str, where: str, what: str):
        try:
            return parse_limesurvey(text)
        except ExpressionError as error:
            self.findings.dropped(where, f"{what} {text.strip()!r}: {error}; shown to everyone")
            return None

    def _question(self, q: _Question) -> list[QuestionDraft]:
        where = self._where(q)
        if q.type in _DROPPED_TYPES:
            self.findings.dropped(where, f"type {q.type!r} ({_DROPPED_TYPES[q.type]}) has no equivalent")
            return []
        if len(q.type) != 1 or q.type not in "XL!OYGMPNSTU5ABFH":
            self.findings.dropped(where, f"type {q.type!r} is not a LimeSurvey question type this import knows")
            return []
        if self.s.attribute(q.qid, "hidden") == "1":
            self.findings.dropped(where, "a hidden question (respondents never see it)")
            return []
        key = make_key(q.code)
        if key in self.keys:
            self.findings.dropped(where, f"its key {key!r} is taken by an earlier question")
            return []
        text = self.texts(q.texts, where, "question text")
        if self.default not in text:
            self.findings.dropped(where, f"no question text in the default language {self.default}")
            return []
        condition = self._relevance(q.relevance, where, "relevance") if q.relevance.strip() not in ("", "1") else None
        if q.type in "ABFH":
            return self._array(q, key, text, condition)
        data: dict = {"type": "", "key": key, "text": text}
        if q.type != "X":
            help_text = self.texts(q.helps, where, "help")
            if help_text and self.default in help_text:
                data["help"] = help_text
        if q.other == "Y":
            self.findings.dropped(where, "its 'other' option with a text field")
        if q.type == "X":
            data["type"] = "display"
            target = Target(key, "display", lambda value: None)
        elif q.type in "L!OYG":
            built = self._single(q, data, where)
            if built is None:
                return []
            target = built
        elif q.type in "MP":
            built = self._multiple(q, data, where)
            if built is None:
                return []
            target = built
        elif q.type == "N":
            target = self._numeric(q, data, where)
        elif q.type in "STU":
            data["type"] = "text"
            if q.type == "S":
                data["long"] = False
            limit = as_int(self.s.attribute(q.qid, "maximum_chars") or "x")
            if limit and limit > 0:
                data["max_length"] = limit
            target = Target(key, "text", lambda value: None)
        else:  # "5"
            data["type"] = "rating"
            data = {"type": "rating", "key": key, "scale": self._numbered_scale(5)} | {
                k: v for k, v in data.items() if k not in ("type", "key")}
            target = Target(key, "rating", _rating_values({str(n): n for n in range(1, 6)}))
            self.dimensions.append(DimensionDraft(unique_key(make_key(q.code, dotted=False), self.dimension_keys),
                                                  text, [key]))
        if q.type != "X":
            self._mandatory(q, data, where)
        if q.type in "OP":
            self.findings.dropped(where, "the comment field of each answer")
        self.keys.add(key)
        self.targets[q.code] = target
        return [QuestionDraft(where, data, condition)]

    def _mandatory(self, q: _Question, data: dict, where: str) -> None:
        required = q.mandatory == "Y"
        if q.mandatory == "S":
            self.findings.changed(where, "soft mandatory: carried as optional")
        if required != (data["type"] == "rating"):
            data["required"] = required

    def _single(self, q: _Question, data: dict, where: str):
        data["type"] = "single"
        if q.type in _FIXED:
            options, mapping = [], {}
            for code, key in _FIXED[q.type]:
                label = {language: _BUILTIN[key][language] for language in self.s.languages if language in _BUILTIN[key]}
                if self.default not in label:
                    label = {self.default: _BUILTIN[key]["en"]}
                    self.findings.changed(where, f"option {key!r} is labelled in English: LimeSurvey supplies its "
                                          f"label in {self.default} itself, the file has none")
                options.append({"key": key, "label": label})
                mapping[code] = key
            data["options"] = options
            return Target(data["key"], "single", lambda value: mapping.get(str(value)))
        answers = [a for a in self.s.answers.get(q.qid, []) if a.scale_id == "0"]
        options, mapping = self._options(answers, where, lambda a: a.code, lambda a: a.labels, "answer")
        if not options:
            self.findings.dropped(where, "no answer option could be carried")
            return None
        data["options"] = options
        return Target(data["key"], "single", lambda value: mapping.get(_literal(value)))

    def _options(self, items, where, code_of, labels_of, kind):
        options, mapping, keys = [], {}, set()
        for item in items:
            code = code_of(item)
            at = f"{where}, {kind} {code}"
            key = make_key(code, dotted=False)
            if key in keys:
                self.findings.dropped(at, f"its key {key!r} is taken by another option")
                continue
            label = self.texts(labels_of(item), at, "label")
            if self.default not in label:
                self.findings.dropped(at, f"no label in the default language {self.default}")
                continue
            option = {"key": key, "label": label}
            number = as_int(code)
            if number is not None:
                option["code"] = number
            keys.add(key)
            mapping[code] = key
            options.append(option)
        return options, mapping

    def _multiple(self, q: _Question, data: dict, where: str):
        data["type"] = "multiple"
        subs = self.s.subquestions.get(q.qid, [])
        options, mapping = self._options(subs, where, lambda s: s.code, lambda s: s.texts, "subquestion")
        if not options:
            self.findings.dropped(where, "no subquestion could be carried as an option")
            return None
        data["options"] = options
        for sub in subs:
            if sub.code in mapping:
                self.targets[f"{q.code}_{sub.code}"] = Target(data["key"], "multiple", lambda value: None,
                                                              option=mapping[sub.code])
        return Target(data["key"], "multiple", lambda value: mapping.get(_literal(value)))

    def _numeric(self, q: _Question, data: dict, where: str) -> Target:
        data["type"] = "numeric"
        if self.s.attribute(q.qid, "num_value_int_only") != "1":
            data["decimal"] = True
        for attribute, name in (("min_num_value_n", "min"), ("max_num_value_n", "max")):
            value = self.s.attribute(q.qid, attribute).strip()
            if value:
                number = as_number(value)
                if number is None:
                    self.findings.dropped(where, f"{attribute} {value!r} (an expression, not a number)")
                else:
                    data[name] = number
        unit = self.texts({language: self.s.attribute(q.qid, "suffix", language) for language in self.s.languages},
                          where, "suffix")
        if unit and self.default in unit:
            data["unit"] = unit
        if any(self.s.attribute(q.qid, "prefix", language) for language in self.s.languages):
            self.findings.dropped(where, "its prefix (only a suffix is carried, as the unit)")
        return Target(data["key"], "numeric", lambda value: as_number(value) if isinstance(value, str) else value)

    def _numbered_scale(self, points: int) -> str:
        key = f"points{points}"
        if key not in self.scales:
            self.scales[key] = {"points": points, "labels": {language: [str(n) for n in range(1, points + 1)]
                                                              for language in self.s.languages}}
        return key

    def _array(self, q: _Question, key: str, text: dict, condition) -> list[QuestionDraft]:
        where = self._where(q)
        subs = self.s.subquestions.get(q.qid, [])
        if q.type in "AB":
            points = 5 if q.type == "A" else 10
            scale_key, codes = self._numbered_scale(points), {str(n): n for n in range(1, points + 1)}
        else:
            built = self._answer_scale(q, where)
            if built is None:
                return []
            scale_key, codes = built
        stem = QuestionDraft(where, {"type": "display", "key": key, "text": text}, condition)
        drafts = [stem]
        items = []
        self.keys.add(key)
        self.targets[q.code] = Target(key, "display", lambda value: None)
        for sub in subs:
            at = f"subquestion qid={sub.qid} ({sub.code}) of {q.code}"
            item_key = f"{key}.{make_key(sub.code, dotted=False)}"
            if item_key in self.keys:
                self.findings.dropped(at, f"its key {item_key!r} is taken")
                continue
            item_text = self.texts(sub.texts, at, "subquestion text")
            if self.default not in item_text:
                self.findings.dropped(at, f"no text in the default language {self.default}")
                continue
            data = {"type": "rating", "key": item_key, "scale": scale_key, "text": item_text}
            self._mandatory(q, data, where)
            sub_condition = None
            if sub.relevance.strip() not in ("", "1"):
                sub_condition = self._relevance(sub.relevance, at, "relevance")
            if condition is not None:
                sub_condition = condition if sub_condition is None else All((condition, sub_condition))
            drafts.append(QuestionDraft(at, data, sub_condition))
            self.keys.add(item_key)
            self.targets[f"{q.code}_{sub.code}"] = Target(item_key, "rating", _rating_values(codes))
            items.append(item_key)
        if not items:
            self.findings.dropped(where, "no subquestion could be carried as a rating item")
            return []
        if self.s.attribute(q.qid, "random_order") == "1":
            self.findings.dropped(where, "random order of its subquestions (randomise the page in the YAML file)")
        dimension_key = unique_key(make_key(q.code, dotted=False), self.dimension_keys)
        self.dimensions.append(DimensionDraft(dimension_key, text, items))
        return drafts

    def _answer_scale(self, q: _Question, where: str):
        answers = [a for a in self.s.answers.get(q.qid, []) if a.scale_id == "0"]
        k = len(answers)
        if not 2 <= k <= 11:
            self.findings.dropped(where, f"an array with {k} answer options: a rating scale has 2 to 11 points")
            return None
        numbers = [as_int(a.code) for a in answers]
        if sorted(n for n in numbers if n is not None) == list(range(1, k + 1)):
            codes = {a.code: as_int(a.code) for a in answers}
            ordered = sorted(answers, key=lambda a: codes[a.code])
            descending = [codes[a.code] for a in answers] == list(range(k, 0, -1))
        else:
            codes = {a.code: position for position, a in enumerate(answers, start=1)}
            ordered, descending = answers, False
            self.findings.changed(where, f"answer codes {', '.join(a.code for a in answers)} became 1..{k} in "
                                  "their listed order (first = least positive): check the direction")
        labels = {}
        for language in self.s.languages:
            texts = [plain(a.labels.get(language, ""))[0] for a in ordered]
            if all(texts):
                labels[language] = texts
            elif language == self.default:
                self.findings.dropped(where, f"an answer option has no label in the default language {self.default}")
                return None
        scale: dict = {"points": k, "labels": labels}
        if descending:
            scale["order"] = "descending"
        for existing, known in self.scales.items():
            if known == scale:
                return existing, codes
        scale_key = unique_key(f"scale_{make_key(q.code, dotted=False)}", set(self.scales))
        self.scales[scale_key] = scale
        return scale_key, codes


def _literal(value) -> str:
    return value if isinstance(value, str) else (str(int(value)) if float(value).is_integer() else repr(value))


def _rating_values(codes: dict[str, int]):
    def values(value):
        return codes.get(_literal(value))

    return values


@dataclass
class LimeSurveyImport:
    document: dict | None
    findings: Findings
    db_version: int


def import_limesurvey(data: bytes, filename: str, family: str, version: str) -> LimeSurveyImport:
    """The format-2 document of an .lss file (None when nothing could be carried) and the findings.
    Raises ImportFailed for a file that is not a readable, harmless .lss."""
    survey = _Survey(parse_xml(data, filename))
    importer = _Importer(survey, family, version)
    document = importer.run()
    return LimeSurveyImport(document, importer.findings, survey.db_version)

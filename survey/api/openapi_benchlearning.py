"""The OpenAPI paths and schemas of benchlearning (survey/api/benchlearning.py): practice cards, a school's own
action plans and its benchlearning requests. survey/api/openapi.py adds them to the document."""
from __future__ import annotations

from survey.api.benchlearning import DEFAULT_LIMIT, MAX_LIMIT
from survey.analysis.evidence import STATUSES as EVIDENCE_STATUSES
from survey.api.openapi import NULLABLE_NUMBER, NULLABLE_STRING, SUPPRESSED_N, UNAUTHORIZED, _error, _json, _ref
from survey.partnering.models import MEETING_KINDS, REQUEST_STATUSES
from survey.plans.models import ACTION_STATUSES, PLAN_STATUSES
from survey.practices.models import CARD_STATUSES, PARTICIPANTS

NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
NULLABLE_DATE_TIME = {"type": ["string", "null"], "format": "date-time"}
DATE_TIME = {"type": "string", "format": "date-time"}
URL = {"type": "string", "format": "uri"}
STRINGS = {"type": "array", "items": {"type": "string"}}


def _path_id(name: str, what: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}, "description": what}


def _query(name: str, description: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema or {"type": "string"},
            "description": description}


CARD_ID = _path_id("card_id", "The practice card's id.")
ATTACHMENT_ID = _path_id("attachment_id", "The attachment's id (of this card).")
PLAN_ID = _path_id("plan_id", "The action plan's id.")
REQUEST_ID = _path_id("request_id", "The benchlearning request's id.")
PAGE_PARAMETERS = [
    _query("limit", f"How many items a page holds (1 to {MAX_LIMIT}, default {DEFAULT_LIMIT}).",
           {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}),
    _query("offset", "How many items to skip (default 0); follow `next` rather than counting.",
           {"type": "integer", "minimum": 0, "default": 0}),
]
CARD_FILTERS = [
    _query("dimension", 'Only cards addressing this dimension: "<family key>/<dimension key>", e.g. "student/wellbeing".'),
    _query("item", "Only cards addressing this item (its lineage, stable across questionnaire versions)."),
    _query("school_type", "Only cards running at this school type (the network's type code, e.g. EUD)."),
    _query("program", "Only cards running in this program (program code)."),
    _query("language", "Only cards written in this language (ISO 639-1: da, sv, en)."),
    _query("featured", "true: only the cards the network's admins featured; false or absent: all.",
           {"type": "string", "enum": ["true", "false"]}),
    _query("q", "Full text: title, summary, what, why and who takes part (PostgreSQL full-text search, SQLite FTS5)."),
]
NOT_FOUND = "No such {0}, or one the token's user may not read (another network's, another school's{1}): the " \
            "two are answered alike."
BAD_PAGE = _error("`limit` or `offset` (or `featured`) is not one of the values described.")

SCHOOL_REF = {
    "type": ["object", "null"],
    "required": ["code", "name"],
    "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
    "description": "The school, where the reader may name it: the network shares school names, or it is the "
    "reader's own school, or the reader is a network admin; null otherwise (\"a school in the network\").",
}


def _page(item: str, description: str) -> dict:
    return {
        "type": "object",
        "description": description,
        "required": ["total", "limit", "offset", "next", "previous", "items"],
        "properties": {
            "total": {"type": "integer", "description": "How many items match in all."},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
            "next": {**NULLABLE_STRING, "format": "uri", "description": "The next page; null on the last."},
            "previous": {**NULLABLE_STRING, "format": "uri", "description": "The previous page; null on the first."},
            "items": {"type": "array", "items": _ref(item)},
        },
    }


CARD_SUMMARY_PROPERTIES = {
    "id": {"type": "integer"},
    "url": {**URL, "description": "The card in this API."},
    "title": {"type": "string"},
    "summary": {"type": "string"},
    "school": SCHOOL_REF,
    "own_school": {"type": "boolean", "description": "The card is the token's school's."},
    "status": {"enum": list(CARD_STATUSES), "description": "draft: seen by its own school's staff only."},
    "featured": {"type": "boolean"},
    "language": {"type": "string", "description": "ISO 639-1 of the card's text."},
    "started_on": {**NULLABLE_DATE, "description": "Since when the school does it."},
    "published_at": NULLABLE_DATE_TIME,
    "updated_at": DATE_TIME,
    "dimensions": {**STRINGS, "description": '"<family key>/<dimension key>" of each dimension it addresses.'},
    "items": {**STRINGS, "description": "Lineages of the items it addresses."},
    "programs": {**STRINGS, "description": "Codes of the programs where it runs."},
    "school_types": {**STRINGS, "description": "School type codes where it runs."},
    "participants": {"type": "array", "items": {"enum": list(PARTICIPANTS)}, "description": "Who takes part."},
}
CARD_PROPERTIES = {
    **CARD_SUMMARY_PROPERTIES,
    "what": {"type": "string", "description": "What they do."},
    "why": {"type": "string", "description": "Why they do it."},
    "participants_note": {"type": "string", "description": "Who takes part, beyond the tags."},
    "contact": {
        "type": "object",
        "required": ["name", "role", "email"],
        "properties": {"name": {"type": "string"}, "role": {"type": "string"}, "email": {"type": "string"}},
        "description": "Whom to ask; shown inside the network only.",
    },
    "created_at": DATE_TIME,
    "attachments": {"type": "array", "items": _ref("PracticeAttachment")},
    "evidence": _ref("CardEvidence"),
}
ROUND_POINT = {
    "type": ["object", "null"],
    "required": ["round", "closes_on", "n", "index", "ci_low", "ci_high", "response_rate", "suppressed"],
    "description": "The card's school's published cell of the dimension in one closed round; a suppressed cell "
    "has no number (no n, index, interval or response rate).",
    "properties": {
        "round": {"type": "object", "required": ["id", "name"],
                  "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
        "closes_on": {"type": "string", "format": "date"},
        "n": SUPPRESSED_N,
        "index": NULLABLE_NUMBER,
        "ci_low": {**NULLABLE_NUMBER, "description": "95% interval of the index, low end."},
        "ci_high": {**NULLABLE_NUMBER, "description": "95% interval of the index, high end."},
        "response_rate": NULLABLE_NUMBER,
        "suppressed": {"type": "boolean"},
    },
}
PLAN_SUMMARY_PROPERTIES = {
    "id": {"type": "integer"},
    "url": URL,
    "title": {"type": "string"},
    "status": {"enum": list(PLAN_STATUSES)},
    "school": {"type": "object", "required": ["code", "name"],
               "properties": {"code": {"type": "string"}, "name": {"type": "string"}}},
    "base_round": {"type": "object", "required": ["id", "name"],
                   "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
                   "description": "The closed round the plan starts from."},
    "focus_dimensions": {**STRINGS, "description": "Keys of the focus dimensions, in the plan's order."},
    "created_at": DATE_TIME,
    "updated_at": DATE_TIME,
}
REQUEST_SUMMARY_PROPERTIES = {
    "id": {"type": "integer"},
    "url": URL,
    "direction": {"enum": ["sent", "received"], "description": "Whether the token's school sent or received it."},
    "status": {"enum": list(REQUEST_STATUSES)},
    "round": {"type": "object", "required": ["id", "name"],
              "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
              "description": "The round whose benchmark partners the request came from."},
    "dimension": {"type": "string", "description": "What the requester wants to learn about."},
    "counterpart": {
        "type": "object",
        "required": ["name", "label"],
        "properties": {
            "name": {**NULLABLE_STRING, "description": "The other school's name, only when identities are revealed."},
            "label": {**NULLABLE_STRING, "description": "To the requester: the label under which it chose the "
                      "partner. To the partner: null (the request comes from \"a school in the network\")."},
        },
    },
    "identities_revealed": {"type": "boolean", "description": "The network shares school names, or both schools "
                            "agreed to reveal themselves."},
    "own_school_reveals": {"type": "boolean", "description": "The token's school agreed to reveal itself."},
    "counterpart_reveals": {"type": "boolean", "description": "The other school agreed to reveal itself."},
    "created_at": DATE_TIME,
    "answered_at": NULLABLE_DATE_TIME,
    "meeting_on": NULLABLE_DATE,
    "meeting_kind": {"enum": [*MEETING_KINDS, None]},
}

SCHEMAS = {
    "PracticeCardSummary": {"type": "object", "required": list(CARD_SUMMARY_PROPERTIES),
                            "properties": CARD_SUMMARY_PROPERTIES},
    "PracticeCard": {"type": "object", "required": list(CARD_PROPERTIES), "properties": CARD_PROPERTIES},
    "PracticeAttachment": {
        "type": "object",
        "required": ["id", "filename", "content_type", "size", "sha256", "uploaded_at", "url"],
        "properties": {
            "id": {"type": "integer"},
            "filename": {"type": "string"},
            "content_type": {"type": "string"},
            "size": {"type": "integer", "description": "Bytes."},
            "sha256": {"type": "string"},
            "uploaded_at": DATE_TIME,
            "url": {**URL, "description": "Where to download it (with the same token)."},
        },
    },
    "CardEvidence": {
        "type": "object",
        "required": ["minimal_difference", "dimensions"],
        "description": "Beside the card: its school's index on each dimension the card addresses over the comparable "
        "closed rounds, and the change measured since the practice began (METHOD.md v2 trend rule). A measured "
        "change, never a claim that the practice caused it.",
        "properties": {
            "minimal_difference": {"type": "number", "description": "The network's minimal important difference "
                                   "(index points): a change is flagged only when at least this large."},
            "dimensions": {"type": "array", "items": {
                "type": "object",
                "required": ["tag", "family", "dimension", "title", "series", "change"],
                "properties": {
                    "tag": {"type": "string", "description": '"<family key>/<dimension key>" as the card tags it.'},
                    "family": {"type": "string"},
                    "dimension": {"type": "string"},
                    "title": {"type": "object", "additionalProperties": {"type": "string"},
                              "description": "The dimension's title by language; empty when not measured."},
                    "series": {"type": "array", "items": ROUND_POINT, "description": "Oldest first."},
                    "change": {
                        "type": "object",
                        "required": ["status", "baseline", "latest", "change", "change_low", "change_high",
                                     "q_value", "flag"],
                        "properties": {
                            "status": {"enum": list(EVIDENCE_STATUSES), "description": "measured, or why there is "
                                       "no number: no start date, no round before or since it began, the dimension "
                                       "not comparable, a suppressed cell, not measured."},
                            "baseline": {**ROUND_POINT, "description": "The last round closed before it began."},
                            "latest": {**ROUND_POINT, "description": "The latest comparable round."},
                            "change": {**NULLABLE_NUMBER, "description": "latest minus baseline index."},
                            "change_low": {**NULLABLE_NUMBER, "description": "Welch 95% interval, low end."},
                            "change_high": {**NULLABLE_NUMBER, "description": "Welch 95% interval, high end."},
                            "q_value": NULLABLE_NUMBER,
                            "flag": {"enum": ["up", "down", ""], "description": '"up" or "down" when q < 0.05 and '
                                     "the change is at least the minimal difference, else empty."},
                        },
                    },
                },
            }},
        },
    },
    "PracticeCards": _page("PracticeCardSummary", "A page of practice cards, featured first, then the newest."),
    "ActionPlanSummary": {"type": "object", "required": list(PLAN_SUMMARY_PROPERTIES),
                          "properties": PLAN_SUMMARY_PROPERTIES},
    "ActionPlan": {
        "type": "object",
        "required": [*PLAN_SUMMARY_PROPERTIES, "focuses", "actions", "adopted_cards", "partner", "partner_note"],
        "properties": {
            **PLAN_SUMMARY_PROPERTIES,
            "focuses": {"type": "array", "items": {
                "type": "object",
                "required": ["dimension", "position", "baseline", "goal", "detectable_change", "suggested"],
                "properties": {
                    "dimension": {"type": "string"},
                    "position": {"type": "integer"},
                    "baseline": {**NULLABLE_NUMBER, "description": "The school's published index in the base round."},
                    "goal": {**NULLABLE_NUMBER, "description": "The index aimed at in the next comparable round."},
                    "detectable_change": {**NULLABLE_NUMBER, "description": "The smallest change the school's n "
                                          "could detect when the goal was set."},
                    "suggested": {"type": "boolean", "description": "\"Improve first\" in the base round."},
                },
            }},
            "actions": {"type": "array", "items": {
                "type": "object",
                "required": ["id", "dimension", "description", "owner", "deadline", "status"],
                "properties": {
                    "id": {"type": "integer"},
                    "dimension": {**NULLABLE_STRING, "description": "The focus it serves, if one."},
                    "description": {"type": "string"},
                    "owner": {"type": "string"},
                    "deadline": NULLABLE_DATE,
                    "status": {"enum": list(ACTION_STATUSES)},
                },
            }},
            "adopted_cards": {"type": "array", "description": "The practice cards the plan adopts that the reader "
                              "may read.", "items": {
                "type": "object",
                "required": ["id", "url", "title", "school"],
                "properties": {"id": {"type": "integer"}, "url": URL, "title": {"type": "string"}, "school": SCHOOL_REF},
            }},
            "partner": {
                "type": ["object", "null"], "required": ["label", "school"],
                "description": "The school the plan learns from; null without a partner.",
                "properties": {
                    "label": {**NULLABLE_STRING, "description": "The partner as the plan's page shows it: its label "
                              "in the school's own partner list of the round, with the dimension."},
                    "school": {**SCHOOL_REF, "description": "The partner school where the reader may name it (the "
                               "network shares names, or a request between the two revealed both; admins always); "
                               "null otherwise."},
                },
            },
            "partner_note": {"type": "string"},
        },
    },
    "ActionPlans": _page("ActionPlanSummary", "A page of action plans, newest first."),
    "BenchlearningRequestSummary": {"type": "object", "required": list(REQUEST_SUMMARY_PROPERTIES),
                                    "properties": REQUEST_SUMMARY_PROPERTIES},
    "BenchlearningRequest": {
        "type": "object",
        "required": [*REQUEST_SUMMARY_PROPERTIES, "message", "contact", "meeting_note", "notes"],
        "properties": {
            **REQUEST_SUMMARY_PROPERTIES,
            "message": {"type": "string"},
            "contact": {**NULLABLE_STRING, "description": "The other school's contact (e-mail), only once identities "
                        "are revealed: to the partner, who sent the request; to the requester, who answered it; null "
                        "otherwise."},
            "meeting_note": {"type": "string"},
            "notes": {"type": "array", "items": {
                "type": "object",
                "required": ["id", "by", "author", "body", "created_at"],
                "properties": {
                    "id": {"type": "integer"},
                    "by": {"enum": ["own_school", "counterpart"]},
                    "author": {**NULLABLE_STRING, "description": "A colleague's e-mail on the token's school's "
                               "notes; null on the other school's (as on the request page)."},
                    "body": {"type": "string"},
                    "created_at": DATE_TIME,
                },
            }},
        },
    },
    "BenchlearningRequests": _page("BenchlearningRequestSummary", "A page of requests, newest first."),
}


def _list(summary: str, description: str, schema: str, parameters: list[dict]) -> dict:
    return {
        "summary": summary,
        "description": description,
        "parameters": parameters,
        "responses": {"200": _json(_ref(schema), "One page, with the total and the links to the next and "
                                   "previous pages."), "400": BAD_PAGE, "401": UNAUTHORIZED},
    }


def _detail(summary: str, schema: str, parameters: list[dict], not_found: str) -> dict:
    return {
        "summary": summary,
        "parameters": parameters,
        "responses": {"200": _json(_ref(schema), summary), "401": UNAUTHORIZED, "404": _error(not_found)},
    }


PATHS = {
    "/practices": {"get": _list(
        "Practice cards the user may read.",
        "The network's published cards, and a school's staff also their own school's drafts; filters combine "
        "(all must hold).",
        "PracticeCards", [*CARD_FILTERS, *PAGE_PARAMETERS])},
    "/practices/{card_id}": {"get": _detail(
        "One practice card: all its fields, tags, contact, attachments and the evidence beside it.", "PracticeCard", [CARD_ID],
        NOT_FOUND.format("card", " draft"))},
    "/practices/{card_id}/attachments/{attachment_id}": {"get": {
        "summary": "Download an attachment of a practice card.",
        "description": "To a reader of the card only. Always sent as a download (Content-Disposition: attachment, "
        "X-Content-Type-Options: nosniff); each download is recorded in the network's audit log.",
        "parameters": [CARD_ID, ATTACHMENT_ID],
        "responses": {
            "200": {
                "description": "The file, with the content type it was uploaded as.",
                "headers": {
                    "Content-Disposition": {"schema": {"type": "string"}, "description": 'attachment; filename="..."'},
                    "X-Content-Type-Options": {"schema": {"const": "nosniff"}},
                },
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            },
            "401": UNAUTHORIZED,
            "404": _error(NOT_FOUND.format("card or attachment", " draft") + " An attachment of another card is "
                          "not found either."),
        },
    }},
    "/plans": {"get": _list(
        "Action plans: the token's school's own.",
        "School staff: their school's plans. Network admins: every plan of the network, only where the network's "
        "settings let admins read plans (otherwise an empty list). Nobody else reads plans.",
        "ActionPlans", PAGE_PARAMETERS)},
    "/plans/{plan_id}": {"get": _detail(
        "One action plan with its focuses, actions and adopted practice cards.", "ActionPlan", [PLAN_ID],
        NOT_FOUND.format("plan", " plan, or any plan to an admin where the network keeps plans to the schools"))},
    "/requests": {"get": _list(
        "Benchlearning requests the token's school sent and received.",
        "School staff only (admins see learning activity as counts, never requests). The other school is named "
        "only when identities are revealed.",
        "BenchlearningRequests", PAGE_PARAMETERS)},
    "/requests/{request_id}": {"get": _detail(
        "One benchlearning request with the notes the two schools share.", "BenchlearningRequest", [REQUEST_ID],
        NOT_FOUND.format("request", " request between two other schools, or any request to an admin"))},
}

"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json.

Written by hand so it says what each route means; tests/api/test_openapi.py fails when a route of the
blueprint is missing here, or when a path's public/secured status disagrees with the view's. Benchlearning's
paths and schemas (practice cards, action plans, requests) are in openapi_benchlearning.py.
"""
from __future__ import annotations

from functools import cache

SECURED = [{"bearerAuth": []}]
PUBLIC: list = []


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(_ref("Error"), description)


UNAUTHORIZED = {
    "description": "No token, or an unknown or revoked one, or its user is deactivated.",
    "headers": {"WWW-Authenticate": {"schema": {"type": "string"}, "description": 'Bearer realm="benchlearn"'}},
    "content": {"application/json": {"schema": _ref("Error")}},
}
NOT_FOUND = _error("No such round, or one the token's user may not see (another network's, or staff's school not in it).")
ROUND_ID = {"name": "round_id", "in": "path", "required": True, "schema": {"type": "integer"}, "description": "The round's id."}


def _filter(name: str, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": {"type": "string"}, "description": description}


SCHOOL_FILTER = _filter("school", 'Only rows of this school code, or "NETWORK" for network-wide rows.')
BREAKDOWN_FILTER = _filter("breakdown", "Only rows of this breakdown (e.g. school, program, a background question).")
GROUP_FILTER = _filter("group", "Only rows of this group within the breakdown.")
DIMENSION_FILTER = _filter("dimension", "Only rows of this dimension key.")
ITEM_FILTER = _filter("item", "Only rows of this item key.")

NULLABLE_NUMBER = {"type": ["number", "null"]}
NULLABLE_INTEGER = {"type": ["integer", "null"]}
NULLABLE_STRING = {"type": ["string", "null"]}

SUPPRESSED_N = {
    **NULLABLE_INTEGER,
    "description": "How many respondents the cell holds; null when the cell is suppressed (never its exact n).",
}
SUPPRESSION = {
    "enum": ["suppressed", None],
    "description": '"suppressed" for every suppressed cell: fewer than the network\'s k_min respondents, or '
    "protected so that a small group cannot be derived (which of the two is never told); null when published.",
}
N_SHOWN = {
    "type": "string",
    "description": 'The n as Benchlearn shows it: the number when published, "–" for every suppressed cell.',
}
SCHOOLS = {
    **NULLABLE_INTEGER,
    "description": "Network rows: how many schools the cell pools; null on school rows and suppressed cells. A "
    "school staff member sees a network cell only when it pools at least 3 schools and at least k_min respondents "
    "outside their school (otherwise it is suppressed for them).",
}

COUNT_PROPERTIES = {
    "responses": {**NULLABLE_INTEGER, "description": "Submitted responses. School staff: null (shown as \"–\") "
                  "for fewer than k_min, or to protect such a group within their school's total; open or closed."},
    "population": {**NULLABLE_INTEGER, "description": "How many could answer, as given by the school(s); null if not given."},
    "response_rate": {**NULLABLE_NUMBER, "description": "responses / population (0..1, not capped); null without a "
                      "population and wherever `responses` is null."},
}

SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error", "status"],
        "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
    },
    "Health": {"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}},
    "Questionnaire": {
        "type": "object",
        "properties": {
            "family": {"type": "string"},
            "version": {"type": "string"},
            "previous": NULLABLE_STRING,
            "title": {"type": "object", "additionalProperties": {"type": "string"}, "description": "By language."},
            "languages": {"type": "array", "items": {"type": "string"}},
            "scale_points": {"type": "integer"},
            "checksum": {"type": "string"},
            "published_at": {"type": "string", "format": "date"},
            "withdrawn": {"type": "boolean"},
            "items": {"type": "integer", "description": "How many rating items."},
        },
    },
    "Round": {
        "type": "object",
        "required": ["id", "name", "state", "opens_on", "closes_on", "questionnaire", "schools"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "state": {"enum": ["draft", "open", "closed"], "description": "From the dates, as of today."},
            "opens_on": {"type": "string", "format": "date"},
            "closes_on": {"type": "string", "format": "date"},
            "questionnaire": {
                "type": "object",
                "properties": {"family": {"type": "string"}, "version": {"type": "string"}},
            },
            "schools": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Codes of the participating schools the user may see (staff: their own).",
            },
        },
    },
    "Count": {"type": "object", "required": list(COUNT_PROPERTIES), "properties": COUNT_PROPERTIES},
    "SchoolCount": {
        "type": "object",
        "required": ["school", "name", *COUNT_PROPERTIES, "programs"],
        "properties": {
            "school": {"type": "string"},
            "name": {"type": "string"},
            **COUNT_PROPERTIES,
            "programs": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "program": {**NULLABLE_STRING, "description": "Program code; null for responses without one."},
                        "name": NULLABLE_STRING,
                        **COUNT_PROPERTIES,
                    },
                },
            },
        },
    },
    "Counts": {
        "type": "object",
        "required": ["round", "schools"],
        "properties": {
            "round": {"type": "integer"},
            "schools": {"type": "array", "items": _ref("SchoolCount")},
            "network": {**_ref("Count"), "description": "Network totals (network admins only)."},
        },
    },
    "ResultRow": {
        "type": "object",
        "description": "One cell of the long aggregates table (METHOD.md). Suppressed cells carry no statistics "
        "and no exact n.",
        "properties": {
            "school": {"type": "string", "description": 'School code, or "NETWORK".'},
            "breakdown": {"type": "string"},
            "group": NULLABLE_STRING,
            "dimension": {"type": "string"},
            "n": SUPPRESSED_N,
            "index": NULLABLE_NUMBER,
            "sd": NULLABLE_NUMBER,
            "ci_low": NULLABLE_NUMBER,
            "ci_high": NULLABLE_NUMBER,
            "network_mean": NULLABLE_NUMBER,
            "median": NULLABLE_NUMBER,
            "top_quartile": NULLABLE_NUMBER,
            "rank": NULLABLE_INTEGER,
            "of": NULLABLE_INTEGER,
            "suppressed": {"type": "boolean"},
            "importance": NULLABLE_NUMBER,
            "quadrant": NULLABLE_STRING,
            "importance_line": {**NULLABLE_NUMBER, "description": "Priority map: the mean importance, 100 / number "
                                "of predictor dimensions (the vertical line the quadrants are classified by)."},
            "response_rate": {**NULLABLE_NUMBER, "description": "Responses / population; null wherever the cell "
                              "is suppressed."},
            "schools": SCHOOLS,
            "suppression": SUPPRESSION,
            "n_shown": N_SHOWN,
            "fpc": {**NULLABLE_NUMBER, "description": "Finite-population factor sqrt((N - n) / (N - 1)) applied "
                    "to the interval; null where the population is unknown (factor 1) and on network rows (CR1)."},
            "rank_low": {**NULLABLE_NUMBER, "description": "95% rank interval, best end (2,000 parametric "
                         "bootstrap draws)."},
            "rank_high": {**NULLABLE_NUMBER, "description": "95% rank interval, worst end."},
            "importance_low": {**NULLABLE_NUMBER, "description": "95% bootstrap percentile interval of the "
                               "importance (200 resamples), low end."},
            "importance_high": {**NULLABLE_NUMBER, "description": "95% bootstrap interval of the importance, "
                                "high end."},
            "gap": {**NULLABLE_NUMBER, "description": "Priority map: the school's index minus the network index "
                    "of the same dimension (the horizontal line is gap = 0)."},
            "gap_low": {**NULLABLE_NUMBER, "description": "95% interval of the gap, low end."},
            "gap_high": {**NULLABLE_NUMBER, "description": "95% interval of the gap, high end."},
            "uncertain": {"type": ["boolean", "null"], "description": "The importance interval straddles the "
                          "importance line or the gap interval straddles 0: the quadrant is uncertain."},
            "change": {**NULLABLE_NUMBER, "description": "Change against the comparable earlier round."},
            "change_low": {**NULLABLE_NUMBER, "description": "Welch 95% interval of the change, low end."},
            "change_high": {**NULLABLE_NUMBER, "description": "Welch 95% interval of the change, high end."},
            "q_value": {**NULLABLE_NUMBER, "description": "Benjamini-Hochberg adjusted p over the dimensions "
                        "tested for the school (or the network) in the round."},
            "trend_flag": {"type": ["string", "null"], "enum": ["up", "down", "", None], "description": '"up" or '
                           '"down" when q < 0.05 and |change| >= the minimal important difference, else "".'},
            "previous_n": {**NULLABLE_NUMBER, "description": "The earlier round's n of the cell; null where it "
                           "was suppressed."},
            "previous_response_rate": {**NULLABLE_NUMBER, "description": "The earlier round's response rate of "
                                       "the cell; null where it was suppressed."},
        },
        "additionalProperties": True,
    },
    "ItemRow": {
        "type": "object",
        "description": "One item's results for a group: n, mean 0-100 score, `share_<j>` of each point j of the "
                       "item's scale (null beyond its k), share positive, and `share_ns_<key>` of each "
                       "non-substantive option over all who saw the item.",
        "properties": {
            "school": {"type": "string", "description": 'School code, or "NETWORK".'},
            "item": {"type": "string"},
            "dimension": {"type": "string"},
            "n": SUPPRESSED_N,
            "mean": NULLABLE_NUMBER,
            "share_positive": NULLABLE_NUMBER,
            "suppressed": {"type": "boolean"},
            "schools": SCHOOLS,
            "suppression": SUPPRESSION,
            "n_shown": N_SHOWN,
        },
        "additionalProperties": True,
    },
}


def _results_schema(row: str) -> dict:
    return {
        "type": "object",
        "required": ["round", "state", "frozen", "provisional", "content_hash", "computed_at", "as_of", "rows"],
        "properties": {
            "round": {"type": "integer"},
            "state": {"enum": ["open", "closed"]},
            "frozen": {"type": "boolean", "description": "Computed once, by the periodic job or \"Close now\", when "
                       "the round closes; never changes."},
            "provisional": {"type": "boolean", "description": "An open round's results: the snapshot taken at most "
                            "once a day, never recomputed per submission (admins only)."},
            "content_hash": {"type": "string", "description": "SHA-256 of the results' content."},
            "computed_at": {"type": "string", "format": "date-time"},
            "as_of": {"type": ["string", "null"], "format": "date",
                      "description": "The day of a provisional snapshot; null for frozen results."},
            "rows": {"type": "array", "items": _ref(row)},
        },
    }


SCHEMAS["Results"] = _results_schema("ResultRow")
SCHEMAS["ItemResults"] = _results_schema("ItemRow")


def _results_operation(summary: str, schema: str, filters: list[dict]) -> dict:
    return {
        "summary": summary,
        "description": "Staff see their school's rows and the network's; admins see every row. A closed round's "
        "results are frozen once, when it closes; an open round's are provisional: a dated snapshot taken at most "
        "once a day, for network admins only. Reading never computes or stores results. NaN is null.",
        "parameters": [ROUND_ID, *filters],
        "responses": {
            "200": _json(_ref(schema), "The rows, with the results' content hash."),
            "401": UNAUTHORIZED,
            "403": _error("The round is open and the user is school staff: provisional results are for admins."),
            "404": NOT_FOUND,
            "409": _error("No results yet: the round has not opened, or its results are being prepared (a closed "
                          "round's are frozen, an open round's daily snapshot taken, by a periodic job)."),
        },
    }


PATHS = {
    "/health": {
        "get": {
            "summary": "Liveness: the app answers and reaches its database.",
            "security": PUBLIC,
            "responses": {"200": _json(_ref("Health"), "Healthy.")},
        }
    },
    "/questionnaires": {
        "get": {
            "summary": "The questionnaire catalog of the token's network.",
            "responses": {
                "200": _json({"type": "array", "items": _ref("Questionnaire")}, "Every version the network published."),
                "401": UNAUTHORIZED,
            },
        }
    },
    "/openapi.json": {
        "get": {
            "summary": "This document.",
            "security": PUBLIC,
            "responses": {"200": _json({"type": "object"}, "The OpenAPI 3.1 document.")},
        }
    },
    "/rounds": {
        "get": {
            "summary": "The rounds the user may see, newest first.",
            "description": "Network admins: every round of their network. School staff: rounds that include their school.",
            "responses": {"200": _json({"type": "array", "items": _ref("Round")}, "The rounds."), "401": UNAUTHORIZED},
        }
    },
    "/rounds/{round_id}": {
        "get": {
            "summary": "One round.",
            "parameters": [ROUND_ID],
            "responses": {"200": _json(_ref("Round"), "The round."), "401": UNAUTHORIZED, "404": NOT_FOUND},
        }
    },
    "/rounds/{round_id}/counts": {
        "get": {
            "summary": "Responses, population and response rate per school and program.",
            "description": "Network admins: every school of the round and network totals. School staff: their "
            "school, where a program below k_min (or protecting one) and a total below k_min have null responses "
            "and rate.",
            "parameters": [ROUND_ID],
            "responses": {"200": _json(_ref("Counts"), "The counts."), "401": UNAUTHORIZED, "404": NOT_FOUND},
        }
    },
    "/rounds/{round_id}/results": {
        "get": _results_operation(
            "Dimension results: indices, intervals, benchmark, priority map.",
            "Results",
            [SCHOOL_FILTER, DIMENSION_FILTER, BREAKDOWN_FILTER, GROUP_FILTER],
        )
    },
    "/rounds/{round_id}/items": {
        "get": _results_operation(
            "Item results: n, mean 0-100, share of each answer, share positive.",
            "ItemResults",
            [SCHOOL_FILTER, DIMENSION_FILTER, ITEM_FILTER],
        )
    },
}


from survey.api import openapi_benchlearning as benchlearning  # noqa: E402  (it builds on the helpers above)


@cache
def openapi_document() -> dict:
    """The document as a dict (built once; callers must not change it)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Benchlearn API",
            "version": "1",
            "description": "Rounds, response counts and benchmark results of a network of schools; its practice "
            "cards, a school's own action plans and its benchlearning requests. Every route but the public ones needs "
            "`Authorization: Bearer <token>` (`benchlearn token create EMAIL --name NAME`). A school staff member's "
            "token sees their own school only (and the network's published practice cards).",
        },
        "servers": [{"url": "/api/v1"}],
        "security": SECURED,
        "paths": PATHS | benchlearning.PATHS,
        "components": {
            "schemas": SCHEMAS | benchlearning.SCHEMAS,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }

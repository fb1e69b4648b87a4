"""Every route with an integer in its URL answers 404 to an id no database can hold, never 500.

Before, 2^63 gave 500 on SQLite (the driver's OverflowError) and 2^31 on PostgreSQL (integer out of range).
"""
from __future__ import annotations

import re

import pytest

from survey.api.tokens import create_token

OTHER_ARGUMENTS = {"code": "ABC", "fmt": "csv", "key": "k", "token": "x", "kind": "s"}
ARGUMENT = re.compile(r"<(?:(?P<converter>[a-z]+)(?:\([^)]*\))?:)?(?P<name>[a-z_]+)>")


def url_with(rule: str, number: int) -> str:
    def fill(match: re.Match) -> str:
        return str(number) if match["converter"] == "int" else OTHER_ARGUMENTS[match["name"]]

    return ARGUMENT.sub(fill, rule)


def integer_rules(app) -> list:
    return [rule for rule in app.url_map.iter_rules() if "<int:" in rule.rule]


def test_the_rules_are_found(app):
    assert len(integer_rules(app)) >= 30


@pytest.mark.parametrize("number", [2**31, 2**63, 10**30])
@pytest.mark.parametrize("role", ["admin", "staff"])
def test_an_id_out_of_range_is_404_on_every_route(app, client, admin, staff, login, role: str, number: int):
    user = admin if role == "admin" else staff
    login(user)
    bearer = {"Authorization": f"Bearer {create_token(user, 'ids')}"}
    answers = {}
    for rule in integer_rules(app):
        url = url_with(rule.rule, number)
        if url.startswith("/admin/" if role == "staff" else "/school/"):
            continue  # another role's pages: 403 whatever the id
        method = "GET" if "GET" in rule.methods else "POST"
        headers = bearer if url.startswith("/api/") else {}
        answers[f"{method} {url}"] = client.open(url, method=method, headers=headers).status_code
    wrong = {request: status for request, status in answers.items() if status != 404}
    assert not wrong, wrong

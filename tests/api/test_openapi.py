"""The OpenAPI document describes every route of the blueprint, as it really behaves."""
from __future__ import annotations

import re

import openapi_spec_validator
import pytest

from survey.api import benchlearning, views
from survey.api.auth import is_public

PREFIX = "/api/v1"
CONVERTER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


def api_routes(app) -> list[tuple[str, str, str]]:
    """(OpenAPI path, method, endpoint) of every route the app serves under /api/v1."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/"):
            path = CONVERTER.sub(r"{\1}", rule.rule.removeprefix(PREFIX))
            routes += [(path, method.lower(), rule.endpoint) for method in rule.methods - {"HEAD", "OPTIONS"}]
    return routes


@pytest.fixture
def document(client):
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    return response.json


def test_the_document_is_openapi_3_1_with_the_bearer_scheme(document):
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert document["security"] == [{"bearerAuth": []}]


def test_every_route_is_documented_and_nothing_else(app, document):
    routes = api_routes(app)
    assert len(routes) >= 8
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert documented == {(path, method) for path, method, _ in routes}


def test_public_and_secured_routes_are_documented_as_they_behave(app, document):
    with app.test_request_context():
        for path, method, endpoint in api_routes(app):
            operation = document["paths"][path][method]
            public = is_public(endpoint)
            assert (operation.get("security") == []) is public, f"{method} {path}"
            assert ("401" in operation["responses"]) is not public, f"{method} {path}"


def test_every_path_and_query_parameter_is_declared(app, document):
    filters = {"/rounds/{round_id}/results": views.RESULT_FILTERS, "/rounds/{round_id}/items": views.ITEM_FILTERS,
               "/practices": benchlearning.CARD_FILTERS + benchlearning.PAGE_PARAMETERS,
               "/plans": benchlearning.PAGE_PARAMETERS, "/requests": benchlearning.PAGE_PARAMETERS}
    for path, method, _ in api_routes(app):
        parameters = document["paths"][path][method].get("parameters", [])
        in_path = {p["name"] for p in parameters if p["in"] == "path"}
        assert in_path == set(re.findall(r"{([a-z_]+)}", path)), path
        assert all(p["required"] for p in parameters if p["in"] == "path")
        in_query = {p["name"] for p in parameters if p["in"] == "query"}
        assert in_query == set(filters.get(path, ())), path


def test_every_operation_has_a_summary_and_a_described_200(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation["summary"], f"{method} {path}"
            assert operation["responses"]["200"]["description"], f"{method} {path}"


def test_every_reference_resolves(document):
    def refs(node):
        if isinstance(node, dict):
            yield from ([node["$ref"]] if "$ref" in node else [])
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    found = set(refs(document))
    assert found
    for ref in found:
        target = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        assert isinstance(target, dict), ref


def test_the_document_passes_the_openapi_validator(document):
    openapi_spec_validator.validate(document)

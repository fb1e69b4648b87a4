"""Audit tests build rounds and versions with the results tests' factories."""
import pytest

from tests.results.conftest import add_response, make_round, make_version  # noqa: F401  (fixtures)


@pytest.fixture
def client(client):
    """The portal in English (it follows the browser; Danish when the browser names no language it has)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client

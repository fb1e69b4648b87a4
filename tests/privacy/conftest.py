"""Privacy tests build rounds, versions and responses with the results tests' factories."""
import pytest

from tests.results.conftest import add_response, make_round, make_version  # noqa: F401  (fixtures)


@pytest.fixture
def client(client):
    """The portal in English (it follows the browser; Danish when the browser names no language it has)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Debian's chromium through Playwright against a live server")

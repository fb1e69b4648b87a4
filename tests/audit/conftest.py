"""Audit tests build rounds and versions with the results tests' factories."""
from tests.results.conftest import add_response, make_round, make_version  # noqa: F401  (fixtures)

"""Writes on the network's own settings. They flush, never commit."""
from __future__ import annotations

from survey.extensions import db
from survey.network.models import Network


class NetworkSettingsError(ValueError):
    """The settings were refused; the message says why."""


def update_network_settings(network: Network, *, k_min: int, share_school_names: bool, driver_min_cases: int) -> None:
    """Change the anonymity and analysis settings. Frozen results keep the settings they were computed with."""
    if k_min < 2:
        raise NetworkSettingsError("the minimum group size must be at least 2")
    if driver_min_cases < 10:
        raise NetworkSettingsError("a school needs at least 10 complete cases for its own structural analysis")
    network.k_min = k_min
    network.share_school_names = share_school_names
    network.driver_min_cases = driver_min_cases
    db.session.flush()

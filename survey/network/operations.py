"""Writes on the network's own settings. They flush, never commit."""
from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select

from survey.extensions import db
from survey.network.models import K_MIN_FLOOR, Network, configured_k_min


class NetworkSettingsError(ValueError):
    """The settings were refused; the message says why."""


_K_MIN_TOO_SMALL = _l("the minimum group size must be at least %(floor)d (METHOD.md, Anonymity: a group of two lets "
                      "each member read the other's answers), not %(k_min)d")


def create_network(name: str, *, k_min: int | None = None, share_school_names: bool = False,
                   admins_read_comments: bool = False) -> Network:
    """A new network. Without `k_min` it takes the app's K_MIN setting (the environment's, 5 unless set)."""
    name = name.strip()
    if not name:
        raise NetworkSettingsError("a network needs a name")
    if db.session.scalar(select(Network.id).where(Network.name == name)) is not None:
        raise NetworkSettingsError(f"network '{name}' already exists")
    if k_min is None:
        k_min = configured_k_min()
        if k_min < K_MIN_FLOOR:
            raise NetworkSettingsError(
                f"K_MIN is {k_min} in the environment: the minimum group size must be at least {K_MIN_FLOOR}"
            )
    elif k_min < K_MIN_FLOOR:
        raise NetworkSettingsError(_K_MIN_TOO_SMALL % {"floor": K_MIN_FLOOR, "k_min": k_min})
    network = Network(name=name, k_min=k_min, share_school_names=share_school_names,
                      admins_read_comments=admins_read_comments)
    db.session.add(network)
    db.session.flush()
    return network


def update_network_settings(network: Network, *, k_min: int, share_school_names: bool, driver_min_cases: int,
                            minimal_difference: float | None = None,
                            admins_read_comments: bool | None = None, admins_read_plans: bool | None = None) -> None:
    """Change the anonymity and analysis settings. Frozen results keep the settings they were computed with.
    `minimal_difference`, `admins_read_comments`, `admins_read_plans` None: unchanged."""
    if k_min < K_MIN_FLOOR:
        raise NetworkSettingsError(_K_MIN_TOO_SMALL % {"floor": K_MIN_FLOOR, "k_min": k_min})
    if driver_min_cases < 10:
        raise NetworkSettingsError(_("a school needs at least 10 complete cases for its own structural analysis"))
    if minimal_difference is not None and not minimal_difference > 0:
        raise NetworkSettingsError(_("the minimal important difference must be above 0 index points"))
    network.k_min = k_min
    if minimal_difference is not None:
        network.minimal_difference = float(minimal_difference)
    network.share_school_names = share_school_names
    network.driver_min_cases = driver_min_cases
    if admins_read_comments is not None:
        network.admins_read_comments = admins_read_comments
    if admins_read_plans is not None:
        network.admins_read_plans = admins_read_plans
    db.session.flush()

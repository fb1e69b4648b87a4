"""`benchlearn network create` and the K_MIN setting: the default minimum group size of new networks."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from survey.extensions import db
from survey.network.models import DEFAULT_K_MIN, Network, configured_k_min
from survey.network.operations import NetworkSettingsError, create_network


def created(name: str) -> Network:
    db.session.expire_all()
    return db.session.scalar(select(Network).where(Network.name == name))


def test_k_min_defaults_to_the_k_min_setting(app, cli, monkeypatch):
    monkeypatch.setitem(app.config, "K_MIN", 8)
    result = cli("network", "create", "Netværket")
    assert result.exit_code == 0, result.output
    assert ("created network 'Netværket' (k_min=8, school names anonymised, comments not read by admins)"
            in result.stdout)
    assert created("Netværket").k_min == 8


def test_k_min_given_on_the_command_line_wins(app, cli, monkeypatch):
    monkeypatch.setitem(app.config, "K_MIN", 8)
    result = cli("network", "create", "Netværket", "--k-min", "3", "--share-names")
    assert result.exit_code == 0, result.output
    assert (created("Netværket").k_min, created("Netværket").share_school_names) == (3, True)


def test_without_k_min_in_the_environment_the_default_is_5(app, cli, monkeypatch):
    monkeypatch.delenv("K_MIN", raising=False)
    from survey.config import Config

    monkeypatch.setitem(app.config, "K_MIN", Config().K_MIN)
    assert cli("network", "create", "Netværket").exit_code == 0
    assert created("Netværket").k_min == DEFAULT_K_MIN == 5


def test_a_k_min_setting_below_3_is_refused_clearly(app, cli, monkeypatch):
    monkeypatch.setitem(app.config, "K_MIN", 2)
    result = cli("network", "create", "Netværket")
    assert result.exit_code == 1
    assert "K_MIN is 2 in the environment: the minimum group size must be at least 3" in result.stderr
    assert created("Netværket") is None
    too_small = cli("network", "create", "Netværket", "--k-min", "2")
    assert too_small.exit_code == 1
    assert "the minimum group size must be at least 3" in too_small.stderr and "not 2" in too_small.stderr
    assert created("Netværket") is None


def test_admins_read_comments_is_off_unless_asked_for(cli):
    assert cli("network", "create", "Netværket").exit_code == 0
    assert created("Netværket").admins_read_comments is False
    result = cli("network", "create", "Åbent", "--admins-read-comments")
    assert result.exit_code == 0 and "comments read by admins" in result.stdout
    assert created("Åbent").admins_read_comments is True


def test_a_network_name_is_taken_once(cli):
    assert cli("network", "create", "Netværket").exit_code == 0
    again = cli("network", "create", "Netværket")
    assert again.exit_code == 1 and "network 'Netværket' already exists" in again.stderr


def test_the_model_default_follows_the_setting_too(app, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "K_MIN", 7)
    network = Network(name="Direkte")
    db_session.add(network)
    db_session.flush()
    assert network.k_min == configured_k_min() == 7
    assert create_network("Via operationen").k_min == 7
    with pytest.raises(NetworkSettingsError, match="at least 3"):
        create_network("For lille", k_min=2)


def test_the_database_has_no_server_default_and_refuses_k_min_below_3(db_session):
    """Each network stores its own k_min: the database keeps no default of its own that could drift from
    K_MIN, and refuses a minimum group size below 3 whatever writes it (METHOD.md v2)."""
    column = next(c for c in sa.inspect(db_session.connection()).get_columns("network") if c["name"] == "k_min")
    assert column["default"] is None and column["nullable"] is False
    for k_min in (None, 1, 2):
        with pytest.raises(sa.exc.IntegrityError), db_session.begin_nested():
            db_session.execute(sa.text("INSERT INTO network (name, k_min, share_school_names, driver_min_cases) "
                                       "VALUES ('Rå', :k_min, false, 100)"), {"k_min": k_min})

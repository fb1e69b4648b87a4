"""The migrations build, on both databases, exactly the schema the models describe, and can be undone."""
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from survey.extensions import db

from .conftest import fresh_database_url, make_app


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_app(request, tmp_path_factory):
    url, drop = fresh_database_url(request.param, tmp_path_factory)
    app = make_app(url)
    yield app
    with app.app_context():
        db.engine.dispose()
    drop()


def schema_differences(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_empty_to_head_matches_the_models(empty_app):
    with empty_app.app_context():
        upgrade()
    assert schema_differences(empty_app) == []


def test_downgrade_to_empty_and_up_again(empty_app):
    with empty_app.app_context():
        upgrade()
        downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
    assert schema_differences(empty_app) == []


def test_users_of_an_existing_database_get_distinct_session_ids(empty_app):
    with empty_app.app_context():
        upgrade(revision="0005")
        with db.engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO network (id, name, k_min, share_school_names, driver_min_cases) "
                                       "VALUES (1, 'N', 5, false, 100)"))
            for n in (1, 2):
                connection.execute(sa.text(
                    "INSERT INTO user_account (email, password_hash, role, network_id, active) "
                    f"VALUES ('u{n}@example.org', 'h', 'network_admin', 1, true)"))
        upgrade(revision="0006d_user_session_id")
        with db.engine.connect() as connection:
            ids = connection.execute(sa.text("SELECT session_id FROM user_account")).scalars().all()
    assert len(set(ids)) == 2 and all(len(session_id) == 32 for session_id in ids)

"""Benchlearn: standardized satisfaction surveys and benchmark reports for networks of schools."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from survey.config import PROJECT_ROOT, Config, check_production_safety, trusted_hosts
from survey.extensions import (
    SessionCookieWhenSent,
    babel,
    csrf,
    db,
    limiter,
    login_manager,
    migrate,
    security_headers,
)
from survey.jobs.backends import runner_name
from survey.urls import IdConverter


def create_app(config: Mapping[str, object] | None = None) -> Flask:
    """Build the app: settings from the environment, then `config` on top. Only wires things together."""
    app = Flask(__name__, instance_path=str(PROJECT_ROOT / "instance"))
    app.config.update(Config().as_mapping())
    if config:
        app.config.update(config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'benchlearn.db'}"
    check_production_safety(app.config)
    runner_name(app.config)  # JOB_RUNNER and the broker settings agree
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    if app.config["TRUSTED_PROXIES"]:
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    _configure_logging(app)
    app.session_interface = SessionCookieWhenSent()
    app.url_map.converters["int"] = IdConverter  # before any route is added

    db.init_app(app)
    from survey.practices.fulltext import include_name

    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True,
                     include_name=include_name)  # autogenerate leaves the full-text index (migration 0021) alone
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    security_headers.init_app(app)
    from survey.portal.language import select_locale

    babel.init_app(app, locale_selector=select_locale)

    from survey import models  # noqa: F401  (registers every table on the metadata)
    from survey.jobs import kinds  # noqa: F401  (registers every background job kind)
    from survey.api import bp as api_bp
    from survey.auth import bp as auth_bp
    from survey.catalog import views_admin as catalog_admin
    from survey.errors import register_error_handlers
    from survey.health import bp as health_bp
    from survey.interchange import views as interchange_views
    from survey.microdata import views as microdata_views
    from survey.network import views_admin as network_admin, views_staff as network_staff
    from survey.network import views_directory as network_directory, views_organiser as network_organiser
    from survey.outcomes import views_admin as outcomes_admin, views_staff as outcomes_staff
    from survey.plans import views_admin as plans_admin, views_staff as plans_staff
    from survey.privacy import views_admin as privacy_admin, views_public as privacy_public
    from survey.practices import views_admin as practices_admin, views_staff as practices_staff
    from survey.audit import views as audit_views
    from survey.accounts import views as accounts_views
    from survey.auth.sso import init_sso
    from survey.invitations import views as invitations_views
    from survey.jobs import views as jobs_views
    from survey.notifications import views as notifications_views
    from survey.partnering import views as partnering_views
    from survey.learning import views_admin as learning_admin
    from survey.reporting import admin_views as reporting_admin
    from survey.portal import language
    from survey.respond import bp as respond_bp
    from survey.results import downloads
    from survey.results.dashboard import views_admin as results_admin, views_staff as results_staff
    from survey.rounds import views_admin as rounds_admin, views_staff as rounds_staff

    app.register_blueprint(respond_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(language.bp)
    app.register_blueprint(invitations_views.public_bp)
    # The portal: each feature's pages for network admins (/admin) and for a school's staff (/school).
    for portal_bp in (network_admin.bp, catalog_admin.bp, interchange_views.bp, rounds_admin.bp, downloads.admin_bp,
                      microdata_views.bp, accounts_views.bp, results_admin.bp, network_staff.bp, rounds_staff.bp,
                      reporting_admin.bp, jobs_views.bp, downloads.staff_bp, results_staff.bp, network_organiser.bp,
                      network_directory.bp, invitations_views.bp, privacy_admin.bp, audit_views.bp,
                      outcomes_admin.bp, outcomes_staff.bp,
                      partnering_views.bp, notifications_views.bp, learning_admin.bp,
                      plans_staff.bp, plans_admin.bp, practices_admin.bp, practices_staff.bp):
        app.register_blueprint(portal_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(health_bp)
    app.register_blueprint(privacy_public.bp)
    register_error_handlers(app)
    init_sso(app)

    from survey.cli import register_commands

    register_commands(app)
    return app


def _configure_logging(app: Flask) -> None:
    app.logger.setLevel(app.config["LOG_LEVEL"])
    logging.getLogger("survey").setLevel(app.config["LOG_LEVEL"])
    if not logging.getLogger().handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@event.listens_for(Engine, "connect")
def _sqlite_behaves_like_a_real_database(dbapi_connection, _record) -> None:
    """SQLite ignores foreign keys unless asked per connection, and Python's driver starts transactions late,
    which breaks SAVEPOINTs; both must behave as on PostgreSQL (SQLAlchemy's documented pysqlite recipe)."""
    if type(dbapi_connection).__module__ == "sqlite3":
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begins_explicitly(connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")

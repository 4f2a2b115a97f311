"""Bangfu Market (帮扶集市): the application factory."""
from __future__ import annotations

import os

from flask import Flask

from shop.config import load_config


def create_app(config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, error pages and CLI. Nothing else."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(load_config(app.instance_path, config))
    os.makedirs(app.instance_path, exist_ok=True)

    _init_extensions(app)
    _register_blueprints(app)

    from shop.cli import register_commands
    from shop.errors import register_error_handlers
    from shop.security import register_security
    from shop.templating import register_template_helpers

    register_error_handlers(app)
    register_commands(app)
    register_template_helpers(app)
    register_security(app)
    _connect_signals()
    return app


def _connect_signals() -> None:
    from shop.orders.signals import connect

    connect()


def _init_extensions(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from shop.accounts.sessions import load_user
    from shop.extensions import babel, csrf, db, login_manager, migrate
    from shop.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = str
    login_manager.user_loader(load_user)
    # Models must be imported for Alembic and relationship strings to see every table.
    from shop import models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from shop.accounts.views import bp as accounts_bp
    from shop.api.staff_views import bp as staff_api_bp
    from shop.api.views import bp as api_bp
    from shop.audit.views import bp as audit_bp
    from shop.catalog.views import bp as catalog_bp
    from shop.cooperatives.portal_views import bp as coop_bp
    from shop.cooperatives.staff_views import bp as staff_cooperatives_bp
    from shop.cooperatives.views import bp as cooperatives_bp
    from shop.health import bp as health_bp
    from shop.i18n import bp as i18n_bp
    from shop.orders.coop_views import bp as coop_orders_bp
    from shop.orders.staff_views import bp as staff_orders_bp
    from shop.orders.views import bp as orders_bp
    from shop.organizations.views import bp as organizations_bp
    from shop.payments.staff_views import bp as staff_payments_bp
    from shop.payments.views import bp as payments_bp
    from shop.reports.public_views import bp as impact_bp
    from shop.reports.views import bp as staff_reports_bp
    from shop.staff import bp as staff_bp

    app.register_blueprint(accounts_bp)
    app.register_blueprint(catalog_bp)
    app.register_blueprint(cooperatives_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(i18n_bp)
    app.register_blueprint(orders_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(staff_orders_bp)
    app.register_blueprint(organizations_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(payments_bp)
    app.register_blueprint(staff_payments_bp)
    app.register_blueprint(staff_reports_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(impact_bp)
    app.register_blueprint(staff_api_bp)
    app.register_blueprint(coop_bp)
    app.register_blueprint(coop_orders_bp)
    app.register_blueprint(staff_cooperatives_bp)

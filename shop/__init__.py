"""Bangfu Market (帮扶集市): the application factory.

Everything the shop hooks into Flask, SQLAlchemy or the mail outbox is registered here, explicitly; importing a
module never registers anything as a side effect.
"""
from __future__ import annotations

import os

from flask import Blueprint, Flask

from shop.config import load_config


def create_app(config: dict | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, limits, listeners, mail, errors, security, CLI, page cache."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(load_config(app.instance_path, config))
    os.makedirs(app.instance_path, exist_ok=True)

    from shop.cli import register_commands
    from shop.web.errors import register_error_handlers
    from shop.web.ratelimits import register_rate_limits
    from shop.web.routing import register_converters
    from shop.web.security import register_security
    from shop.web.templating import register_template_helpers

    _init_extensions(app)
    register_converters(app)  # before the blueprints: their rules are compiled with it
    _register_blueprints(app)
    _register_back_office(app)
    register_rate_limits(app)  # after the blueprints: it wraps their views
    _register_listeners(app)
    _register_messages(app)
    _register_event_labels(app)

    register_error_handlers(app)
    register_commands(app)
    register_template_helpers(app)
    register_security(app)
    _register_page_cache(app)
    return app


def _init_extensions(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from shop.accounts.sessions import load_user
    from shop.core import storage
    from shop.extensions import babel, csrf, db, login_manager, migrate
    from shop.web.i18n import select_locale

    db.init_app(app)
    storage.init_app(app)
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


def _blueprints() -> list[tuple[str, Blueprint, str]]:
    """Every page: (audience, blueprint, URL prefix); families /staff, /coop, /org prefix `<family>.<package>.*`."""
    return _public_blueprints() + _family_blueprints()


def _public_blueprints() -> list[tuple[str, Blueprint, str]]:
    """The storefront, buyers' pages and the API."""
    from shop.accounts import views as accounts
    from shop.api import views as api
    from shop.catalog import views as catalog
    from shop.cooperatives import views as cooperatives
    from shop.invoices import views as invoices
    from shop.orders import views as orders
    from shop.organizations import views as organizations
    from shop.payments import views as payments
    from shop.privacy import views as privacy
    from shop.regions import views as regions
    from shop.reports import views as reports
    from shop.web import views as web
    return [
        ("public", web.bp, ""),  # /healthz, /ping, /language, /about, /agreement, /privacy
        ("public", catalog.bp, ""),  # /, /products, /counties
        ("public", cooperatives.bp, ""),  # /cooperatives/<id>
        ("public", organizations.bp, ""),  # /organizations/apply
        ("public", regions.bp, ""),  # /regions/<code>/children
        ("public", orders.bp, ""),  # /cart, /checkout, /orders
        ("public", payments.bp, ""),  # /orders/<number>/pay, /payments/stripe/webhook
        ("public", invoices.bp, ""),  # /orders/<number>/invoices/<cooperative id>
        ("public", reports.bp, ""),  # /impact, /orders/<number>/certificate, /verify/<code>
        ("public", accounts.bp, "/account"),
        ("public", privacy.bp, "/account"),  # /account/data, /account/close
        ("public", api.bp, "/api/v1"),
    ]


def _family_blueprints() -> list[tuple[str, Blueprint, str]]:
    """A cooperative's portal (/coop), an organization's pages (/org) and the staff's (/staff)."""
    from shop.api import staff_views as staff_api
    from shop.audit import staff_views as staff_audit
    from shop.catalog import portal_views as coop_catalog
    from shop.catalog import staff_views as staff_catalog
    from shop.cooperatives import portal_views as coop_cooperatives
    from shop.cooperatives import staff_views as staff_cooperatives
    from shop.invoices import portal_views as portal_invoices
    from shop.invoices import staff_views as staff_invoices
    from shop.orders import portal_views as coop_orders
    from shop.orders import staff_views as staff_orders
    from shop.organizations import portal_views as org_organizations
    from shop.organizations import staff_views as staff_organizations
    from shop.payments import staff_views as staff_payments
    from shop.reports import portal_views as org_reports
    from shop.reports import staff_views as staff_reports
    from shop.web import staff_views as staff_web

    return [
        ("coop", coop_cooperatives.bp, ""),  # /coop/, /coop/apply
        ("coop", coop_catalog.bp, ""),  # /coop/products, /coop/import
        ("coop", coop_orders.bp, "/orders"),
        ("coop", portal_invoices.bp, "/invoices"),  # /coop/invoices
        ("org", org_organizations.bp, ""),  # /org/, /org/<id>/..., /org/invitations/<token>
        ("org", org_reports.bp, ""),  # /org/<id>/certificates
        ("org", portal_invoices.org_bp, ""),  # /org/<id>/invoices
        ("org", coop_orders.gifts_bp, ""),  # /org/<id>/gifts
        ("staff", staff_web.bp, ""),  # /staff/
        ("staff", staff_cooperatives.bp, "/cooperatives"),
        ("staff", staff_organizations.bp, "/organizations"),
        ("staff", staff_orders.bp, "/orders"),
        ("staff", staff_payments.bp, "/payments"),
        ("staff", staff_invoices.bp, "/invoices"),
        ("staff", staff_reports.bp, "/tallies"),
        ("staff", staff_reports.pledges_bp, "/pledges"),
        ("staff", staff_audit.bp, "/audit"),
        ("staff", staff_api.bp, "/api-tokens"),
        ("staff", staff_catalog.bp, "/home-page"),  # banner slides and picked sections
    ]


AUDIENCES = {"coop": "/coop", "org": "/org", "staff": "/staff"}


def _register_blueprints(app: Flask) -> None:
    # The family blueprints are made per app: a blueprint cannot take new children once registered.
    families = {name: Blueprint(name, __name__, url_prefix=prefix) for name, prefix in AUDIENCES.items()}
    for audience, blueprint, prefix in _blueprints():
        if audience == "public":
            app.register_blueprint(blueprint, url_prefix=prefix or None)
        else:
            families[audience].register_blueprint(blueprint, url_prefix=prefix or None)
    for family in families.values():
        app.register_blueprint(family)


def _register_back_office(app: Flask) -> None:
    """The back-office layout's families (staff, cooperative portal) and their side navigation tables."""
    from shop.cooperatives import portal_views as coop_cooperatives
    from shop.web import staff_views as staff_web
    from shop.web.backoffice import register_back_office

    register_back_office(app, [staff_web.NAV, coop_cooperatives.NAV])


def _register_listeners(app: Flask) -> None:
    from shop.catalog import search, versions
    from shop.core import database
    from shop.extensions import db
    from shop.orders import signals
    from shop.reports import rollup

    with app.app_context():
        for engine in db.engines.values():
            database.configure_engine(engine)
    database.refuse_stray_writes()
    search.listen()
    versions.listen()
    rollup.listen()
    signals.connect()


def _register_page_cache(app: Flask) -> None:
    from shop.catalog.versions import read_committed_version
    from shop.config import VERSION_BIND
    from shop.core.database import read_without_transaction
    from shop.extensions import db
    from shop.web.pagecache import register_page_cache

    register_page_cache(app, lambda: read_committed_version(db.engines[VERSION_BIND]),
                        lambda: read_without_transaction(db.session))


def _register_messages(app: Flask) -> None:
    from shop.core.outbox import register_messages
    from shop.orders import emails
    from shop.organizations import emails as organization_emails
    from shop.payments import alerts

    register_messages(app, emails.MESSAGES)
    register_messages(app, alerts.MESSAGES)
    register_messages(app, organization_emails.MESSAGES)


def _register_event_labels(app: Flask) -> None:
    from shop.orders import models as orders
    from shop.payments import models as payments

    orders.register_event_labels(app, orders.EVENT_LABELS)
    orders.register_event_labels(app, payments.EVENT_LABELS)

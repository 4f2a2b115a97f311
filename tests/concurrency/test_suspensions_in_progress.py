"""A staff decision that is being written while a cooperative changes a listing, or while a member orders for an
organization: the change waits for the decision and then respects it (real threads, both databases)."""
from __future__ import annotations

import secrets
import threading
import time

import pytest
from sqlalchemy import func, select, update

from shop.catalog.listings import adjust_stock
from shop.catalog.models import Product
from shop.cooperatives.exceptions import NotSelling
from shop.cooperatives.models import Cooperative, VerificationStatus
from shop.extensions import db
from shop.orders.checkout import place_order
from shop.orders.exceptions import OrganizationSuspended
from shop.orders.models import Order
from shop.organizations.models import Organization
from tests.factories import add_to_organization, make_organization, make_product, make_user
from tests.order_factories import ADDRESS, fill_cart

HOLD_SECONDS = 0.5


def decision_in_progress(app, statement) -> tuple[threading.Thread, threading.Event]:
    """Start writing `statement` in another thread and hold its transaction open for HOLD_SECONDS before committing,
    as a staff decision does while it writes its audit entry."""
    written = threading.Event()

    def run():
        with app.app_context():
            with db.engine.begin() as connection:
                connection.execute(statement)
                written.set()
                time.sleep(HOLD_SECONDS)

    thread = threading.Thread(target=run)
    thread.start()
    assert written.wait(30)
    return thread


def test_a_stock_change_waits_for_a_suspension_being_written(app):
    with app.app_context():
        product = make_product(stock=20)
        product_id, cooperative_id = product.id, product.cooperative_id
    thread = decision_in_progress(app, update(Cooperative).where(Cooperative.id == cooperative_id)
                                  .values(status=VerificationStatus.SUSPENDED))
    with app.app_context():
        with pytest.raises(NotSelling):
            adjust_stock(db.session.get(Cooperative, cooperative_id), product_id, 5)
        db.session.remove()
    thread.join(30)
    with app.app_context():
        assert db.session.scalar(select(Product.stock).where(Product.id == product_id)) == 20


def test_an_order_waits_for_the_organizations_suspension_being_written(app):
    with app.app_context():
        member = make_user()
        organization = make_organization(name="湖州市总工会", kind="union")
        add_to_organization(member, organization)
        product = make_product(stock=10)
        fill_cart(member.id, (product, 1))
        member_id, organization_id, product_id = member.id, organization.id, product.id
    thread = decision_in_progress(app, update(Organization).where(Organization.id == organization_id)
                                  .values(is_active=False))
    with app.app_context():
        with pytest.raises(OrganizationSuspended):
            place_order(member_id, ADDRESS, secrets.token_hex(8), organization_id=organization_id)
        db.session.remove()
    thread.join(30)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Order)) == 0
        assert db.session.scalar(select(Product.stock).where(Product.id == product_id)) == 10

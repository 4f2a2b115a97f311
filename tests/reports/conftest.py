"""A random but reproducible ledger: orders across counties, buyers and dates, with unpaid and cancelled
orders, partial refunds in later months, and products edited or archived after they were sold."""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import pytest

from shop.catalog.models import Product
from shop.extensions import db
from shop.orders import lifecycle
from shop.orders.models import Order
from shop.payments.models import Method, Payment
from shop.payments.refunds import refund_order
from shop.regions.models import PairingKind
from tests.factories import (
    add_to_organization,
    make_category,
    make_cooperative,
    make_organization,
    make_pairing,
    make_product,
    make_user,
)
from tests.order_factories import make_order

COUNTIES = ["652929", "522633", "522632", "522324", "513334"]


@dataclass
class Ledger:
    paid: list[str] = field(default_factory=list)
    unpaid: list[str] = field(default_factory=list)
    staff_id: int = 0
    organization_ids: list[int] = field(default_factory=list)
    cooperative_ids: list[int] = field(default_factory=list)
    category_ids: list[int] = field(default_factory=list)


def _utc(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


@pytest.fixture
def ledger(app, built_once) -> Ledger:
    """The same ledger for every test that asks (seeded random, fixed dates), built once per test session and
    put back in the database for each such test."""
    return built_once("reports.ledger", lambda: _build_ledger(app))


def _build_ledger(app) -> Ledger:
    rng = random.Random(20261127)
    result = Ledger()
    with app.app_context():
        make_pairing(helper="330500", recipient="652929", starts_on=date(2010, 7, 1))
        make_pairing(helper="330000", recipient="652929", starts_on=date(2017, 1, 1))  # two helpers: overlap
        make_pairing(helper="330100", recipient="522633", kind=PairingKind.EAST_WEST, starts_on=date(2013, 1, 1),
                     ends_on=date(2026, 3, 31))  # ends in the middle of the period
        make_pairing(helper="330100", recipient="522632", kind=PairingKind.EAST_WEST, starts_on=date(2013, 1, 1))
        make_pairing(helper="330282", recipient="522324", kind=PairingKind.EAST_WEST, starts_on=date(2016, 1, 1))
        make_pairing(helper="330114", recipient="513334", kind=PairingKind.COUNTERPART_SUPPORT,
                     starts_on=date(2026, 2, 1))
        nuts, meat = make_category("nuts", "干果坚果", "Nuts"), make_category("meat", "肉禽蛋品", "Meat")
        result.category_ids = [nuts.id, meat.id]
        products = []
        for county in COUNTIES:
            coop = make_cooperative(county)
            result.cooperative_ids.append(coop.id)
            for category in (nuts, meat):
                products.append(make_product(coop, category, price_fen=rng.choice([990, 4580, 12800, 33333]),
                                             net_weight_g=rng.choice([250, 500, 1000, 2500]), stock=10_000))
        staff = make_user(is_staff=True)
        result.staff_id = staff.id
        buyers = [make_user() for _ in range(6)]
        organizations = []
        for kind in ("budget_unit", "union", "company"):
            organization = make_organization(kind=kind, region=rng.choice(["330500", "330100", "330200"]))
            member = make_user()
            add_to_organization(member, organization)
            organizations.append((organization.id, member))
        result.organization_ids = [org_id for org_id, _ in organizations]
        for n in range(40):
            placed = _utc(2026, 1, 1) + timedelta(hours=rng.randrange(0, 24 * 180))
            if n % 7 == 0:
                placed = _utc(2026, 3, 31, 16, 10)  # 00:10 on 1 April in China: counts in April
            items = [(product, rng.randint(1, 4)) for product in rng.sample(products, rng.randint(1, 3))]
            if rng.random() < 0.4:
                org_id, member = rng.choice(organizations)
                order = make_order(member, *items, organization_id=org_id, now=placed)
            else:
                order = make_order(rng.choice(buyers), *items, now=placed)
            fate = rng.random()
            if fate < 0.12:
                result.unpaid.append(order.number)
                continue
            if fate < 0.2:
                lifecycle.cancel_order(order.id, order.user_id, "不要了", now=placed + timedelta(minutes=5))
                result.unpaid.append(order.number)
                continue
            paid = placed + timedelta(minutes=rng.randint(1, 29))
            db.session.add(Payment(order_id=order.id, method=Method.BANK_TRANSFER, amount_fen=order.total_fen,
                                   reference=f"TEST{n:04d}", received_at=paid))
            db.session.commit()
            lifecycle.mark_paid(order.id, now=paid)
            result.paid.append(order.number)
            if rng.random() < 0.35:
                order = db.session.get(Order, order.id)
                line = rng.choice(order.lines)
                refund_order(order.id, {line.id: rng.randint(1, line.quantity)}, reason="破损",
                             restock=rng.random() < 0.5, actor_id=staff.id, request_token=secrets.token_hex(16),
                             now=paid + timedelta(days=rng.randint(3, 60)))
        # After the sales: products change county, category, price and name, or are archived.
        for product in db.session.query(Product).all():
            product.price_fen += 100
            product.name = product.name + "（新版）"
            if product.id % 3 == 0:
                product.origin_county_code = "522633"
                product.category_id = meat.id
            if product.id % 4 == 0:
                product.is_active = False
        db.session.commit()
    return result

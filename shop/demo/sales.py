"""Demo sales, so that the impact board and the staff tallies have something to show on `make run`.

Orders go through the real checkout and payment steps (stock is taken, orders are numbered and paid),
spread over this year and weighted so that some paired counties sell much more than others. Buyers
are demo accounts with mobile numbers only (no mail is sent) and passwords nobody knows.
"""
from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from shop.accounts.models import OrganizationRole, User
from shop.catalog.models import Product
from shop.core import credit_code
from shop.core.timezones import CHINA_TZ
from shop.demo.pledges import ADDRESSES as ORGANIZATION_ADDRESSES
from shop.demo.pledges import DEMO_PURCHASES
from shop.demo.seed import DEMO_ORGANIZATIONS, demo_member_email
from shop.extensions import db
from shop.orders import cart as carts
from shop.orders import lifecycle
from shop.orders.checkout import DeliveryAddress, place_order
from shop.orders.models import Order
from shop.organizations.models import Organization

DEMO_MOBILE_PREFIX = "1990000"
# How much more often products from these counties are bought (the rest weigh 1).
COUNTY_WEIGHTS = {"652929": 6, "522633": 4, "522632": 3, "522627": 2}
ADDRESSES = [("浙江省", "湖州市", "吴兴区", "区府路 1 号"), ("浙江省", "杭州市", "西湖区", "文三路 90 号"),
             ("浙江省", "宁波市", "鄞州区", "天童南路 588 号")]


def seed_demo_sales(count: int, seed: int = 2026) -> int:
    """Place and pay `count` demo orders, once: nothing happens when demo buyers have ordered already."""
    if count <= 0:
        return 0
    demo_buyers = select(User.id).where(User.mobile.like(f"{DEMO_MOBILE_PREFIX}%"))
    if db.session.scalar(select(Order.id).where(Order.user_id.in_(demo_buyers)).limit(1)) is not None:
        return 0
    rng = random.Random(seed)
    buyers = _buyers(12)
    products = list(db.session.scalars(select(Product).where(Product.is_active.is_(True), Product.stock > 20)
                                       .order_by(Product.id)))
    if not products:
        return 0
    weights = [COUNTY_WEIGHTS.get(product.origin_county_code, 1) for product in products]
    now = datetime.now(timezone.utc)
    start_of_year = datetime(now.astimezone(CHINA_TZ).year, 1, 1, tzinfo=CHINA_TZ).astimezone(timezone.utc)
    span = max(int((now - start_of_year).total_seconds()) - 3600, 3600)
    placed = 0
    for _ in range(count):
        buyer = rng.choice(buyers)
        when = start_of_year + timedelta(seconds=rng.randrange(span))
        for product in {p.id: p for p in rng.choices(products, weights, k=rng.randint(1, 3))}.values():
            carts.add_to_cart(carts.CartOwner(user_id=buyer.id), product.id, rng.randint(1, 3))
        province, city, district, street = rng.choice(ADDRESSES)
        if buyer.mobile is None:  # never: _buyers() finds them by their mobile number
            raise RuntimeError(f"demo buyer {buyer.id} has no mobile number")
        address = DeliveryAddress(recipient=buyer.name, mobile=buyer.mobile, province=province, city=city,
                                  district=district, street=street)
        order = place_order(buyer.id, address, secrets.token_urlsafe(16), now=when)
        lifecycle.mark_paid(order.id, now=when + timedelta(minutes=rng.randint(1, 20)))
        placed += 1
    return placed


def _buyers(count: int) -> list[User]:
    buyers = []
    for n in range(count):
        mobile = f"{DEMO_MOBILE_PREFIX}{n:04d}"
        user = db.session.scalar(select(User).where(User.mobile == mobile))
        if user is None:
            user = User(mobile=mobile, name=f"演示买家{n + 1}")
            user.set_password(secrets.token_urlsafe(24))
            db.session.add(user)
        buyers.append(user)
    db.session.commit()
    return buyers


def seed_demo_organization_orders() -> int:
    """A few paid orders placed for each demo organization by its purchaser this year (DEMO_PURCHASES), for its
    pledge; an organization that has any order already gets none."""
    placed = 0
    start = datetime(datetime.now(CHINA_TZ).year, 1, 1, 9, tzinfo=CHINA_TZ).astimezone(timezone.utc)
    latest = datetime.now(timezone.utc) - timedelta(hours=1)
    for key, _name, _kind, _region, first17 in DEMO_ORGANIZATIONS:
        organization = db.session.scalar(select(Organization).where(
            Organization.credit_code == credit_code.complete(first17)))
        purchaser = db.session.scalar(select(User).where(
            User.email == demo_member_email(key, OrganizationRole.PURCHASER)))
        if organization is None or purchaser is None or db.session.scalar(
                select(Order.id).where(Order.organization_id == organization.id).limit(1)) is not None:
            continue
        province, city, district, street = ORGANIZATION_ADDRESSES[key]
        address = DeliveryAddress(recipient=purchaser.name, mobile="13900000000", province=province, city=city,
                                  district=district, street=street)
        for org_key, sku, quantity, days in DEMO_PURCHASES:
            product = db.session.scalar(select(Product).where(Product.sku == sku))
            when = start + timedelta(days=days)
            if org_key != key or product is None or product.stock < quantity or when > latest:
                continue  # early in January the later purchases have not happened yet
            carts.add_to_cart(carts.CartOwner(user_id=purchaser.id), product.id, quantity)
            order = place_order(purchaser.id, address, secrets.token_urlsafe(16), organization_id=organization.id,
                                now=when)
            lifecycle.mark_paid(order.id, now=when + timedelta(minutes=10))
            placed += 1
    return placed

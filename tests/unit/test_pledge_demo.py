"""The demo organizations get pledges tied to paired counties and a few paid orders for them, once."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from shop.core.timezones import CHINA_TZ, today_in_china
from shop.demo.pledges import DEMO_PURCHASES
from shop.demo.sales import seed_demo_organization_orders
from shop.demo.seed import seed_demo
from shop.extensions import db
from shop.orders.models import Order, OrderStatus
from shop.organizations.models import Organization, Pledge
from shop.organizations.pledges import paired_counties
from shop.reports.impact import impact_board
from shop.reports.pledges import progress


def _due_purchases() -> int:
    start = datetime(datetime.now(CHINA_TZ).year, 1, 1, 9, tzinfo=CHINA_TZ).astimezone(timezone.utc)
    latest = datetime.now(timezone.utc) - timedelta(hours=1)
    return sum(1 for _key, _sku, _quantity, days in DEMO_PURCHASES if start + timedelta(days=days) <= latest)


@pytest.mark.usefixtures("seed_demo_once_encoded")
def test_demo_pledges_and_organization_orders(app_ctx):
    seed_demo()
    seed_demo()
    year = today_in_china().year
    pledges = db.session.scalars(select(Pledge).where(Pledge.year == year)).all()
    assert len(pledges) == 2
    paired = {region.code for region in paired_counties(year)}
    assert all(pledge.county_codes and set(pledge.county_codes) <= paired for pledge in pledges)
    czj = db.session.scalar(select(Organization).where(Organization.name == "宁波市海曙区财政局"))
    assert next(p for p in pledges if p.organization_id == czj.id).target_fen == 20_000_000  # ¥2,000,000 × 10 %

    assert seed_demo_organization_orders() == _due_purchases()
    assert seed_demo_organization_orders() == 0  # once
    orders = db.session.scalars(select(Order).where(Order.organization_id.is_not(None))).all()
    assert orders and all(order.status == OrderStatus.PAID for order in orders)
    assert db.session.scalar(select(func.count()).select_from(Order).where(Order.organization_id.is_(None))) == 0
    for pledge in pledges:
        result = progress(pledge.organization_id, year)
        assert result.total_fen == sum(o.goods_fen for o in orders if o.organization_id == pledge.organization_id)
    board = impact_board()
    assert board.pledged_fen == sum(pledge.target_fen for pledge in pledges)

"""Gift orders without HTTP: the cell checks, the region table, a file of 2,000 recipients placed as one order,
shipping per recipient, and the migration keeping shipped orders intact both ways."""
from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select

from shop.catalog.importing.columns import CellError
from shop.catalog.importing.reading import read_table
from shop.catalog.models import Product
from shop.extensions import db
from shop.orders import lifecycle
from shop.orders.gifts import columns, services
from shop.orders.gifts.places import Places
from shop.orders.models import Order, OrderLine, OrderRecipient, OrderStatus, Shipment, gift_lines
from tests.factories import (
    add_to_organization,
    make_category,
    make_cooperative,
    make_organization,
    make_product,
    make_user,
)
from tests.functional.test_gift_orders import csv_file, places, row
from tests.order_factories import make_order


@pytest.mark.parametrize("text, expected", [("13800138000", "13800138000"), ("138 0013 8000", "13800138000"),
                                            ("138-0013-8000", "13800138000")])
def test_mobile_numbers_forgive_spaces_and_dashes(text, expected):
    assert columns.mobile(text) == expected


@pytest.mark.parametrize("text", ["1380013800", "138001380001", "23800138000", "+8613800138000", "1380013800x"])
def test_mobile_numbers_must_be_11_mainland_digits(app_ctx, text):
    with pytest.raises(CellError):
        columns.mobile(text)


@pytest.mark.parametrize("text, expected", [("1", 1), ("9999", 9999), ("12.0", 12), ("1,000", 1000)])
def test_quantities(text, expected):
    assert columns.quantity(text) == expected


@pytest.mark.parametrize("text", ["0", "-1", "10000", "1000000000", "1e9", "1.5", "", "十"])
def test_absurd_quantities_are_refused(app_ctx, text):
    with pytest.raises(CellError):
        columns.quantity(text)


def test_municipalities_may_repeat_their_name_as_the_city(app_ctx):
    places()
    table = Places()
    beijing = table.province("北京市")
    for city in ("北京市", "市辖区"):
        assert table.district(table.cities(beijing, "北京市", city), city, "东城区") == "110101"
    zhejiang = table.province("浙江省")
    assert table.district(table.cities(zhejiang, "浙江省", "湖州市"), "湖州市", "南浔区") == "330503"
    for province, city in (("浙江省", "浙江省"), ("浙江省", "市辖区")):
        with pytest.raises(CellError):
            table.cities(zhejiang, province, city)
    with pytest.raises(CellError):
        table.province("浙江")


def buyer_and_products():
    """A purchaser of a verified organization and two products of two cooperatives."""
    places()
    organization_user = make_user(email="buyer@gift.example.cn")
    organization = make_organization(name="湖州市总工会", kind="union")
    add_to_organization(organization_user, organization)
    category = make_category()
    jujube = make_product(make_cooperative("652929"), category, sku="KP-1", price_fen=3990, stock=5000)
    bacon = make_product(make_cooperative("522633"), category, sku="CJ-1", price_fen=8800, stock=5000)
    return organization_user.id, organization.id, jujube.id, bacon.id


def test_2000_recipients_become_one_order_with_a_parcel_each(app_ctx):
    user_id, organization_id, jujube, bacon = buyer_and_products()
    rows = []
    for n in range(2000):
        rows.append(row(name=f"员工{n}", mobile=f"139{n:08d}", sku="KP-1", quantity=1 + n % 3))
        if n % 4 == 0:
            rows.append(row(name=f"员工{n}", mobile=f"139{n:08d}", sku="CJ-1", quantity=2))
    upload = services.start_gifts(organization_id, user_id, "2000.csv", csv_file(*rows))
    plan = services.preview_gifts(upload)
    assert plan.ok and len(plan.recipients) == 2000
    jujube_units = sum(1 + n % 3 for n in range(2000))
    assert plan.totals == {jujube: jujube_units, bacon: 1000}
    order = services.confirm_gifts(organization_id, upload.id, user_id, plan.total_fen)
    assert order.is_gift and order.item_count == jujube_units + 1000
    assert order.total_fen == jujube_units * 3990 + 1000 * 8800
    counts = [db.session.scalar(select(func.count()).select_from(table))
              for table in (Order, OrderRecipient, OrderLine, gift_lines)]
    assert counts == [1, 2000, 2500, 2500]
    assert db.session.get(Product, jujube, populate_existing=True).stock == 5000 - jujube_units
    assert db.session.get(Product, bacon, populate_existing=True).stock == 4000
    # Each line belongs to the recipient on its row, with that row's quantity.
    by_name = {name: quantity for name, quantity in db.session.execute(
        select(OrderRecipient.recipient, OrderLine.quantity)
        .join(gift_lines, gift_lines.c.recipient_id == OrderRecipient.id)
        .join(OrderLine, OrderLine.id == gift_lines.c.order_line_id).where(OrderLine.product_id == jujube))}
    assert by_name == {f"员工{n}": 1 + n % 3 for n in range(2000)}
    lifecycle.mark_paid(order.id)
    first = db.session.scalar(select(OrderRecipient).where(OrderRecipient.recipient == "员工0"))
    shipment = lifecycle.ship(order.id, order.lines[0].cooperative_id, "顺丰", "SF0", None, recipient_id=first.id)
    shipped = db.session.scalars(select(OrderLine).where(OrderLine.shipment_id == shipment.id)).all()
    assert [(line.product_id, line.quantity) for line in shipped] == [(jujube, 1)]
    assert lifecycle.load_order(order.id).status == OrderStatus.PAID  # 1,999 recipients still wait


def test_a_file_that_cannot_be_read_keeps_nothing(app_ctx):
    from shop.catalog.importing.exceptions import ImportRejected
    user_id, organization_id, _jujube, _bacon = buyer_and_products()
    with pytest.raises(ImportRejected):
        services.start_gifts(organization_id, user_id, "x.csv", "收件人,手机号\n".encode())
    assert read_table(csv_file(row()))[0][0] == "收件人"


def test_ordinary_orders_ship_and_migrate_both_ways_with_their_shipments(app_ctx):
    """Migration 0015 rebuilds shipments on SQLite: shipped orders, their lines' shipment ids and refunds stay."""
    user = make_user()
    first = make_product(make_cooperative("652929"), stock=5)
    second = make_product(make_cooperative("522633"), stock=5)
    order = make_order(user, (first, 1), (second, 2))
    lifecycle.mark_paid(order.id)
    lifecycle.ship(order.id, first.cooperative_id, "顺丰", "SF1", None)
    with pytest.raises(Exception):
        lifecycle.ship(order.id, first.cooperative_id, "顺丰", "SF1", None, recipient_id=1)
    before = sorted(db.session.execute(select(OrderLine.id, OrderLine.shipment_id)).all())
    order_id, second_cooperative = order.id, second.cooperative_id
    db.session.remove()
    downgrade(revision="0011")
    upgrade()
    assert sorted(db.session.execute(select(OrderLine.id, OrderLine.shipment_id)).all()) == before
    assert db.session.scalar(select(func.count()).select_from(Shipment)) == 1
    lifecycle.ship(order_id, second_cooperative, "邮政", "EMS2", None)
    assert lifecycle.load_order(order_id).status == OrderStatus.SHIPPED

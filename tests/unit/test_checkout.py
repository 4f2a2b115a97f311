"""place_order: prices from the database, stock taken safely, lines snapshotted, all or nothing."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event, func, select

from shop.catalog.models import Product
from shop.cooperatives.models import VerificationStatus
from shop.core.outbox import QueuedMail
from shop.extensions import db
from shop.orders import cart as carts
from shop.orders.checkout import place_order, saved_addresses
from shop.orders.exceptions import EmptyCart, NotAMember, OutOfStock, PriceChanged
from shop.orders.models import BuyerClass, Order, OrderEvent, OrderLine, OrderStatus
from tests.factories import add_to_organization, make_cooperative, make_organization, make_product, make_user
from tests.order_factories import ADDRESS, fill_cart, make_order

pytestmark = pytest.mark.usefixtures("app_ctx")


def stock(product_id):
    return db.session.scalar(select(Product.stock).where(Product.id == product_id))


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_an_order_snapshots_its_lines_and_takes_stock():
    user = make_user()
    keping = make_cooperative("652929", name="柯坪合作社")
    congjiang = make_cooperative("522633", name="从江合作社")
    jujube = make_product(keping, name="新疆柯坪红枣", spec="1 kg/袋", price_fen=4580, stock=10, net_weight_g=1000)
    bacon = make_product(congjiang, name="从江香猪腊肉", spec="500 g/袋", price_fen=8800, stock=3, net_weight_g=500)
    now = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)
    order = make_order(user, (jujube, 2), (bacon, 3), now=now, payment_minutes=30)

    assert re.fullmatch(r"BF20261127-\d{6}", order.number)
    assert order.status == OrderStatus.PENDING_PAYMENT and order.buyer_class == BuyerClass.PUBLIC
    assert order.total_fen == 2 * 4580 + 3 * 8800 and order.item_count == 5
    assert order.expires_at == now + timedelta(minutes=30)
    assert (order.recipient, order.mobile, order.city) == ("张三", "13800138000", "湖州市")
    assert (stock(jujube.id), stock(bacon.id)) == (8, 0)
    lines = {line.product_name: line for line in order.lines}
    line = lines["新疆柯坪红枣"]
    assert (line.spec, line.unit_price_fen, line.quantity, line.line_total_fen, line.net_weight_g) == \
        ("1 kg/袋", 4580, 2, 9160, 1000)
    assert (line.cooperative_id, line.cooperative_name) == (keping.id, "柯坪合作社")
    assert (line.origin_county_code, line.origin_county_name) == ("652929", "柯坪县")
    assert lines["从江香猪腊肉"].origin_county_code == "522633"
    assert [e.to_status for e in order.events] == [OrderStatus.PENDING_PAYMENT]
    assert carts.cart_rows(carts.CartOwner(user_id=user.id)) == []
    assert [a.street for a in saved_addresses(user.id)] == [ADDRESS.street]


def test_snapshots_survive_later_product_edits():
    user = make_user()
    product = make_product(name="旧名", price_fen=1000, stock=5)
    order = make_order(user, (product, 1))
    product.name, product.price_fen, product.is_active = "新名", 2000, False
    db.session.commit()
    db.session.expire_all()
    line = db.session.get(Order, order.id).lines[0]
    assert (line.product_name, line.unit_price_fen) == ("旧名", 1000)


def test_order_numbers_count_up_per_day():
    user = make_user()
    product = make_product(stock=10)
    day = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)
    first = make_order(user, (product, 1), now=day)
    second = make_order(user, (product, 1), now=day + timedelta(hours=1))
    next_day = make_order(user, (product, 1), now=day + timedelta(days=1))
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1
    assert next_day.number == "BF20261128-000001"


def test_china_date_is_used_for_the_number():
    user = make_user()
    product = make_product(stock=10)
    late_utc = datetime(2026, 11, 27, 17, 30, tzinfo=timezone.utc)  # 01:30 on the 28th in Beijing
    assert make_order(user, (product, 1), now=late_utc).number.startswith("BF20261128-")


def test_same_checkout_token_gives_the_same_order():
    user = make_user()
    product = make_product(stock=10)
    fill_cart(user.id, (product, 2))
    first = place_order(user.id, ADDRESS, "token-aaaaaaaaaaaaaaaa")
    fill_cart(user.id, (product, 2))
    again = place_order(user.id, ADDRESS, "token-aaaaaaaaaaaaaaaa")
    assert again.id == first.id and count(Order) == 1 and stock(product.id) == 8


def test_a_resubmitted_form_gives_its_order_whatever_became_of_the_cart():
    """A form already placed is answered with its order, looked up once the attempt fails: its cart now empty,
    its cart refilled with a product since sold out, or with one whose price changed since; nothing is taken."""
    user = make_user()
    product = make_product(price_fen=1000, stock=3)
    fill_cart(user.id, (product, 2))
    first = place_order(user.id, ADDRESS, "token-hhhhhhhhhhhhhhhh", expected_total_fen=2000)
    assert place_order(user.id, ADDRESS, "token-hhhhhhhhhhhhhhhh", expected_total_fen=2000).id == first.id  # empty
    fill_cart(user.id, (product, 1))
    product.stock = 0
    db.session.commit()
    assert place_order(user.id, ADDRESS, "token-hhhhhhhhhhhhhhhh", expected_total_fen=2000).id == first.id
    product.stock, product.price_fen = 5, 1500
    db.session.commit()
    assert place_order(user.id, ADDRESS, "token-hhhhhhhhhhhhhhhh", expected_total_fen=2000).id == first.id
    assert count(Order) == 1 and stock(product.id) == 5
    assert [row.line.quantity for row in carts.cart_rows(carts.CartOwner(user_id=user.id))] == [1]
    with pytest.raises(PriceChanged):  # a new form with that cart is still told
        place_order(user.id, ADDRESS, "token-iiiiiiiiiiiiiiii", expected_total_fen=1000)


def test_the_placed_order_is_as_its_row_reads_and_costs_no_read_back(app):
    """The order is inserted as a plain row and made persistent in the session as given: every column equals what
    a fresh read finds, with no statement to read it back; its first event's kind and params are SQL NULL."""
    user = make_user()
    product = make_product(price_fen=1000, stock=3)
    fill_cart(user.id, (product, 2))
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        order = place_order(user.id, ADDRESS, "token-jjjjjjjjjjjjjjjj")
        placed = {column.key: getattr(order, column.key) for column in Order.__table__.columns}
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert not [s for s in statements if s.lstrip().startswith("SELECT orders.")]
    assert order in db.session and not db.session.is_modified(order)
    db.session.expire_all()
    assert placed == {column.key: getattr(db.session.get(Order, order.id), column.key)
                      for column in Order.__table__.columns}
    kinds = db.session.execute(select(OrderEvent.__table__.c.kind.is_(None), OrderEvent.__table__.c.params.is_(None),
                                      OrderEvent.note)).all()
    assert kinds == [(True, True, "")]
    assert [(mail.message, mail.params) for mail in db.session.scalars(select(QueuedMail))] == [
        ("order_placed", {"order_id": order.id})]


def test_empty_cart_is_refused():
    user = make_user()
    with pytest.raises(EmptyCart):
        place_order(user.id, ADDRESS, "token-bbbbbbbbbbbbbbbb")


def test_out_of_stock_saves_nothing():
    user = make_user()
    plenty = make_product(stock=10)
    scarce = make_product(stock=1)
    fill_cart(user.id, (plenty, 2), (scarce, 1))
    scarce.stock = 0
    db.session.commit()
    with pytest.raises(OutOfStock) as info:
        place_order(user.id, ADDRESS, "token-cccccccccccccccc")
    assert info.value.product_id == scarce.id and scarce.name in str(info.value)
    assert stock(plenty.id) == 10 and count(Order) == 0 and count(OrderLine) == 0
    assert len(carts.cart_rows(carts.CartOwner(user_id=user.id))) == 2


def test_short_stock_says_how_many_are_left():
    user = make_user()
    product = make_product(stock=5)
    fill_cart(user.id, (product, 5))
    product.stock = 2
    db.session.commit()
    with pytest.raises(OutOfStock, match="2"):
        place_order(user.id, ADDRESS, "token-dddddddddddddddd")


@pytest.mark.parametrize("hide", ["archive", "suspend"])
def test_products_taken_off_sale_cannot_be_ordered(hide):
    user = make_user()
    product = make_product(stock=5)
    fill_cart(user.id, (product, 1))
    if hide == "archive":
        product.is_active = False
    else:
        product.cooperative.status = VerificationStatus.SUSPENDED
    db.session.commit()
    with pytest.raises(OutOfStock):
        place_order(user.id, ADDRESS, "token-eeeeeeeeeeeeeeee")
    assert stock(product.id) == 5


def test_price_change_since_the_page_was_shown_is_refused():
    user = make_user()
    product = make_product(price_fen=1000, stock=5)
    fill_cart(user.id, (product, 2))
    product.price_fen = 1200
    db.session.commit()
    with pytest.raises(PriceChanged):
        place_order(user.id, ADDRESS, "token-ffffffffffffffff", expected_total_fen=2000)
    assert stock(product.id) == 5
    order = place_order(user.id, ADDRESS, "token-gggggggggggggggg", expected_total_fen=2400)
    assert order.total_fen == 2400


def test_ordering_for_an_organization_records_its_class_and_invoice():
    user = make_user()
    union = make_organization(name="湖州市总工会", kind="union")
    add_to_organization(user, union)
    order = make_order(user, (make_product(stock=5), 1), organization_id=union.id)
    assert order.organization_id == union.id and order.buyer_class == BuyerClass.UNION
    assert order.invoice_title == "湖州市总工会" and order.tax_number == union.tax_number


def test_ordering_for_someone_elses_organization_is_refused():
    user = make_user()
    other = make_organization()
    product = make_product(stock=5)
    with pytest.raises(NotAMember):
        make_order(user, (product, 1), organization_id=other.id)
    assert stock(product.id) == 5 and count(Order) == 0

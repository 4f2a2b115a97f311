"""The cart service: quantities, availability, price and stock notices, merging at login."""
import pytest

from shop.extensions import db
from shop.orders import cart as carts
from shop.orders.exceptions import CartError
from shop.orders.models import MAX_QUANTITY
from tests.factories import make_product, make_user

pytestmark = pytest.mark.usefixtures("app_ctx")
VISITOR = carts.CartOwner(token="visitor-token-1")


def quantities(owner):
    return {row.product.id: row.line.quantity for row in carts.cart_rows(owner)}


def test_add_update_remove():
    product = make_product(stock=20)
    carts.add_to_cart(VISITOR, product.id, 2)
    carts.add_to_cart(VISITOR, product.id, 3)
    assert quantities(VISITOR) == {product.id: 5}
    carts.set_quantity(VISITOR, product.id, 1)
    assert quantities(VISITOR) == {product.id: 1}
    carts.remove_line(VISITOR, product.id)
    assert quantities(VISITOR) == {}


@pytest.mark.parametrize("quantity", [0, -1, MAX_QUANTITY + 1, 2**63])
def test_bad_quantities_are_refused(quantity):
    product = make_product()
    with pytest.raises(CartError):
        carts.add_to_cart(VISITOR, product.id, quantity)
    assert quantities(VISITOR) == {}


def test_products_not_on_sale_cannot_be_added():
    product = make_product(is_active=False)
    with pytest.raises(CartError):
        carts.add_to_cart(VISITOR, product.id, 1)
    with pytest.raises(CartError):
        carts.add_to_cart(VISITOR, 999_999, 1)


def test_changing_a_line_not_in_the_cart_is_refused():
    with pytest.raises(CartError):
        carts.set_quantity(VISITOR, make_product().id, 1)


def test_price_changes_and_sell_outs_are_flagged():
    cheap = make_product(price_fen=1000, stock=5)
    scarce = make_product(stock=5)
    carts.add_to_cart(VISITOR, cheap.id, 1)
    carts.add_to_cart(VISITOR, scarce.id, 3)
    cheap.price_fen = 1500
    scarce.stock = 2
    db.session.commit()
    rows = {row.product.id: row for row in carts.cart_rows(VISITOR)}
    assert rows[cheap.id].price_changed and not rows[cheap.id].short_of_stock
    assert rows[scarce.id].short_of_stock and not rows[scarce.id].price_changed
    assert rows[cheap.id].subtotal_fen == 1500
    carts.set_quantity(VISITOR, cheap.id, 1)  # seeing the cart again acknowledges the new price
    assert not {r.product.id: r for r in carts.cart_rows(VISITOR)}[cheap.id].price_changed


def test_archived_products_show_as_unavailable():
    product = make_product()
    carts.add_to_cart(VISITOR, product.id, 1)
    product.is_active = False
    db.session.commit()
    assert not carts.cart_rows(VISITOR)[0].available


def test_visitor_cart_merges_into_the_users_cart():
    user = make_user()
    mine = carts.CartOwner(user_id=user.id)
    shared, visitor_only, user_only = make_product(), make_product(), make_product()
    carts.add_to_cart(mine, shared.id, 1)
    carts.add_to_cart(mine, user_only.id, 1)
    carts.add_to_cart(VISITOR, shared.id, 2)
    carts.add_to_cart(VISITOR, visitor_only.id, 4)
    assert carts.merge_visitor_cart(VISITOR.token, user.id) == 2
    assert quantities(mine) == {shared.id: 3, visitor_only.id: 4, user_only.id: 1}
    assert quantities(VISITOR) == {}


def test_visitor_cart_becomes_the_users_when_they_have_none():
    user = make_user()
    product = make_product()
    carts.add_to_cart(VISITOR, product.id, 2)
    carts.merge_visitor_cart(VISITOR.token, user.id)
    assert quantities(carts.CartOwner(user_id=user.id)) == {product.id: 2}

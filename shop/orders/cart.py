"""The cart: kept for visitors by a token in their session, for users by their id; merged at login."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import Executable, bindparam, delete, select
from sqlalchemy.orm import selectinload

from shop.catalog.models import Product
from shop.catalog.queries import visible_products
from shop.core.database import write_transaction
from shop.extensions import db
from shop.orders.exceptions import CartError
from shop.orders.models import MAX_QUANTITY, Cart, CartLine


@dataclass(frozen=True)
class CartOwner:
    """Whose cart: a signed-in user, or a visitor's token (exactly one of the two)."""

    user_id: int | None = None
    token: str | None = None


@dataclass
class CartRow:
    """A cart line as the cart page shows it: current price and stock, and what changed since."""

    line: CartLine
    product: Product
    available: bool  # still on sale
    price_changed: bool
    short_of_stock: bool

    @property
    def subtotal_fen(self) -> int:
        return self.product.price_fen * self.line.quantity


def _find(owner: CartOwner) -> Cart | None:
    if owner.user_id is not None:
        return db.session.scalar(select(Cart).where(Cart.user_id == owner.user_id))
    if owner.token:
        return db.session.scalar(select(Cart).where(Cart.token == owner.token))
    return None


def _check_quantity(quantity: int) -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise CartError(_("Quantity must be a whole number from 1 to %(max)d.", max=MAX_QUANTITY))


def add_to_cart(owner: CartOwner, product_id: int, quantity: int) -> CartLine:
    """Put a product in the cart (adding to the quantity already there)."""
    _check_quantity(quantity)
    with write_transaction(db.session):
        product = db.session.scalar(visible_products().where(Product.id == product_id))
        if product is None:
            raise CartError(_("This product is not on sale."))
        cart = _find(owner)
        if cart is None:
            cart = Cart(user_id=owner.user_id, token=None if owner.user_id else owner.token)
            db.session.add(cart)
            db.session.flush()
        line = db.session.scalar(select(CartLine).filter_by(cart_id=cart.id, product_id=product_id))
        if line is None:
            line = CartLine(cart_id=cart.id, product_id=product_id, quantity=0, price_seen_fen=product.price_fen)
            db.session.add(line)
        if line.quantity + quantity > MAX_QUANTITY:
            raise CartError(_("Quantity must be a whole number from 1 to %(max)d.", max=MAX_QUANTITY))
        line.quantity += quantity
        line.price_seen_fen = product.price_fen
    return line


def set_quantity(owner: CartOwner, product_id: int, quantity: int) -> None:
    """Change a line's quantity; the buyer has now seen the current price."""
    _check_quantity(quantity)
    with write_transaction(db.session):
        line = _owned_line(owner, product_id)
        line.quantity = quantity
        line.price_seen_fen = line.product.price_fen


def remove_line(owner: CartOwner, product_id: int) -> None:
    with write_transaction(db.session):
        db.session.delete(_owned_line(owner, product_id))


def _owned_line(owner: CartOwner, product_id: int) -> CartLine:
    cart = _find(owner)
    line = None
    if cart is not None:
        line = db.session.scalar(select(CartLine).filter_by(cart_id=cart.id, product_id=product_id))
    if line is None:
        raise CartError(_("That product is not in your cart."))
    return line


def merge_visitor_cart(token: str, user_id: int) -> int:
    """Move a visitor's lines into the user's cart at login; return how many lines moved."""
    with write_transaction(db.session):
        visitor = db.session.scalar(select(Cart).where(Cart.token == token, Cart.user_id.is_(None)))
        if visitor is None or not visitor.lines:
            if visitor is not None:
                db.session.delete(visitor)
            return 0
        mine = db.session.scalar(select(Cart).where(Cart.user_id == user_id))
        if mine is None:
            visitor.user_id, visitor.token = user_id, None
            return len(visitor.lines)
        existing = {line.product_id: line for line in mine.lines}
        for line in visitor.lines:
            if line.product_id in existing:
                target = existing[line.product_id]
                target.quantity = min(MAX_QUANTITY, target.quantity + line.quantity)
            else:
                mine.lines.append(CartLine(product_id=line.product_id, quantity=line.quantity,
                                           price_seen_fen=line.price_seen_fen, added_at=line.added_at))
        moved = len(visitor.lines)
        db.session.delete(visitor)
    return moved


def cart_rows(owner: CartOwner) -> list[CartRow]:
    """The cart's lines with their products' current price, stock and status."""
    cart = _find(owner)
    if cart is None:
        return []
    lines = db.session.scalars(
        select(CartLine).where(CartLine.cart_id == cart.id).order_by(CartLine.id)
        .options(selectinload(CartLine.product).selectinload(Product.photos),
                 selectinload(CartLine.product).selectinload(Product.cooperative))
    )
    visible_ids = set(db.session.scalars(
        visible_products().with_only_columns(Product.id)
        .where(Product.id.in_(select(CartLine.product_id).where(CartLine.cart_id == cart.id)))
    ))
    return [
        CartRow(line=line, product=line.product, available=line.product_id in visible_ids,
                price_changed=line.price_seen_fen != line.product.price_fen,
                short_of_stock=line.product.stock < line.quantity)
        for line in lines
    ]


def clear_lines(cart_id: int, product_ids: list[int]) -> None:
    """Remove ordered products from a cart, inside the caller's transaction (checkout loads no cart line as an
    object, so a plain DELETE leaves none behind in the session)."""
    db.session.connection().execute(_clear_statement(), {"cart_id": cart_id, "product_ids": product_ids})


@cache
def _clear_statement() -> Executable:
    """clear_lines' DELETE, built once (building it and its cache key cost more than running it)."""
    table = CartLine.__table__
    return delete(table).where(table.c.cart_id == bindparam("cart_id"),
                               table.c.product_id.in_(bindparam("product_ids", expanding=True)))


def line_count(owner: CartOwner) -> int:
    cart = _find(owner)
    return len(cart.lines) if cart is not None else 0

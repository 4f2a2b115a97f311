"""Placing an order: one transaction that prices from the database, takes stock safely and snapshots lines."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Row, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload, make_transient_to_detached

from shop.accounts.models import OrganizationMembership
from shop.catalog.models import Product
from shop.catalog.versions import touch
from shop.cooperatives.models import Cooperative, InvoiceType, VerificationStatus
from shop.cooperatives.shipping import ShippingTerms
from shop.core.database import utcnow, write_transaction
from shop.core.timezones import china_date
from shop.extensions import db
from shop.orders import shipping, statements
from shop.orders.cart import clear_lines
from shop.orders.emails import queue_order_mail
from shop.orders.exceptions import (
    EmptyCart,
    NotAMember,
    NotAPurchaser,
    OrderError,
    OrganizationNotVerified,
    OrganizationSuspended,
    OutOfStock,
    PriceChanged,
)
from shop.orders.invoicing import InvoiceChoice, check_sellers, invoice_details
from shop.orders.models import (
    Address,
    BuyerClass,
    Order,
    OrderEvent,
    OrderLine,
    OrderShipping,
    OrderStatus,
)
from shop.organizations.models import Organization, OrganizationStatus
from shop.regions.models import Region


@dataclass(frozen=True)
class DeliveryAddress:
    """Where an order goes, as the buyer typed it."""

    recipient: str
    mobile: str
    province: str
    city: str
    district: str
    street: str


ADDRESS_FIELDS = tuple(field.name for field in fields(DeliveryAddress))


def find_order_by_token(user_id: int, checkout_token: str) -> Order | None:
    """The order a checkout form already produced (a double click or a resubmitted tab)."""
    return db.session.scalar(select(Order).where(Order.checkout_token == checkout_token, Order.user_id == user_id))


@dataclass(frozen=True)
class CheckoutRequest:
    """One submit of the checkout form, as place_order was given it."""

    user_id: int
    address: DeliveryAddress
    checkout_token: str
    organization_id: int | None  # the organization the user acts for, or None for the public
    expected_total_fen: int | None  # the total the checkout page showed, if it showed one
    payment_minutes: int
    now: datetime
    invoice: InvoiceChoice | None = None  # None: no invoice


@dataclass(frozen=True)
class Buyer:
    """Who the order is for, as reports and invoices need it."""

    buyer_class: BuyerClass
    invoice_title: str | None = None
    tax_number: str | None = None
    invoice_type: InvoiceType | None = None


def _invoiced(buyer: Buyer, invoice: InvoiceChoice | None) -> Buyer:
    """The buyer with the invoice asked for, its title and tax number checked (InvoiceRefused)."""
    title, tax_number = invoice_details(invoice, buyer.invoice_title, buyer.tax_number,
                                        for_organization=buyer.buyer_class != BuyerClass.PUBLIC)
    return replace(buyer, invoice_title=title, tax_number=tax_number,
                   invoice_type=None if invoice is None else invoice.invoice_type)


def place_order(user_id: int, address: DeliveryAddress, checkout_token: str, *,
                organization_id: int | None = None, expected_total_fen: int | None = None,
                payment_minutes: int = 30, now: datetime | None = None,
                invoice: InvoiceChoice | None = None) -> Order:
    """Turn the user's cart into an order, all or nothing; the same checkout token always gives the same order.

    Prices come from the products, not from the form; `expected_total_fen` (what the checkout page showed)
    is only compared, so a buyer never pays a total they did not see. An `invoice` every seller in the cart can
    issue is asked for on the order; otherwise nothing is written (InvoiceRefused).
    """
    checkout = CheckoutRequest(user_id, address, checkout_token, organization_id, expected_total_fen,
                               payment_minutes, now or utcnow(), invoice)
    try:
        with write_transaction(db.session):
            return _place(checkout)
    except (OrderError, IntegrityError):
        # The form may have been placed already (a double click, a resubmitted tab): its cart is then empty, its
        # stock may be gone, and a second order with its token cannot be inserted (IntegrityError, also when two
        # submits race). Looked up only then, once this attempt is rolled back: a submit that succeeds reads no
        # order first.
        existing = find_order_by_token(user_id, checkout_token)
        if existing is None:
            raise
        return existing


def _place(checkout: CheckoutRequest) -> Order:
    """The order's reads and writes, in the caller's transaction, in an order that matters (see each step)."""
    cart_lines = _cart_lines(checkout.user_id)
    buyer = _invoiced(_buyer(checkout.user_id, checkout.organization_id), checkout.invoice)
    # Before any stock is taken: a refusal leaves nothing to undo.
    check_sellers([line.id for line in cart_lines], buyer.invoice_type)
    lines = _take_lines(cart_lines)
    # Shipping is priced from the cooperatives' terms as this transaction read them (with the cart's products),
    # and is part of the total the buyer confirmed.
    quotes = shipping.quote_lines(lines, {line.cooperative_id: ShippingTerms(line.shipping_fee_fen,
                                                                             line.free_shipping_from_fen)
                                          for line in cart_lines})
    total = sum(line.line_total_fen for line in lines) + shipping.total_fee(quotes)
    if checkout.expected_total_fen is not None and checkout.expected_total_fen != total:
        raise PriceChanged(_("Prices changed since you opened this page. Please check the new total."))
    order = _record_order(checkout, buyer, lines, total, quotes)
    clear_lines(cart_lines[0].cart_id, [line.product_id for line in lines])
    _remember_address(checkout.user_id, checkout.address)
    queue_order_mail(order, "placed")
    return order


def _cart_lines(user_id: int) -> list[Row[*tuple[Any, ...]]]:
    """The user's cart lines in product-id order, each with its cart id and quantity, what the order line
    snapshots of the product, and its cooperative's shipping terms: one statement. EmptyCart if there are none."""
    cart_lines = list(statements.execute(statements.cart_lines(), {"user_id": user_id}).all())
    if not cart_lines:
        raise EmptyCart(_("Your cart is empty."))
    return cart_lines


def _products(product_ids: list[int]) -> dict[int, Row[*tuple[Any, ...]]]:
    """What an order line snapshots of each product, with its cooperative and county, by product id."""
    products = Product.__table__
    return {row.id: row for row in db.session.execute(
        select(*statements.snapshot_columns())
        .join(Cooperative.__table__, Cooperative.__table__.c.id == products.c.cooperative_id)
        .join(Region.__table__, Region.__table__.c.code == products.c.origin_county_code)
        .where(products.c.id.in_(product_ids))
    )}


def _take_lines(cart_lines: list[Row[*tuple[Any, ...]]]) -> list[OrderLine]:
    """Take each cart line's stock and snapshot it as an order line; OutOfStock for anything no longer on sale."""
    lines = []
    # Lines are taken in product-id order so that two checkouts lock rows in the same order (no deadlock).
    for product in cart_lines:
        if not product.is_active or product.cooperative_status != VerificationStatus.VERIFIED:
            raise OutOfStock(_("“%(name)s” is no longer on sale.", name=product.name), product.id, product.name)
        price = _take_stock(product, product.quantity)
        lines.append(_snapshot(product, price, product.quantity))
    return lines


def _snapshot(product: Row[*tuple[Any, ...]], price: int, quantity: int) -> OrderLine:
    """An order line for `quantity` units of the product at the price charged, with what reports need."""
    return OrderLine(
        product_id=product.id, cooperative_id=product.cooperative_id, cooperative_name=product.cooperative_name,
        sku=product.sku, product_name=product.name, spec=product.spec, unit=product.unit,
        unit_price_fen=price, quantity=quantity, line_total_fen=price * quantity,
        net_weight_g=product.net_weight_g, origin_county_code=product.origin_county_code,
        origin_county_name=product.county_name, category_id=product.category_id,
    )


# What _record_order inserts of an unsaved order line (all _snapshot sets) and of a shipping row.
LINE_SNAPSHOT = ("product_id", "cooperative_id", "cooperative_name", "sku", "product_name", "spec", "unit",
                 "unit_price_fen", "quantity", "line_total_fen", "net_weight_g", "origin_county_code",
                 "origin_county_name", "category_id")
SHIPPING_COLUMNS = ("cooperative_id", "parcels", "free_parcels", "fee_fen")


def _record_order(checkout: CheckoutRequest, buyer: Buyer, lines: list[OrderLine], total: int,
                  quotes: dict[int, shipping.Quote], *, gift_units: int | None = None) -> Order:
    """Add the order, numbered, with its lines, its shipping and its first event (awaiting payment); a gift
    order (its `gift_units` given) is added without lines, which the caller inserts in bulk.

    Every row is a plain insert, one statement per table, each built once per process: the order's returns its
    id, and the Order is then made in the session as though it had been read (every column given, so nothing is
    read back); `lines` stay unsaved objects, and the order's lines, shipping and events are read on first use.
    The ORM's unit of work cost more than all of these statements together."""
    address, now = checkout.address, checkout.now
    values = {
        "number": _next_number(china_date(now)), "checkout_token": checkout.checkout_token,
        "user_id": checkout.user_id, "organization_id": checkout.organization_id, "buyer_class": buyer.buyer_class,
        "status": OrderStatus.PENDING_PAYMENT, "total_fen": total,
        "item_count": sum(line.quantity for line in lines) if gift_units is None else gift_units,
        "recipient": address.recipient, "mobile": address.mobile, "province": address.province,
        "city": address.city, "district": address.district, "street": address.street,
        "invoice_title": buyer.invoice_title, "tax_number": buyer.tax_number, "invoice_type": buyer.invoice_type,
        "created_at": now, "expires_at": now + timedelta(minutes=checkout.payment_minutes), "paid_at": None,
        "shipped_at": None, "received_at": None, "completed_at": None, "cancelled_at": None, "cancel_reason": None,
        "is_gift": gift_units is not None,
    }
    order_id = statements.execute(statements.insert_order(), values).scalar_one()
    order = Order(id=order_id, **values)
    make_transient_to_detached(order)  # its row is in the database, as given: added, it is persistent, not new
    db.session.add(order)
    if lines:
        statements.execute(statements.insert_into(OrderLine.__table__), [
            {**{column: getattr(line, column) for column in LINE_SNAPSHOT}, "order_id": order_id} for line in lines])
    rows = shipping.shipping_rows(quotes)
    if rows:
        statements.execute(statements.insert_into(OrderShipping.__table__), [
            {column: getattr(row, column) for column in SHIPPING_COLUMNS} | {"order_id": order_id} for row in rows])
    # Its note takes the column's default; kind and params are left SQL NULL (None would be JSON null).
    statements.execute(statements.insert_into(OrderEvent.__table__), {
        "order_id": order_id, "at": now, "from_status": None, "to_status": OrderStatus.PENDING_PAYMENT,
        "actor_id": checkout.user_id})
    return order


def _remember_address(user_id: int, address: DeliveryAddress) -> None:
    """Save the delivery address for next time, unless the user already has it: one INSERT ... SELECT ... WHERE
    NOT EXISTS (the order's transaction holds the write lock on SQLite; on PostgreSQL two concurrent checkouts of
    one user to one new address may both save it, as the former SELECT-then-INSERT could)."""
    statements.execute(statements.remember_address(ADDRESS_FIELDS),
                       {"user_id": user_id, "created_at": utcnow(), **vars(address)})


def saved_addresses(user_id: int) -> list[Address]:
    """The user's addresses, most recently added first."""
    return list(db.session.scalars(
        select(Address).where(Address.user_id == user_id).order_by(Address.id.desc()).limit(10)))


def _take_stock(product: Row[*tuple[Any, ...]], quantity: int) -> int:
    """Decrement stock only if enough is left (safe on SQLite and PostgreSQL); return the price charged."""
    row = statements.execute(statements.take_stock(), {"product_id": product.id, "quantity": quantity}).first()
    if row is None:
        left = db.session.scalar(select(Product.stock).where(Product.id == product.id)) or 0
        if left == 0:
            message = _("“%(name)s” is sold out.", name=product.name)
        else:
            message = _("Only %(left)d of “%(name)s” left.", left=left, name=product.name)
        raise OutOfStock(message, product.id, product.name)
    touch(db.session)  # stock is on the catalogue's pages: the version moves when this transaction commits
    charged: int = row.price_fen
    return charged


def _buyer(user_id: int, organization_id: int | None) -> Buyer:
    """The buyer class and invoice details: the public, or the organization the user acts for, which must be
    verified and in which the user must be allowed to buy (purchaser or admin)."""
    if organization_id is None:
        return Buyer(BuyerClass.PUBLIC)
    # The status is read with a share lock, so a staff decision waits for this order's transaction or is seen
    # by it (PostgreSQL; SQLite has one writer at a time).
    row = db.session.execute(
        select(Organization, OrganizationMembership.role)
        .join(OrganizationMembership, OrganizationMembership.organization_id == Organization.id)
        .where(Organization.id == organization_id, OrganizationMembership.user_id == user_id)
        .options(lazyload(Organization.region)).execution_options(populate_existing=True)
        .with_for_update(read=True, of=Organization)).first()
    if row is None:  # an outsider learns nothing about the organization
        raise NotAMember(_("You cannot order for that organization."))
    organization, role = row
    refusal = organization.buying_refusal
    if refusal is not None:
        suspended = organization.status == OrganizationStatus.SUSPENDED
        raise (OrganizationSuspended if suspended else OrganizationNotVerified)(refusal)
    if not role.can_buy:
        raise NotAPurchaser(_("As a viewer of “%(name)s” you can see its orders but not order for it. Ask one of "
                              "its admins for the purchaser role, or order for yourself.", name=organization.name))
    return Buyer(BuyerClass(organization.kind), organization.invoice_title, organization.tax_number)


def _next_number(day: date) -> str:
    """BF20261127-000123: the day's counter, bumped in one statement inside the order's transaction."""
    statement = statements.bump_counter(db.session.get_bind().dialect.name)
    sequence = statements.execute(statement, {"day": day}).scalar_one()
    return f"BF{day:%Y%m%d}-{sequence:06d}"


# -- the same steps for a gift order (shop.orders.gifts.services) ------------------------------------------------

def organization_buyer(user_id: int, organization_id: int, invoice: InvoiceChoice | None = None) -> Buyer:
    """The organization as the buyer, checked as checkout checks it (verified, and the user may buy for it), with
    the invoice asked for (InvoiceRefused when the organization's details cannot carry it)."""
    return _invoiced(_buyer(user_id, organization_id), invoice)


def take_stock_in_bulk(quantities: dict[int, int]) -> dict[int, OrderLine]:
    """Take each product's total units at once, in product-id order like checkout, with the same guarded
    decrement; return per product an unsaved line of all its units at the price charged. OutOfStock for the first
    product that is short or no longer on sale, and the caller's transaction is rolled back."""
    products = _products(sorted(quantities))
    taken = {}
    for product_id in sorted(quantities):
        product = products[product_id]
        if not product.is_active or product.cooperative_status != VerificationStatus.VERIFIED:
            raise OutOfStock(_("“%(name)s” is no longer on sale.", name=product.name), product.id, product.name)
        taken[product_id] = _snapshot(product, _take_stock(product, quantities[product_id]), quantities[product_id])
    return taken


def open_gift_order(checkout: CheckoutRequest, buyer: Buyer, total: int, units: int,
                    quotes: dict[int, shipping.Quote]) -> Order:
    """Add a gift order as checkout adds an order, numbered and awaiting payment, with its shipping but without
    its lines: the caller inserts them and the recipients in bulk, in the same transaction."""
    order = _record_order(checkout, buyer, [], total, quotes, gift_units=units)
    queue_order_mail(order, "placed")
    return order

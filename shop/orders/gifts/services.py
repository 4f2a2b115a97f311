"""A gift order from start to end: the recipients file read and kept (start), checked and shown (preview), and
placed as one order (confirm), all or nothing, once."""
from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Table, func, insert, select

from shop.catalog.importing.exceptions import ImportRejected
from shop.catalog.importing.reading import read_table, stored_cells
from shop.core.database import utcnow, write_transaction
from shop.extensions import db
from shop.orders import checkout
from shop.orders.checkout import CheckoutRequest, DeliveryAddress
from shop.orders.exceptions import OrderError, PriceChanged
from shop.orders.gifts.columns import find_columns
from shop.orders.gifts.models import GiftUpload
from shop.orders.gifts.planning import MAX_RECIPIENT_ROWS, GiftPlan, parcel_subtotals, plan_gifts
from shop.orders.invoicing import InvoiceChoice, check_sellers
from shop.orders.models import Order, OrderLine, OrderRecipient, gift_lines
from shop.orders.shipping import quote, total_fee


class GiftError(OrderError):
    """A gift file that cannot be ordered as it is; the message says why."""


def start_gifts(organization_id: int, user_id: int, filename: str, data: bytes) -> GiftUpload:
    """Read an uploaded recipients file once and keep its rows for the preview and the confirmation; a file that
    cannot be read, has no header row or too many rows is refused here (ImportRejected) and nothing is kept."""
    rows = read_table(data)
    if len(rows) > MAX_RECIPIENT_ROWS + 1:
        raise ImportRejected(_("The file has more than %(n)d recipient rows; split it into several orders.",
                               n=MAX_RECIPIENT_ROWS))
    find_columns(rows[0])
    with write_transaction(db.session):
        checkout.organization_buyer(user_id, organization_id)  # refused early: a viewer, a suspended organization
        upload = GiftUpload(organization_id=organization_id, user_id=user_id, filename=(filename or "")[:200],
                            rows=stored_cells(rows))
        db.session.add(upload)
    return upload


def own_upload(organization_id: int, upload_id: int) -> GiftUpload | None:
    """The organization's own upload, else None."""
    return db.session.scalar(select(GiftUpload).where(GiftUpload.id == upload_id,
                                                      GiftUpload.organization_id == organization_id))


def preview_gifts(upload: GiftUpload) -> GiftPlan:
    """What confirming the upload would order now, with every error; nothing is written."""
    return plan_gifts(upload.rows)


def confirm_gifts(organization_id: int, upload_id: int, user_id: int, expected_total_fen: int, *,
                  payment_minutes: int = 30, now: datetime | None = None,
                  invoice: InvoiceChoice | None = None) -> Order:
    """Check the file again and place it as one order awaiting payment: every recipient, every unit, or nothing.

    Stock is taken per product for the whole file with checkout's guarded decrement; `expected_total_fen` (what
    the preview showed) is only compared, so the purchaser never pays a total they did not see. An `invoice` is
    asked of every seller, as at checkout: one a seller cannot issue refuses the order (InvoiceRefused).
    """
    now = now or utcnow()
    with write_transaction(db.session):
        upload = db.session.scalar(select(GiftUpload).where(GiftUpload.id == upload_id,
                                                            GiftUpload.organization_id == organization_id)
                                   .with_for_update())
        if upload is None:
            raise GiftError(_("No such upload."))
        if upload.order_id is not None:
            raise GiftError(_("This file was already ordered."))
        buyer = checkout.organization_buyer(user_id, organization_id, invoice)
        plan = preview_gifts(upload)
        if not plan.ok:
            raise GiftError(_("The file has problems; nothing was ordered. Check the list below."))
        check_sellers(plan.totals, buyer.invoice_type)
        order = _place(CheckoutRequest(user_id, _buyer_address(buyer.invoice_title or ""), secrets.token_urlsafe(24),
                                       organization_id, expected_total_fen, payment_minutes, now), buyer, plan)
        upload.order_id = order.id
    return order


def _buyer_address(name: str) -> DeliveryAddress:
    """The order's own address fields: a gift order's parcels go to its recipients, so they only name the buyer."""
    return DeliveryAddress(recipient=name[:40], mobile="", province="", city="", district="", street="")


def _place(request: CheckoutRequest, buyer: checkout.Buyer, plan: GiftPlan) -> Order:
    """Take the stock, add the order, and insert its recipients and each recipient's lines in bulk (a file of
    thousands of rows would spend seconds building ORM objects one by one)."""
    taken = checkout.take_stock_in_bulk(plan.totals)
    # Each recipient's parcel from a cooperative is priced on its own, at the prices charged (shop.orders.shipping).
    quotes = quote(parcel_subtotals(plan.recipients, {product_id: (line.cooperative_id, line.unit_price_fen)
                                                      for product_id, line in taken.items()}))
    total = sum(taken[product_id].unit_price_fen * units for product_id, units in plan.totals.items())
    total += total_fee(quotes)
    if request.expected_total_fen is not None and request.expected_total_fen != total:
        raise PriceChanged(_("Prices changed since you opened this page. Please check the new total."))
    order = checkout.open_gift_order(request, buyer, total, plan.units, quotes)
    addresses = list(plan.recipients)
    recipient_ids = _new_ids(OrderRecipient.__table__, len(addresses))
    db.session.execute(insert(OrderRecipient), [
        dict(zip(ADDRESS_FIELDS, address), id=recipient_id, order_id=order.id, row=plan.first_rows[address])
        for recipient_id, address in zip(recipient_ids, addresses)])
    wanted = [(recipient_id, product_id, units) for recipient_id, address in zip(recipient_ids, addresses)
              for product_id, units in sorted(plan.recipients[address].items())]
    line_ids = _new_ids(OrderLine.__table__, len(wanted))
    db.session.execute(insert(OrderLine), [_line_values(taken[product_id], line_id, order.id, units)
                                           for line_id, (_recipient, product_id, units) in zip(line_ids, wanted)])
    db.session.execute(insert(gift_lines), [{"order_line_id": line_id, "recipient_id": recipient_id}
                                            for line_id, (recipient_id, _product, _units) in zip(line_ids, wanted)])
    db.session.expire(order, ["lines", "recipients"])  # inserted behind the ORM's back
    return order


ADDRESS_FIELDS = ("recipient", "mobile", "province", "city", "district", "street")
SNAPSHOT = ("product_id", "cooperative_id", "cooperative_name", "sku", "product_name", "spec", "unit",
            "unit_price_fen", "net_weight_g", "origin_county_code", "origin_county_name", "category_id")


def _line_values(taken: OrderLine, line_id: int, order_id: int, units: int) -> dict[str, object]:
    """One recipient's line: the product's snapshot and the price charged, for their units."""
    return {**{column: getattr(taken, column) for column in SNAPSHOT}, "id": line_id, "order_id": order_id,
            "quantity": units, "line_total_fen": taken.unit_price_fen * units}


def _new_ids(table: Table, count: int) -> list[int]:
    """`count` fresh primary keys of `table`, so rows and the rows that refer to them go in as plain bulk
    inserts (with RETURNING in the rows' order SQLite would insert them one at a time).

    PostgreSQL hands them out from the table's sequence; on SQLite the caller's write transaction holds the only
    writer's lock, so the keys after the largest one stay free until it commits."""
    if db.session.get_bind().dialect.name == "postgresql":
        sequence = func.pg_get_serial_sequence(table.name, "id")
        series = func.generate_series(1, count).table_valued("n")
        return list(db.session.scalars(select(func.nextval(sequence)).select_from(series)))
    last = db.session.scalar(select(func.max(table.c.id))) or 0
    return list(range(last + 1, last + 1 + count))

"""Bank transfers (对公转账) from organizations, recorded by staff when the money shows on the statement."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shop.audit.services import record
from shop.core.database import utcnow, write_transaction
from shop.core.money import format_fen
from shop.extensions import db
from shop.orders import lifecycle
from shop.orders.models import Order, OrderStatus
from shop.payments.exceptions import PaymentError
from shop.payments.models import PAID_BY, Method, Payment


def find_order(reference: str) -> Order | None:
    """The order named by its number or its remittance reference (BF20261127-000123 or BF20261127000123)."""
    cleaned = "".join(reference.split()).upper()
    if len(cleaned) == 16 and cleaned.startswith("BF") and cleaned[2:].isdigit():
        cleaned = f"{cleaned[:10]}-{cleaned[10:]}"
    return db.session.scalar(select(Order).where(Order.number == cleaned))


def record_bank_transfer(order_reference: str, amount_fen: int, bank_serial: str, payer: str, actor_id: int,
                         now: datetime | None = None) -> Payment:
    """Staff saw `amount_fen` arrive for an order: if it is exactly the order's total, the order is paid.

    A different amount is refused (and nothing is saved), so the difference can be sorted out first."""
    now = now or utcnow()
    bank_serial, payer = bank_serial.strip(), payer.strip()
    order = find_order(order_reference)
    if order is None:
        raise PaymentError(_("No order has the number or remittance reference “%(ref)s”.", ref=order_reference))
    if order.organization_id is None:
        raise PaymentError(_("Bank transfer is only for orders placed for an organization."))
    if not bank_serial:
        raise PaymentError(_("Enter the bank's serial number of the transfer."))
    try:
        with write_transaction(db.session):
            db.session.execute(select(Order.id).where(Order.id == order.id).with_for_update())
            order = lifecycle.load_order(order.id)
            if order.status != OrderStatus.PENDING_PAYMENT:
                raise PaymentError(_("Order %(number)s is not awaiting payment (it is “%(status)s”).",
                                     number=order.number, status=order.status_label))
            if amount_fen != order.total_fen:
                raise PaymentError(_("The amount received, %(got)s, does not match the total of order %(number)s, "
                                     "%(want)s; the order was not marked paid.", got=format_fen(amount_fen),
                                     number=order.number, want=format_fen(order.total_fen)))
            payment = Payment(order_id=order.id, method=Method.BANK_TRANSFER, amount_fen=amount_fen,
                              reference=bank_serial[:64], payer=payer[:120] or None, received_at=now,
                              recorded_by=actor_id)
            db.session.add(payment)
            db.session.flush()
            lifecycle.record_paid(order, now, actor_id, kind=PAID_BY, params={"method": Method.BANK_TRANSFER.value})
            record(actor_id, "payment.bank_transfer", "order", order.number,
                   before={"status": OrderStatus.PENDING_PAYMENT.value},
                   after={"status": OrderStatus.PAID.value, "amount_fen": amount_fen, "bank_serial": bank_serial,
                          "payer": payer})
    except IntegrityError as exc:
        db.session.rollback()
        raise PaymentError(_("The bank serial number “%(serial)s” was already recorded.", serial=bank_serial)) from exc
    return payment

"""Recording what a seller issued: the invoice for its lines of a paid order, and the red-letter invoice that
cancels it after a refund. The seller records its own; staff may record on its behalf (audited). Every check runs
before the file is kept, and the file is removed again if the row cannot be written: nothing is half-saved."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shop.audit.services import record
from shop.core.database import utcnow, write_transaction
from shop.core.documents import DocumentRejected, delete_document, store_document
from shop.core.money import format_fen
from shop.core.timezones import china_date
from shop.extensions import db
from shop.invoices import queries
from shop.invoices.exceptions import InvoiceError, InvoiceFileRejected
from shop.invoices.models import Invoice
from shop.invoices.queries import InvoiceRequest, RequestStatus

MAX_INVOICE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Issued:
    """An invoice as the seller issued it (a red-letter invoice has no amount of its own here: it cancels one)."""

    number: str
    issued_on: date
    amount_fen: int | None = None


@dataclass(frozen=True)
class Actor:
    """Who records: a member of the seller, or staff on its behalf (then audited)."""

    user_id: int
    is_staff: bool = False


def _request(order_number: str, cooperative_id: int) -> InvoiceRequest:
    found = queries.one(order_number, cooperative_id)
    if found is None:
        raise InvoiceError(_("Order %(number)s asked this seller for no invoice.", number=order_number))
    return found


def _check_date(issued_on: date, earliest: date, now: datetime) -> None:
    if issued_on > china_date(now):
        raise InvoiceError(_("The invoice date cannot be in the future."))
    if issued_on < earliest:
        raise InvoiceError(_("The invoice date cannot be before %(day)s.", day=earliest.isoformat()))


def _keep_file(data: bytes) -> str:
    try:
        stored = store_document(data, current_app.config["PRIVATE_FOLDER"], MAX_INVOICE_BYTES,
                                current_app.config["MAX_IMAGE_PIXELS"], ofd=True)
    except DocumentRejected as exc:
        raise InvoiceFileRejected(_("The invoice file cannot be used: %(reason)s. Upload the PDF or OFD file of the "
                                    "invoice, or a photo or scan of it (JPEG, PNG or WebP).",
                                    reason=exc.explanation)) from exc
    return stored.filename


def record_invoice(actor: Actor, order_number: str, cooperative_id: int, issued: Issued, data: bytes,
                   now: datetime | None = None) -> Invoice:
    """Record the invoice a seller issued for its lines of an order; its amount must be those lines net of
    refunds now. InvoiceError saying why not (and nothing saved)."""
    now = now or utcnow()
    request = _request(order_number, cooperative_id)
    if request.status == RequestStatus.NOT_NEEDED:
        raise InvoiceError(_("Everything this seller sold in the order was refunded, so no invoice is needed."))
    if request.invoice is not None:
        raise InvoiceError(_("An invoice is already recorded for this seller's part of the order."))
    if issued.amount_fen != request.net_fen:
        raise InvoiceError(_("The amount must be %(due)s: this seller's lines of the order, net of refunds.",
                             due=format_fen(request.net_fen)))
    _check_date(issued.issued_on, china_date(request.paid_at), now)
    filename = _keep_file(data)
    try:
        with write_transaction(db.session):
            invoice = Invoice(order_id=request.order_id, cooperative_id=cooperative_id,
                              invoice_type=request.invoice_type, number=issued.number, issued_on=issued.issued_on,
                              amount_fen=request.net_fen, filename=filename, recorded_at=now,
                              recorded_by=actor.user_id)
            db.session.add(invoice)
            db.session.flush()
            if actor.is_staff:
                record(actor.user_id, "invoice.record", "order", order_number,
                       after={"cooperative_id": cooperative_id, "number": issued.number,
                              "issued_on": issued.issued_on.isoformat(), "amount_fen": request.net_fen})
    except IntegrityError as exc:  # recorded by someone else a moment ago
        delete_document(current_app.config["PRIVATE_FOLDER"], filename)
        raise InvoiceError(_("An invoice is already recorded for this seller's part of the order.")) from exc
    except BaseException:
        delete_document(current_app.config["PRIVATE_FOLDER"], filename)
        raise
    return invoice


def record_red_letter(actor: Actor, order_number: str, cooperative_id: int, issued: Issued, data: bytes,
                      now: datetime | None = None) -> Invoice:
    """Record the red-letter invoice that cancels a seller's invoice after a refund; InvoiceError saying why not."""
    now = now or utcnow()
    request = _request(order_number, cooperative_id)
    if request.status != RequestStatus.RED_LETTER_NEEDED or request.invoice is None:
        raise InvoiceError(_("No red-letter invoice is needed: nothing was refunded since the invoice was issued, "
                             "or its red-letter invoice is already recorded."))
    _check_date(issued.issued_on, request.invoice.issued_on, now)
    filename = _keep_file(data)
    try:
        with write_transaction(db.session):
            invoice = db.session.scalars(select(Invoice).where(Invoice.id == request.invoice.id)
                                         .with_for_update()).one()
            if invoice.red_number is not None:
                raise InvoiceError(_("No red-letter invoice is needed: nothing was refunded since the invoice was "
                                     "issued, or its red-letter invoice is already recorded."))
            invoice.red_number, invoice.red_issued_on, invoice.red_filename = issued.number, issued.issued_on, filename
            invoice.red_recorded_at, invoice.red_recorded_by = now, actor.user_id
            if actor.is_staff:
                record(actor.user_id, "invoice.red_letter", "order", order_number,
                       after={"cooperative_id": cooperative_id, "number": issued.number,
                              "issued_on": issued.issued_on.isoformat()})
    except BaseException:
        delete_document(current_app.config["PRIVATE_FOLDER"], filename)
        raise
    return invoice

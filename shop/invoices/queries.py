"""Invoice requests, derived rather than stored: every seller of a paid order that asked for an invoice, with its
lines' amount net of refunds now, left-joined to the invoice it recorded. "Red-letter needed" is derived too: an
invoice whose seller's lines were refunded after it was issued (the net fell below its amount), with no red-letter
invoice recorded yet. So payments and orders never call up into this package."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql import ColumnElement

from shop.cooperatives.models import INVOICE_TYPE_LABELS, InvoiceType
from shop.extensions import db
from shop.invoices.models import Invoice
from shop.orders.models import Order, OrderLine
from shop.payments.models import Refund, RefundLine, RefundStatus

LIST_LIMIT = 500


class RequestStatus(enum.StrEnum):
    TO_ISSUE = "to_issue"
    ISSUED = "issued"
    RED_LETTER_NEEDED = "red_letter_needed"
    RED_LETTER_RECORDED = "red_letter_recorded"
    NOT_NEEDED = "not_needed"  # everything was refunded before an invoice was issued


STATUS_LABELS = {
    RequestStatus.TO_ISSUE: _l("To be issued"),
    RequestStatus.ISSUED: _l("Issued"),
    RequestStatus.RED_LETTER_NEEDED: _l("Red-letter invoice needed"),
    RequestStatus.RED_LETTER_RECORDED: _l("Cancelled by a red-letter invoice"),
    RequestStatus.NOT_NEEDED: _l("Not needed (refunded)"),
}


@dataclass(frozen=True)
class InvoiceRequest:
    """One seller's part of a paid order that asked for an invoice."""

    order_id: int
    number: str
    paid_at: datetime
    invoice_type: InvoiceType
    title: str | None
    tax_number: str | None
    organization_id: int | None
    cooperative_id: int
    cooperative_name: str
    gross_fen: int
    refunded_fen: int
    invoice: Invoice | None

    @property
    def net_fen(self) -> int:
        return self.gross_fen - self.refunded_fen

    @property
    def status(self) -> RequestStatus:
        invoice = self.invoice
        if invoice is None:
            return RequestStatus.TO_ISSUE if self.net_fen > 0 else RequestStatus.NOT_NEEDED
        if invoice.red_number is not None:
            return RequestStatus.RED_LETTER_RECORDED
        return RequestStatus.RED_LETTER_NEEDED if self.net_fen < invoice.amount_fen else RequestStatus.ISSUED

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def type_label(self) -> str:
        return str(INVOICE_TYPE_LABELS[self.invoice_type])

    def due_by(self, days: int) -> datetime:
        """When the seller should have issued it: `days` after payment."""
        return self.paid_at + timedelta(days=days)

    def is_overdue(self, now: datetime, days: int) -> bool:
        """Still to issue more than `days` after payment."""
        return self.status == RequestStatus.TO_ISSUE and now > self.due_by(days)


@dataclass(frozen=True)
class Scope:
    """Which requests to read: one seller's, one order's, one organization's; or those needing staff's attention
    at `now` (to issue for more than `days` after payment, or with a red-letter invoice missing)."""

    cooperative_id: int | None = None
    order_id: int | None = None
    organization_id: int | None = None
    attention: tuple[datetime, int] | None = None


def _requests(scope: Scope, limit: int = LIST_LIMIT) -> list[InvoiceRequest]:
    """The requests in `scope`, oldest payment first."""
    invoiced = and_(Order.paid_at.is_not(None), Order.invoice_type.is_not(None))
    lines = (select(OrderLine.order_id, OrderLine.cooperative_id,
                    func.max(OrderLine.cooperative_name).label("cooperative_name"),
                    func.sum(OrderLine.line_total_fen).label("gross_fen"))
             .join(Order, Order.id == OrderLine.order_id).where(invoiced, *_scoped(scope, OrderLine))
             .group_by(OrderLine.order_id, OrderLine.cooperative_id).subquery())
    # Failed refunds gave nothing back; pending ones will (the same rule as the refund form's quantities).
    refunds = (select(OrderLine.order_id, OrderLine.cooperative_id,
                      func.sum(RefundLine.amount_fen).label("refunded_fen"))
               .join(RefundLine, RefundLine.order_line_id == OrderLine.id)
               .join(Refund, Refund.id == RefundLine.refund_id)
               .join(Order, Order.id == OrderLine.order_id)
               .where(invoiced, Refund.status != RefundStatus.FAILED, *_scoped(scope, OrderLine))
               .group_by(OrderLine.order_id, OrderLine.cooperative_id).subquery())
    query = (
        select(Order.id, Order.number, Order.paid_at, Order.invoice_type, Order.invoice_title, Order.tax_number,
               Order.organization_id, lines.c.cooperative_id, lines.c.cooperative_name, lines.c.gross_fen,
               func.coalesce(refunds.c.refunded_fen, 0).label("refunded_fen"), Invoice)
        .select_from(lines).join(Order, Order.id == lines.c.order_id)
        .outerjoin(refunds, and_(refunds.c.order_id == lines.c.order_id,
                                 refunds.c.cooperative_id == lines.c.cooperative_id))
        .outerjoin(Invoice, and_(Invoice.order_id == lines.c.order_id,
                                 Invoice.cooperative_id == lines.c.cooperative_id))
        .order_by(Order.paid_at, Order.id, lines.c.cooperative_id).limit(limit))
    if scope.attention is not None:
        now, days = scope.attention
        net = lines.c.gross_fen - func.coalesce(refunds.c.refunded_fen, 0)
        query = query.where(or_(and_(Invoice.id.is_(None), net > 0, Order.paid_at < now - timedelta(days=days)),
                                and_(Invoice.red_number.is_(None), net < Invoice.amount_fen)))
    return [_request(row) for row in db.session.execute(query)]


def _scoped(scope: Scope, line: type[OrderLine]) -> list[ColumnElement[bool]]:
    conditions = []
    if scope.cooperative_id is not None:
        conditions.append(line.cooperative_id == scope.cooperative_id)
    if scope.order_id is not None:
        conditions.append(Order.id == scope.order_id)
    if scope.organization_id is not None:
        conditions.append(Order.organization_id == scope.organization_id)
    return conditions


def _request(row: Any) -> InvoiceRequest:
    return InvoiceRequest(row.id, row.number, row.paid_at, row.invoice_type, row.invoice_title, row.tax_number,
                          row.organization_id, row.cooperative_id, row.cooperative_name, int(row.gross_fen),
                          int(row.refunded_fen), row.Invoice)


def for_cooperative(cooperative_id: int) -> list[InvoiceRequest]:
    """A seller's requests, whatever their status."""
    return _requests(Scope(cooperative_id=cooperative_id))


def for_order(order_id: int) -> list[InvoiceRequest]:
    """An order's requests, one per seller (none unless it is paid and asked for an invoice)."""
    return _requests(Scope(order_id=order_id))


def for_organization(organization_id: int) -> list[InvoiceRequest]:
    """The requests of an organization's orders."""
    return _requests(Scope(organization_id=organization_id))


def one(order_number: str, cooperative_id: int) -> InvoiceRequest | None:
    """One seller's request for one order, or None."""
    order_id = db.session.scalar(select(Order.id).where(Order.number == order_number))
    if order_id is None:
        return None
    found = _requests(Scope(cooperative_id=cooperative_id, order_id=order_id), limit=1)
    return found[0] if found else None


ATTENTION = {
    "overdue": _l("Overdue"),
    "red_letter": _l("Red-letter invoice needed"),
}


def needing_attention(now: datetime, days: int, show: str | None = None) -> list[InvoiceRequest]:
    """Requests not issued within `days` of payment, and invoices waiting for their red-letter invoice; `show`
    keeps one of the two ("overdue" or "red_letter")."""
    found = _requests(Scope(attention=(now, days)))
    overdue = [r for r in found if r.is_overdue(now, days)] if show in (None, "overdue") else []
    red = [r for r in found if r.status == RequestStatus.RED_LETTER_NEEDED] if show in (None, "red_letter") else []
    return overdue + red

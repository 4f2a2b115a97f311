"""Payment attempts, money received, Stripe events seen, refunds per order line, and staff alerts."""
from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.core.database import UTCDateTime, string_enum, utcnow
from shop.extensions import Model
from shop.orders.models import EventLabel, Order, OrderLine

CURRENCY = "cny"


class Method(enum.StrEnum):
    CARD = "card"
    ALIPAY = "alipay"
    WECHAT_PAY = "wechat_pay"
    BANK_TRANSFER = "bank_transfer"


METHOD_LABELS = {
    Method.CARD: _l("Bank card"),
    Method.ALIPAY: _l("Alipay"),
    Method.WECHAT_PAY: _l("WeChat Pay"),
    Method.BANK_TRANSFER: _l("Bank transfer"),
}
STRIPE_METHODS = (Method.CARD, Method.ALIPAY, Method.WECHAT_PAY)

PAID_BY = "paid_by"  # an order event: paid, with params {"method": a Method value}


def _paid_by(params: Mapping[str, Any]) -> str:
    method = str(params.get("method") or "")
    label = METHOD_LABELS.get(Method(method)) if method in Method._value2member_map_ else None
    return str(label or method)


EVENT_LABELS: dict[str, EventLabel] = {PAID_BY: _paid_by}  # registered in create_app


class AttemptStatus(enum.StrEnum):
    """Where a Stripe PaymentIntent stands, as far as the shop knows."""

    CREATED = "created"  # waiting for the buyer
    REQUIRES_ACTION = "requires_action"  # e.g. 3-D Secure
    PROCESSING = "processing"
    FAILED = "failed"  # the buyer may try again on the same intent
    SUCCEEDED = "succeeded"
    CANCELED = "canceled"


# Final states: an event about an attempt in one of these never changes it.
FINAL_ATTEMPT_STATUSES = {AttemptStatus.SUCCEEDED, AttemptStatus.CANCELED}


class PaymentAttempt(Model):
    """One try at paying an order through Stripe: one PaymentIntent, created with a stored idempotency key
    so that a retry after a timeout finds the same intent instead of charging twice."""

    __tablename__ = "payment_attempts"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    method: Mapped[Method] = mapped_column(string_enum(Method, 16))
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    intent_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    client_secret: Mapped[str | None] = mapped_column(String(200))
    amount_fen: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default=CURRENCY)
    status: Mapped[AttemptStatus] = mapped_column(string_enum(AttemptStatus, 20), default=AttemptStatus.CREATED)
    failure_message: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    order: Mapped[Order] = relationship()


class Payment(Model):
    """Money received for an order: a succeeded PaymentIntent or a bank transfer recorded by staff."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("method", "reference"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    method: Mapped[Method] = mapped_column(string_enum(Method, 16))
    amount_fen: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default=CURRENCY)
    # The PaymentIntent id, or the bank's serial number of the transfer.
    reference: Mapped[str] = mapped_column(String(64))
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("payment_attempts.id"))
    payer: Mapped[str | None] = mapped_column(String(120))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def method_label(self) -> str:
        return str(METHOD_LABELS[self.method])


class StripeEvent(Model):
    """A Stripe event the shop has handled; the unique event id makes a repeated delivery a no-op."""

    __tablename__ = "stripe_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(64))
    intent_id: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when Stripe made it
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(16))  # "webhook" or "reconcile"
    outcome: Mapped[str] = mapped_column(String(32))


class RefundStatus(enum.StrEnum):
    PENDING = "pending"  # recorded; Stripe not yet asked or not yet answered
    SUCCEEDED = "succeeded"
    FAILED = "failed"


REFUND_STATUS_LABELS = {
    RefundStatus.PENDING: _l("Pending"),
    RefundStatus.SUCCEEDED: _l("Refunded"),
    RefundStatus.FAILED: _l("Failed"),
}


class Refund(Model):
    """Money given back from one payment. Staff refunds name order lines (see RefundLine); an automatic
    refund of a payment that arrived too late, or twice, has no lines and never counted as a sale."""

    __tablename__ = "refunds"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),
                      Index("ix_refunds_status", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    amount_fen: Mapped[int]
    # The part of amount_fen that gives back shipping (a cooperative's whole part refunded); tallies never see it.
    shipping_fen: Mapped[int] = mapped_column(default=0, server_default="0")
    reason: Mapped[str] = mapped_column(String(200))
    restock: Mapped[bool] = mapped_column(default=False)
    status: Mapped[RefundStatus] = mapped_column(string_enum(RefundStatus, 16), default=RefundStatus.PENDING)
    # One refund per submitted form (a double click sends the same token) and per Stripe request.
    request_token: Mapped[str] = mapped_column(String(64), unique=True)
    provider_refund_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    failure_message: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    refunded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the date tallies subtract it
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    payment: Mapped[Payment] = relationship()
    lines: Mapped[list[RefundLine]] = relationship(back_populates="refund", order_by="RefundLine.id",
                                                   cascade="all, delete-orphan")

    @property
    def status_label(self) -> str:
        return str(REFUND_STATUS_LABELS[self.status])


class RefundLine(Model):
    """How much of one order line a refund gives back: quantity and amount in fen."""

    __tablename__ = "refund_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    refund_id: Mapped[int] = mapped_column(ForeignKey("refunds.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int]
    amount_fen: Mapped[int]

    refund: Mapped[Refund] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine] = relationship()


ALERT_KIND_LABELS = {
    "mismatch": _l("Payment does not match its order"),
    "unknown_payment": _l("Payment the shop did not start"),
    "late_payment_refunded": _l("Late payment refunded"),
    "duplicate_payment_refunded": _l("Second payment refunded"),
    "refund_failed": _l("Refund failed"),
    "unknown_refund": _l("Refund made outside the shop"),
}


class PaymentAlert(Model):
    """Something about money that staff must look at (a mismatched amount, a late payment refunded ...)."""

    __tablename__ = "payment_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(String(500))
    details: Mapped[dict[str, object] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    order: Mapped[Order | None] = relationship()

    @property
    def kind_label(self) -> str:
        return str(ALERT_KIND_LABELS.get(self.kind, self.kind))

"""Carts, addresses, orders, order lines (with what reports need), gift recipients, shipments and order events."""
from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from flask import Flask, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.accounts.models import User
from shop.catalog.models import Product
from shop.cooperatives.models import INVOICE_TYPE_LABELS, Cooperative, InvoiceType
from shop.core.database import UTCDateTime, string_enum, utcnow
from shop.extensions import Model
from shop.organizations.models import KIND_LABELS as ORGANIZATION_KIND_LABELS
from shop.organizations.models import Organization

MAX_QUANTITY = 9999


class OrderStatus(enum.StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    SHIPPED = "shipped"
    RECEIVED = "received"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


STATUS_LABELS = {
    OrderStatus.PENDING_PAYMENT: _l("Awaiting payment"),
    OrderStatus.PAID: _l("Paid, awaiting shipment"),
    OrderStatus.SHIPPED: _l("Shipped"),
    OrderStatus.RECEIVED: _l("Received"),
    OrderStatus.COMPLETED: _l("Completed"),
    OrderStatus.CANCELLED: _l("Cancelled"),
}


class BuyerClass(enum.StrEnum):
    """Who bought: the public, or an organization of one of these kinds (mirrors OrganizationKind)."""

    PUBLIC = "public"
    BUDGET_UNIT = "budget_unit"
    UNION = "union"
    COMPANY = "company"
    CHARITY = "charity"
    SOCIAL_ORGANIZATION = "social_organization"


BUYER_CLASS_LABELS = {BuyerClass.PUBLIC: _l("Public")} | {
    BuyerClass(kind): label for kind, label in ORGANIZATION_KIND_LABELS.items()}


class Cart(Model):
    """A visitor's cart (found by a token in their session) or a user's cart."""

    __tablename__ = "carts"
    __table_args__ = (CheckConstraint("token IS NOT NULL OR user_id IS NOT NULL", name="has_owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str | None] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    lines: Mapped[list[CartLine]] = relationship(back_populates="cart", cascade="all, delete-orphan",
                                                 order_by="CartLine.id")


class CartLine(Model):
    """A product and quantity in a cart, with the price the buyer saw when adding it."""

    __tablename__ = "cart_lines"
    __table_args__ = (
        UniqueConstraint("cart_id", "product_id"),
        CheckConstraint(f"quantity > 0 AND quantity <= {MAX_QUANTITY}", name="quantity_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(ForeignKey("carts.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int]
    price_seen_fen: Mapped[int]
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cart: Mapped[Cart] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()


class _DeliveryAddress:
    """A delivery address in the Chinese format: who, their mobile, province / city / district, street."""

    recipient: Mapped[str] = mapped_column(String(40))
    mobile: Mapped[str] = mapped_column(String(11))
    province: Mapped[str] = mapped_column(String(40))
    city: Mapped[str] = mapped_column(String(40))
    district: Mapped[str] = mapped_column(String(40))
    street: Mapped[str] = mapped_column(String(200))

    @property
    def address_line(self) -> str:
        return f"{self.province} {self.city} {self.district} {self.street}"


class Address(_DeliveryAddress, Model):
    """A saved delivery address."""

    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Order(_DeliveryAddress, Model):
    """An order: who bought, for whom, where it goes, and where it is in its lifecycle."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("total_fen >= 0", name="total_not_negative"),
        Index("ix_orders_status_expires", "status", "expires_at"),
        Index("ix_orders_user_created", "user_id", "created_at"),
        Index("ix_orders_organization_created", "organization_id", "created_at"),
        Index("ix_orders_paid_at", "paid_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    checkout_token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    buyer_class: Mapped[BuyerClass] = mapped_column(string_enum(BuyerClass, 24), index=True)
    status: Mapped[OrderStatus] = mapped_column(string_enum(OrderStatus, 24), default=OrderStatus.PENDING_PAYMENT)
    total_fen: Mapped[int]
    item_count: Mapped[int]
    # The delivery address (from _DeliveryAddress) and invoice details as they were when the order was placed.
    invoice_title: Mapped[str | None] = mapped_column(String(120))
    tax_number: Mapped[str | None] = mapped_column(String(20))
    invoice_type: Mapped[InvoiceType | None] = mapped_column(string_enum(InvoiceType, 16))  # None: no invoice
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    # A gift order goes to many recipients (OrderRecipient); its own address fields then name only the buyer.
    is_gift: Mapped[bool] = mapped_column(default=False, server_default=false())

    user: Mapped[User] = relationship()
    organization: Mapped[Organization | None] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(back_populates="order", order_by="OrderLine.id",
                                                  cascade="all, delete-orphan")
    shipments: Mapped[list[Shipment]] = relationship(back_populates="order", order_by="Shipment.id")
    events: Mapped[list[OrderEvent]] = relationship(back_populates="order", order_by="OrderEvent.id")
    recipients: Mapped[list[OrderRecipient]] = relationship(order_by="OrderRecipient.id", cascade="all, delete-orphan")
    shipping: Mapped[list[OrderShipping]] = relationship(order_by="OrderShipping.cooperative_id",
                                                         cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Order {self.number} {self.status}>"

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def buyer_class_label(self) -> str:
        return str(BUYER_CLASS_LABELS[self.buyer_class])

    @property
    def invoice_type_label(self) -> str | None:
        return None if self.invoice_type is None else str(INVOICE_TYPE_LABELS[self.invoice_type])

    @property
    def shipping_fen(self) -> int:
        """What the order charges for shipping (part of total_fen; not product sales)."""
        return sum(row.fee_fen for row in self.shipping)

    @property
    def goods_fen(self) -> int:
        """What the order's products cost: the total without shipping."""
        return self.total_fen - self.shipping_fen

    def shipping_for(self, cooperative_id: int) -> OrderShipping | None:
        """The cooperative's shipping on this order, if it was charged any row."""
        return next((row for row in self.shipping if row.cooperative_id == cooperative_id), None)

    @property
    def cooperative_ids(self) -> list[int]:
        return sorted({line.cooperative_id for line in self.lines})


class OrderLine(Model):
    """One product of an order, with a snapshot of everything reports count, taken at purchase time."""

    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint(f"quantity > 0 AND quantity <= {MAX_QUANTITY}", name="quantity_range"),
        CheckConstraint("unit_price_fen > 0", name="unit_price_positive"),
        CheckConstraint("line_total_fen = unit_price_fen * quantity", name="line_total_consistent"),
        # A product's lines newest first: the tallies label each product from its latest line (migration 0030).
        Index("ix_order_lines_product_newest", "product_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperatives.id"), index=True)
    cooperative_name: Mapped[str] = mapped_column(String(120))
    sku: Mapped[str] = mapped_column(String(64))
    product_name: Mapped[str] = mapped_column(String(120))
    spec: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(16))
    unit_price_fen: Mapped[int]
    quantity: Mapped[int]
    line_total_fen: Mapped[int]
    net_weight_g: Mapped[int]  # per unit
    origin_county_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    origin_county_name: Mapped[str] = mapped_column(String(64))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipments.id"))

    order: Mapped[Order] = relationship(back_populates="lines")
    shipment: Mapped[Shipment | None] = relationship()
    # In a gift order each line is one recipient's (gift_lines). A table of its own rather than a column: adding
    # a foreign key to order_lines would copy that table on SQLite, and refund lines cascade from its rows.
    recipient: Mapped[OrderRecipient | None] = relationship(secondary="gift_lines")


gift_lines = Table(
    "gift_lines", Model.metadata,
    Column("order_line_id", ForeignKey("order_lines.id", ondelete="CASCADE"), primary_key=True),
    Column("recipient_id", ForeignKey("order_recipients.id", ondelete="CASCADE"), nullable=False, index=True),
)


class OrderRecipient(_DeliveryAddress, Model):
    """One recipient of a gift order, with the address their parcels go to (a row of the uploaded file)."""

    __tablename__ = "order_recipients"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    row: Mapped[int]  # the file's row it came from (its first, when the recipient has several products)


class OrderShipping(Model):
    """What an order charges for one cooperative's parcels, fixed at checkout from the cooperative's terms.

    In a gift order each recipient's parcel is priced on its own, so `parcels` may be more than one."""

    __tablename__ = "order_shipping"
    __table_args__ = (
        UniqueConstraint("order_id", "cooperative_id"),
        CheckConstraint("parcels > 0", name="parcels_positive"),
        CheckConstraint("fee_fen >= 0", name="fee_not_negative"),
        CheckConstraint("free_parcels >= 0 AND free_parcels <= parcels", name="free_parcels_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperatives.id"), index=True)
    parcels: Mapped[int]
    free_parcels: Mapped[int]  # parcels that reached the 包邮 threshold (or a fee of nothing)
    fee_fen: Mapped[int]  # all of this cooperative's parcels together

    cooperative: Mapped[Cooperative] = relationship()


class Shipment(Model):
    """A cooperative's parcel for its lines of an order; in a gift order, for one recipient's lines."""

    __tablename__ = "shipments"
    __table_args__ = (
        # One parcel per cooperative in an ordinary order; in a gift order one per recipient and cooperative.
        Index("uq_shipments_order_cooperative", "order_id", "cooperative_id", unique=True,
              sqlite_where=text("recipient_id IS NULL"), postgresql_where=text("recipient_id IS NULL")),
        UniqueConstraint("recipient_id", "cooperative_id"),
        Index("ix_shipments_order_id", "order_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperatives.id"), index=True)
    carrier: Mapped[str] = mapped_column(String(40))
    tracking_number: Mapped[str] = mapped_column(String(64))
    shipped_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    shipped_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("order_recipients.id", ondelete="CASCADE"))
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # gift parcels: the buyer confirmed it

    order: Mapped[Order] = relationship(back_populates="shipments")


EventLabel = Callable[[Mapping[str, Any]], str]
"""How to word an event of one kind from its params, in the current language."""

EXPIRED = "expired"  # cancelled because the payment time ran out
EVENT_LABELS: dict[str, EventLabel] = {EXPIRED: lambda params: _("payment time ran out")}


def register_event_labels(app: Flask, labels: Mapping[str, EventLabel]) -> None:
    """Make the event kinds in `labels` (kind -> label) known to `app`; called from create_app."""
    app.extensions.setdefault("order_event_labels", {}).update(labels)


class OrderEvent(Model):
    """A timestamped step of an order's lifecycle: the order's timeline."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    from_status: Mapped[OrderStatus | None] = mapped_column(string_enum(OrderStatus, 24))
    to_status: Mapped[OrderStatus] = mapped_column(string_enum(OrderStatus, 24))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(200), default="")  # free text, e.g. a cancel reason
    kind: Mapped[str | None] = mapped_column(String(32))  # a fixed detail, worded when shown (EVENT_LABELS)
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # plain values the kind's label needs

    order: Mapped[Order] = relationship(back_populates="events")

    @property
    def to_label(self) -> str:
        return str(STATUS_LABELS[self.to_status])

    @property
    def note_label(self) -> str:
        """The detail after the status on the timeline: the kind worded in the reader's language, or the note."""
        label = current_app.extensions.get("order_event_labels", {}).get(self.kind) if self.kind else None
        return label(self.params or {}) if label else self.note or (self.kind or "")


class OrderCounter(Model):
    """The last order number used on a calendar day (China time): BF20261127-000123."""

    __tablename__ = "order_counters"

    day: Mapped[date] = mapped_column(primary_key=True)
    last: Mapped[int]

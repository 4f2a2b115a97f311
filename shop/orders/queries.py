"""Read-side queries about orders: the cart as the buyer sees it, a buyer's tabs, who may see an order, and the
staff desk's search."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from shop.accounts.models import OrganizationMembership
from shop.catalog.pictures import first_pictures
from shop.cooperatives.shipping import ShippingTerms
from shop.core.images import Picture
from shop.core.timezones import CHINA_TZ
from shop.extensions import db
from shop.orders.cart import CartOwner, CartRow
from shop.orders.models import BuyerClass, Cart, CartLine, Order, OrderLine, OrderShipping, OrderStatus, Shipment
from shop.web.pagination import Page, paginate

S = OrderStatus
# The buyer's tabs: 待付款 / 待发货 / 待收货 / 已完成
TABS = {
    "pending": (S.PENDING_PAYMENT,),
    "to_ship": (S.PAID,),
    "to_receive": (S.SHIPPED,),
    "done": (S.RECEIVED, S.COMPLETED),
    "cancelled": (S.CANCELLED,),
}


def _visible_to(user_id: int, organization_id: int | None) -> Select[Order]:
    """Orders the viewer may see: acting for an organization, its orders; otherwise their own personal ones."""
    if organization_id is not None:
        return select(Order).where(Order.organization_id == organization_id)
    return select(Order).where(Order.user_id == user_id, Order.organization_id.is_(None))


def buyer_orders(user_id: int, organization_id: int | None, tab: str | None, page: int,
                 per_page: int = 20) -> Page:
    """One page of the orders the viewer may see, newest first, narrowed to a tab."""
    stmt = _visible_to(user_id, organization_id)
    if tab in TABS:
        stmt = stmt.where(Order.status.in_(TABS[tab]))
    return paginate(stmt.order_by(Order.created_at.desc(), Order.id.desc()), page, per_page)


def tab_counts(user_id: int, organization_id: int | None) -> dict[str, int]:
    """How many of the viewer's orders each tab holds (one query)."""
    stmt = _visible_to(user_id, organization_id).with_only_columns(Order.status, func.count()).group_by(Order.status)
    by_status = dict(db.session.execute(stmt).all())
    return {tab: sum(by_status.get(status, 0) for status in statuses) for tab, statuses in TABS.items()}


@dataclass(frozen=True)
class LineThumb:
    """A small picture of an ordered product (None when it has no photo), named for its alt text."""

    name: str
    picture: Picture | None


def order_thumbs(order_ids: list[int], limit: int = 4) -> dict[int, list[LineThumb]]:
    """The first few lines' pictures of each order, for the order list (two queries for a page)."""
    lines = db.session.execute(
        select(OrderLine.order_id, OrderLine.product_id, OrderLine.product_name)
        .where(OrderLine.order_id.in_(order_ids)).order_by(OrderLine.order_id, OrderLine.id)).all()
    thumbs = first_pictures(line.product_id for line in lines)
    result: dict[int, list[LineThumb]] = {order_id: [] for order_id in order_ids}
    for line in lines:
        if len(result[line.order_id]) < limit:
            result[line.order_id].append(LineThumb(line.product_name, thumbs.get(line.product_id)))
    return result


@dataclass
class Parcel:
    """One cooperative's part of an order: its lines, their pictures, and its shipment once sent."""

    cooperative_id: int
    cooperative_name: str
    lines: list[OrderLine] = field(default_factory=list)
    shipment: Shipment | None = None
    shipping: OrderShipping | None = None  # None: the order charged this cooperative no shipping row

    @property
    def total_fen(self) -> int:
        return sum(line.line_total_fen for line in self.lines)


def order_parcels(order: Order) -> tuple[list[Parcel], dict[int, Picture]]:
    """The order's lines grouped by cooperative (in the order they were added) with each group's shipment,
    and the products' first photos by product id."""
    parcels: dict[int, Parcel] = {}
    for line in order.lines:
        parcel = parcels.setdefault(line.cooperative_id, Parcel(line.cooperative_id, line.cooperative_name))
        parcel.lines.append(line)
    for shipment in order.shipments:
        if shipment.cooperative_id in parcels:
            parcels[shipment.cooperative_id].shipment = shipment
    for parcel in parcels.values():
        parcel.shipping = order.shipping_for(parcel.cooperative_id)
    return list(parcels.values()), first_pictures(line.product_id for line in order.lines)


# -- the cart as the buyer sees it -------------------------------------------------------------------------------------

@dataclass
class CartGroup:
    """The cart's lines from one cooperative: shipped together, so shown together."""

    cooperative_id: int
    cooperative_name: str
    terms: ShippingTerms = ShippingTerms()
    rows: list[CartRow] = field(default_factory=list)

    @property
    def subtotal_fen(self) -> int:
        """What the lines still on sale cost together."""
        return sum(row.subtotal_fen for row in self.rows if row.available)

    @property
    def shipping_fen(self) -> int:
        """What this cooperative's parcel would cost to ship, as checkout will charge it (nothing when empty)."""
        return self.terms.parcel_fee(self.subtotal_fen) if self.subtotal_fen else 0

    @property
    def to_free_fen(self) -> int | None:
        """How much more from this cooperative would ship the parcel free, if that can happen."""
        return self.terms.to_free_fen(self.subtotal_fen) if self.subtotal_fen else None


def group_cart(rows: list[CartRow]) -> list[CartGroup]:
    """Cart rows grouped by cooperative, with its shipping terms; groups in the order their first line was added."""
    groups: dict[int, CartGroup] = {}
    for row in rows:
        cooperative = row.product.cooperative
        terms = ShippingTerms(cooperative.shipping_fee_fen, cooperative.free_shipping_from_fen)
        groups.setdefault(cooperative.id, CartGroup(cooperative.id, cooperative.name, terms)).rows.append(row)
    return list(groups.values())


def cart_total(groups: list[CartGroup]) -> int:
    """What checking the cart out costs: its lines still on sale and each cooperative's shipping."""
    return sum(group.subtotal_fen + group.shipping_fen for group in groups)


def cart_quantity(owner: CartOwner) -> int:
    """How many items the cart holds (the sum of its quantities), for the cart badge."""
    if owner.user_id is None and not owner.token:
        return 0
    mine = Cart.user_id == owner.user_id if owner.user_id is not None else Cart.token == owner.token
    return db.session.scalar(select(func.coalesce(func.sum(CartLine.quantity), 0))
                             .join(Cart, Cart.id == CartLine.cart_id).where(mine)) or 0


def order_for_viewer(number: str, user_id: int) -> Order | None:
    """An order its buyer may open: their own, or one of an organization they belong to."""
    order = db.session.scalar(select(Order).where(Order.number == number).options(*_details()))
    if order is None:
        return None
    if order.user_id == user_id and order.organization_id is None:
        return order
    if order.organization_id is not None:
        member = db.session.scalar(select(OrganizationMembership.id).filter_by(
            organization_id=order.organization_id, user_id=user_id))
        if member is not None:
            return order
    return None


def may_act_on(order: Order, user_id: int) -> bool:
    """Whether a person who may see `order` may also pay, cancel or receive it: its buyer, or for an organization's
    order a member whose role may buy for it (a viewer only looks)."""
    if order.organization_id is None:
        return order.user_id == user_id
    return can_buy_for(order.organization_id, user_id)


def can_buy_for(organization_id: int, user_id: int) -> bool:
    """Whether the person's role in the organization lets them order and pay for it."""
    role = db.session.scalar(select(OrganizationMembership.role).filter_by(
        organization_id=organization_id, user_id=user_id))
    return role is not None and role.can_buy


def order_by_number(number: str) -> Order | None:
    return db.session.scalar(select(Order).where(Order.number == number).options(*_details()))


def _details() -> tuple[LoaderOption, ...]:
    return (selectinload(Order.lines), selectinload(Order.shipments), selectinload(Order.events),
            selectinload(Order.user), selectinload(Order.organization))


@dataclass(frozen=True)
class StaffOrderFilters:
    status: OrderStatus | None = None
    date_from: date | None = None  # calendar dates in China, inclusive
    date_to: date | None = None
    buyer_class: BuyerClass | None = None
    organization_id: int | None = None
    cooperative_id: int | None = None
    county_code: str | None = None
    number: str | None = None


def china_day_start(day: date) -> datetime:
    """The UTC instant a China calendar day begins."""
    return datetime.combine(day, time.min, tzinfo=CHINA_TZ)


def staff_orders(filters: StaffOrderFilters, page: int, per_page: int = 50) -> Page:
    """The staff desk's order search, newest first."""
    stmt = select(Order)
    if filters.number:
        stmt = stmt.where(Order.number == filters.number.strip().upper())
    if filters.status:
        stmt = stmt.where(Order.status == filters.status)
    if filters.date_from:
        stmt = stmt.where(Order.created_at >= china_day_start(filters.date_from))
    if filters.date_to:
        stmt = stmt.where(Order.created_at < china_day_start(filters.date_to + timedelta(days=1)))
    if filters.buyer_class:
        stmt = stmt.where(Order.buyer_class == filters.buyer_class)
    if filters.organization_id:
        stmt = stmt.where(Order.organization_id == filters.organization_id)
    if filters.cooperative_id:
        stmt = stmt.where(Order.id.in_(
            select(OrderLine.order_id).where(OrderLine.cooperative_id == filters.cooperative_id)))
    if filters.county_code:
        stmt = stmt.where(Order.id.in_(
            select(OrderLine.order_id).where(OrderLine.origin_county_code == filters.county_code)))
    stmt = stmt.options(selectinload(Order.user), selectinload(Order.organization))
    return paginate(stmt.order_by(Order.created_at.desc(), Order.id.desc()), page, per_page)


def overdue_shipments(paid_before: datetime, limit: int = 5) -> tuple[int, list[Order]]:
    """Orders paid before `paid_before` and still not (fully) shipped: how many, and the `limit` oldest."""
    stmt = select(Order).where(Order.status == S.PAID, Order.paid_at < paid_before)
    count = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    oldest = list(db.session.scalars(stmt.order_by(Order.paid_at, Order.id).limit(limit)))
    return count, oldest

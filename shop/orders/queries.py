"""Read-side queries about orders: a buyer's tabs, who may see an order, and the staff desk's search."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from shop.accounts.models import OrganizationMembership
from shop.core.timezones import CHINA_TZ
from shop.extensions import db
from shop.orders.models import BuyerClass, Order, OrderLine, OrderStatus
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
    stmt = _visible_to(user_id, organization_id)
    if tab in TABS:
        stmt = stmt.where(Order.status.in_(TABS[tab]))
    return paginate(stmt.order_by(Order.created_at.desc(), Order.id.desc()), page, per_page)


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

"""The figures of the staff and cooperative dashboards, each gathered from its owning domain's queries."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shop.catalog import queries as catalog
from shop.catalog.models import Product
from shop.cooperatives import queries as cooperatives
from shop.cooperatives.models import VerificationStatus
from shop.orders import fulfilment
from shop.orders import queries as orders
from shop.orders.models import Order
from shop.organizations import queries as organizations
from shop.organizations.models import OrganizationStatus
from shop.payments import queries as payments
from shop.reports.queries import Sales, sales_between


@dataclass(frozen=True)
class StaffDashboard:
    """What the staff home page shows."""

    day: date
    today: Sales
    month: Sales
    open_alerts: int
    cooperatives_to_review: int
    organizations_to_review: int
    overdue: int
    overdue_oldest: list[Order]
    ship_within_days: int


@dataclass(frozen=True)
class CoopDashboard:
    """What a cooperative's portal home shows."""

    to_ship: int
    oldest_to_ship: Order | None
    low_stock: list[Product]
    low_stock_units: int
    month: Sales
    without_photos: list[Product]


def staff_dashboard(today: date, now: datetime, ship_within_days: int) -> StaffDashboard:
    """The staff dashboard on `today` (China calendar) at `now` (UTC)."""
    overdue, oldest = orders.overdue_shipments(now - timedelta(days=ship_within_days))
    return StaffDashboard(
        day=today, today=sales_between(today, today), month=sales_between(today.replace(day=1), today),
        open_alerts=payments.open_alert_count(),
        cooperatives_to_review=cooperatives.count_with_status(VerificationStatus.APPLIED),
        organizations_to_review=organizations.count_with_status(OrganizationStatus.APPLIED),
        overdue=overdue, overdue_oldest=oldest, ship_within_days=ship_within_days)


def coop_dashboard(cooperative_id: int, today: date, low_stock_units: int) -> CoopDashboard:
    """One cooperative's dashboard on `today` (China calendar): only its own orders, lines and listings."""
    to_ship, oldest = fulfilment.to_ship_summary(cooperative_id)
    return CoopDashboard(
        to_ship=to_ship, oldest_to_ship=oldest,
        low_stock=catalog.low_stock(cooperative_id, low_stock_units), low_stock_units=low_stock_units,
        month=sales_between(today.replace(day=1), today, cooperative_id),
        without_photos=catalog.without_photos(cooperative_id))

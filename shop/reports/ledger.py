"""The order ledger in SQL, and tallies grouped by any of its keys.

Counting rules (also in the README):
- a line counts on the date its order was paid (calendar date in Asia/Shanghai); unpaid orders count nothing;
- a refund counts as a negative on the date of the refund, for the line's county;
- attribution comes from the order line's snapshot (county, cooperative, price, weight, category);
- by helper region, a sale counts for every pairing of its county valid on the payment date, so helper
  totals may overlap (the totals row is the ledger's own total, not the sum of the helpers);
- sales are grouped by the origin side, purchases by the buyer side; both read the same ledger.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, TypeAlias

from flask import current_app
from sqlalchemy import (
    Date,
    Label,
    Subquery,
    and_,
    case,
    cast,
    distinct,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql import ColumnElement, Select

from shop.core.database import working_memory
from shop.core.replica import replica_reads
from shop.core.timezones import CHINA_TZ
from shop.extensions import db
from shop.orders.models import Order, OrderLine
from shop.organizations.models import Organization
from shop.payments.models import Refund, RefundLine, RefundStatus
from shop.regions.models import Pairing, Region

TZ_NAME = "Asia/Shanghai"
SQLITE_OFFSET = "+8 hours"  # Asia/Shanghai has had no daylight saving time since 1991

Key: TypeAlias = str | int | None
"""A grouping key's value: a region code, an id, a month (YYYY-MM), a buyer class; None for the public."""
KeyNames: TypeAlias = Callable[[Key], dict[str, Key]]
"""Names the key columns of one group from its key."""
Labeler: TypeAlias = Callable[[list[Key], "Filters"], KeyNames]
"""Makes the Label for a tally's keys (looking their names up once)."""
AnySelect: TypeAlias = Select[*tuple[Any, ...]]
"""A SELECT of columns of several types."""


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    buyer_class: str | None = None
    organization_id: int | None = None
    cooperative_id: int | None = None
    category_id: int | None = None
    county: str | None = None


@dataclass(frozen=True)
class Grouping:
    """One way to group the ledger: its key columns (see reports/columns.py) and whether it is the buyer side."""

    name: str
    keys: tuple[str, ...]
    buyer_side: bool = False


GROUPINGS: dict[str, Grouping] = {g.name: g for g in (
    Grouping("county", ("county_code", "county", "prefecture", "province", "helpers")),
    Grouping("prefecture", ("prefecture_code", "prefecture", "province")),
    Grouping("province", ("province_code", "province")),
    Grouping("helper", ("helper_code", "helper")),
    Grouping("cooperative", ("cooperative_id", "cooperative")),
    Grouping("product", ("product_id", "sku", "product", "cooperative")),
    Grouping("category", ("category_id", "category")),
    Grouping("month", ("month",)),
    Grouping("organization", ("organization_id", "organization"), buyer_side=True),
    Grouping("buyer_class", ("buyer_class",), buyer_side=True),
    Grouping("buyer_region", ("buyer_region_code", "buyer_region"), buyer_side=True),
)}


@dataclass
class Row:
    keys: dict[str, Key]
    orders: int
    buyers: int
    units: int
    weight_g: int
    gross_fen: int
    refunded_fen: int

    @property
    def net_fen(self) -> int:
        return self.gross_fen - self.refunded_fen


@dataclass
class Tally:
    grouping: Grouping
    filters: Filters
    rows: list[Row]
    totals: Row | None  # None when not asked for (the CSV has no totals row)
    notes: list[str] = field(default_factory=list)

    def require_totals(self) -> Row:
        """The totals row, for callers that asked for one (ValueError when the tally was made without it)."""
        if self.totals is None:
            raise ValueError("this tally was made without its totals row")
        return self.totals


def utc_bounds(filters: Filters) -> tuple[datetime | None, datetime | None]:
    """The period's local calendar days as UTC instants [start, end)."""
    start = end = None
    if filters.date_from:
        start = datetime.combine(filters.date_from, time(0), CHINA_TZ).astimezone(timezone.utc)
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time(0), CHINA_TZ).astimezone(timezone.utc)
    return start, end


def _is_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def local_day(column: ColumnElement[datetime | None]) -> ColumnElement[date]:
    if _is_sqlite():
        return func.date(column, SQLITE_OFFSET)
    return cast(func.timezone(TZ_NAME, column), Date)


def local_month(column: ColumnElement[datetime | None]) -> ColumnElement[str]:
    if _is_sqlite():
        return func.strftime("%Y-%m", column, SQLITE_OFFSET)
    return func.to_char(func.timezone(TZ_NAME, column), "YYYY-MM")


def buyer_key() -> ColumnElement[int]:
    """An organization counts as one buyer; otherwise the person."""
    return case((Order.organization_id.is_not(None), -Order.organization_id), else_=Order.user_id)


def ledger(filters: Filters) -> Subquery:
    """Sale rows (one per paid order line, at the payment time) and refund rows (one per refunded line
    part, at the refund time, negative), as one subquery."""
    start, end = utc_bounds(filters)
    common = (OrderLine.order_id.label("order_id"), buyer_key().label("buyer_key"),
              Order.organization_id.label("organization_id"), Order.buyer_class.label("buyer_class"),
              OrderLine.origin_county_code.label("county_code"), OrderLine.cooperative_id.label("cooperative_id"),
              OrderLine.product_id.label("product_id"), OrderLine.category_id.label("category_id"),
              Order.paid_at.label("paid_at"))
    sales = (
        select(*common, literal(1).label("is_sale"), Order.paid_at.label("at"), OrderLine.quantity.label("units"),
               (OrderLine.quantity * OrderLine.net_weight_g).label("weight_g"),
               OrderLine.line_total_fen.label("gross_fen"), literal(0).label("refunded_fen"))
        .select_from(OrderLine).join(Order, Order.id == OrderLine.order_id)
        .where(Order.paid_at.is_not(None))
    )
    refunds = (
        select(*common, literal(0).label("is_sale"), Refund.refunded_at.label("at"),
               (-RefundLine.quantity).label("units"), (-RefundLine.quantity * OrderLine.net_weight_g).label("weight_g"),
               literal(0).label("gross_fen"), RefundLine.amount_fen.label("refunded_fen"))
        .select_from(RefundLine).join(Refund, Refund.id == RefundLine.refund_id)
        .join(OrderLine, OrderLine.id == RefundLine.order_line_id).join(Order, Order.id == OrderLine.order_id)
        .where(Refund.status == RefundStatus.SUCCEEDED, Refund.refunded_at.is_not(None),
               Order.paid_at.is_not(None))
    )
    sales = _filtered(sales, filters, Order.paid_at, start, end)
    refunds = _filtered(refunds, filters, Refund.refunded_at, start, end)
    return union_all(sales, refunds).subquery("ledger")


def _filtered(stmt: AnySelect, filters: Filters, moment: QueryableAttribute[datetime | None], start: datetime | None,
              end: datetime | None) -> AnySelect:
    if start is not None:
        stmt = stmt.where(moment >= start)
    if end is not None:
        stmt = stmt.where(moment < end)
    if filters.buyer_class:
        stmt = stmt.where(Order.buyer_class == filters.buyer_class)
    if filters.organization_id:
        stmt = stmt.where(Order.organization_id == filters.organization_id)
    if filters.cooperative_id:
        stmt = stmt.where(OrderLine.cooperative_id == filters.cooperative_id)
    if filters.category_id:
        stmt = stmt.where(OrderLine.category_id == filters.category_id)
    if filters.county:
        stmt = stmt.where(OrderLine.origin_county_code == filters.county)
    return stmt


def _metrics(led: Subquery) -> list[Label[int]]:
    return [
        func.count(distinct(case((led.c.is_sale == 1, led.c.order_id), else_=null()))).label("orders"),
        func.count(distinct(case((led.c.is_sale == 1, led.c.buyer_key), else_=null()))).label("buyers"),
        func.coalesce(func.sum(led.c.units), 0).label("units"),
        func.coalesce(func.sum(led.c.weight_g), 0).label("weight_g"),
        func.coalesce(func.sum(led.c.gross_fen), 0).label("gross_fen"),
        func.coalesce(func.sum(led.c.refunded_fen), 0).label("refunded_fen"),
    ]


def grouped_statement(by: str, filters: Filters) -> AnySelect:
    """The one SQL statement behind a tally: GROUP BY the grouping's key over the ledger."""
    led = ledger(filters)
    metrics = _metrics(led)
    county = Region.__table__.alias("county")
    if by in ("county", "prefecture", "province"):
        stmt = select(led.c.county_code.label("county_code"), *metrics).group_by(led.c.county_code)
        if by == "county":
            return stmt.order_by(led.c.county_code)
        level = county.c.prefecture_code if by == "prefecture" else county.c.province_code
        return (select(level.label("code"), *metrics).select_from(led)
                .join(county, county.c.code == led.c.county_code).group_by(level).order_by(level))
    if by == "helper":
        day = local_day(led.c.paid_at)
        return (select(Pairing.helper_code.label("code"), *metrics).select_from(led)
                .join(Pairing, and_(Pairing.recipient_code == led.c.county_code, Pairing.starts_on <= day,
                                    or_(Pairing.ends_on.is_(None), Pairing.ends_on >= day)))
                .group_by(Pairing.helper_code).order_by(Pairing.helper_code))
    column: ColumnElement[Any] | QueryableAttribute[Any] | None
    column = {"cooperative": led.c.cooperative_id, "product": led.c.product_id, "category": led.c.category_id,
              "month": local_month(led.c.at), "organization": led.c.organization_id,
              "buyer_class": led.c.buyer_class}.get(by)
    if by == "buyer_region":
        column = Organization.region_code
        return (select(column.label("code"), *metrics).select_from(led)
                .outerjoin(Organization, Organization.id == led.c.organization_id)
                .group_by(column).order_by(column))
    if column is None:
        raise ValueError(f"unknown grouping {by!r}")
    return select(column.label("code"), *metrics).group_by(column).order_by(column)


def totals_statement(filters: Filters) -> AnySelect:
    led = ledger(filters)
    return select(*_metrics(led))


def _row(keys: dict[str, Key], record: Any) -> Row:
    """A tally row from a result row of the lines or a rollup_read.Record (the same named columns)."""
    return Row(keys=keys, orders=int(record.orders), buyers=int(record.buyers), units=int(record.units),
               weight_g=int(record.weight_g), gross_fen=int(record.gross_fen), refunded_fen=int(record.refunded_fen))


def tally(by: str, filters: Filters, with_totals: bool = True) -> Tally:
    """Run the grouped statement and label its keys (names come from small lookups, not per line).

    Both read the rollups when they answer them exactly (reports/rollup_read.py), else the lines. The totals cost
    a pass of their own over the lines (distinct orders and buyers cannot be summed from the groups), so callers
    that do not show them skip them. They read the reports replica when one is configured (core.replica)."""
    from shop.reports import labels, rollup_read  # they build on this module: imported when first needed

    grouping = GROUPINGS[by]
    with replica_reads(db.session):
        working_memory(db.session, current_app.config["REPORT_WORK_MEM"])
        records: Sequence[Any] | None
        records, total = rollup_read.tally_records(by, filters, with_totals) if rollup_read.enabled() else (None, None)
        if records is None:
            records = db.session.execute(grouped_statement(by, filters)).all()
        codes = [record[0] for record in records]
        label = labels.LABELERS[by](codes, filters)
        rows = [_row(label(code), record) for code, record in zip(codes, records)]
        totals = None
        if with_totals:
            totals = _row({}, total or db.session.execute(totals_statement(filters)).one())
    notes = []
    if by == "helper":
        notes.append("helper totals overlap: a county paired with several helpers counts for each of them")
    return Tally(grouping, filters, rows, totals, notes)

"""Tallies read from the rollups instead of the order lines, when the rollups answer them exactly.

Sums and distinct orders come from the daily rollup (`daily_tallies`), which holds every day (it is kept in the
transactions that pay and refund), so whole-day periods are always covered. Distinct buyers come from who bought what
each month (`monthly_buyers`) for the period's whole months, and from the order lines for the days of a month the
period takes only part of (at most a month at either end; a period that ends today counts as ending with its month,
since nothing can have been paid later). The two are read in one statement each, and joined here by group.

What the daily rollup cannot answer is a distinct count of orders that its first-line markers do not cover: by
helper region (a county's orders count for each of its helpers), or with filters finer than the grouping (orders of
a cooperative, counted per county). Those tallies return None here and are computed from the lines.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import (
    CTE,
    CompoundSelect,
    DateTime,
    FromClause,
    Subquery,
    cast,
    distinct,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.sql import ColumnElement, Select

from shop.core.replica import replica_reads
from shop.core.timezones import CHINA_TZ
from shop.extensions import db
from shop.orders.models import Order
from shop.organizations.models import Organization
from shop.regions.models import Region
from shop.reports import rollup
from shop.reports.labels import region_names
from shop.reports.ledger import Filters, tally
from shop.reports.rollup_models import BUYER_GRAIN, DailyTally, MonthlyBuyer

_ONE_DAY = timedelta(days=1)

# Named "ledger" in the SQL like the lines' subquery: the rollup is the same ledger, summed per day.
T = DailyTally.__table__.alias("ledger")
# The orders column to add up per grouping, and the filters finer than a line that leave it exact.
PRODUCT_LEVEL = {"product": ("orders", {"county", "cooperative", "category"}), "county": ("orders_county", {"county"}),
                 "prefecture": ("orders_prefecture", set()), "province": ("orders_province", set()),
                 "cooperative": ("orders_cooperative", {"cooperative"}), "category": ("orders_category", {"category"})}
ORDER_LEVEL_MARKERS = {"county": "orders_county", "cooperative": "orders_cooperative", "category": "orders_category"}
ORDER_LEVEL = ("month", "organization", "buyer_class", "buyer_region", "totals")
METRICS = ("units", "weight_g", "gross_fen", "refunded_fen")  # summed as they are


class Record(NamedTuple):
    """One group of a tally read from the rollups (the columns of reports.ledger.grouped_statement's rows)."""

    code: Any
    orders: int
    buyers: int
    units: int
    weight_g: int
    gross_fen: int
    refunded_fen: int


def enabled() -> bool:
    """Whether tallies read the rollup (TALLY_ROLLUP, on unless configured off)."""
    return bool(current_app.config["TALLY_ROLLUP"])


def _line_filters(filters: Filters) -> set[str]:
    return {name for name, value in (("county", filters.county), ("cooperative", filters.cooperative_id),
                                     ("category", filters.category_id)) if value}


def orders_column(by: str, filters: Filters) -> str | None:
    """The rollup column whose sum is the distinct orders of each group, or None when no column is exact."""
    used = _line_filters(filters)
    if by in PRODUCT_LEVEL:
        column, allowed = PRODUCT_LEVEL[by]
        return column if used <= allowed else None
    if by not in ORDER_LEVEL:
        return None  # helper: an order counts once for each helper of any of its counties
    if not used:
        return "orders_all"
    return ORDER_LEVEL_MARKERS[used.pop()] if len(used) == 1 else None


Shown = Callable[[ColumnElement[Any]], ColumnElement[Any]]


def _as_is(code: ColumnElement[Any]) -> ColumnElement[Any]:
    return code


def _sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def _where(stmt: Select[Any], filters: Filters, source: FromClause, dated: bool = True) -> Select[Any]:
    """The filters on a rollup's cells (`source`: the daily rollup, or the buyers of the period); the period too
    when `dated` (the buyers' rows are of the period already)."""
    for name, value in (("buyer_class", filters.buyer_class), ("organization_id", filters.organization_id),
                        ("cooperative_id", filters.cooperative_id), ("category_id", filters.category_id),
                        ("county_code", filters.county)):
        if value:
            stmt = stmt.where(source.c[name] == value)
    if dated and filters.date_from:
        stmt = stmt.where(source.c.day >= filters.date_from)
    if dated and filters.date_to:
        stmt = stmt.where(source.c.day <= filters.date_to)
    return stmt


def _day_month() -> tuple[ColumnElement[Any], Shown]:
    """The month of a daily cell as a group key, and how to show it ('YYYY-MM'). PostgreSQL truncates the date and
    formats the few months afterwards: to_char() on every cell cost as much as the rest of the grouping."""
    if _sqlite():
        return func.strftime("%Y-%m", T.c.day), _as_is
    return func.date_trunc("month", cast(T.c.day, DateTime)), lambda code: func.to_char(code, "YYYY-MM")


def _grouping(by: str, cells: FromClause) -> tuple[ColumnElement[Any], FromClause, Shown]:
    """What a tally read from a rollup groups by: its key, the rollup's `cells` joined to what the key comes from,
    and how each group's key is shown."""
    if by in ("prefecture", "province"):
        county = Region.__table__.alias("county")
        level = county.c.prefecture_code if by == "prefecture" else county.c.province_code
        return level, cells.join(county, county.c.code == cells.c.county_code), _as_is
    if by == "buyer_region":
        return (Organization.__table__.c.region_code,
                cells.outerjoin(Organization.__table__, Organization.id == cells.c.organization_id), _as_is)
    if by == "month":
        if cells is T:
            month, shown = _day_month()
            return month, cells, shown
        if _sqlite():
            return func.strftime("%Y-%m", cells.c.month), cells, _as_is
        return cells.c.month, cells, lambda code: func.to_char(code, "YYYY-MM")
    return {"county": cells.c.county_code, "cooperative": cells.c.cooperative_id, "product": cells.c.product_id,
            "category": func.nullif(cells.c.category_id, 0), "organization": func.nullif(cells.c.organization_id, 0),
            "buyer_class": cells.c.buyer_class}[by], cells, _as_is


def _whole_groups(by: str) -> bool:
    """Whether every cell falls in one of the grouping's groups, so the totals can add up the groups. Not so for
    prefectures and provinces, whose groups leave out cells of a county missing from the regions."""
    return by not in ("prefecture", "province")


Statement = Select[Any] | CompoundSelect[Any]


def _with_totals(groups: CTE, code: ColumnElement[Any], totals: Select[Any]) -> CompoundSelect[Any]:
    return union_all(select(code.label("code"), literal(0).label("is_total"), *[
        column for column in groups.c if column.name not in ("code", "total_orders")]), totals
    ).order_by("is_total", "code")


# -- sums and distinct orders: the daily rollup ------------------------------------------------------------------

def _sums(orders: str) -> list[Any]:
    return [func.coalesce(func.sum(T.c[orders]), 0).label("orders"),
            *[func.coalesce(func.sum(T.c[name]), 0).label(name) for name in METRICS]]


def sums_statement(by: str, filters: Filters, with_totals: bool) -> Statement | None:
    """The tally's sums and distinct orders per group over the daily rollup, in the groups' order, then (with
    totals) its totals row; rows end with `is_total`. None when the rollup's order markers cannot answer it."""
    orders, total_orders = orders_column(by, filters), orders_column("totals", filters)
    if orders is None or (with_totals and total_orders is None):
        return None
    key, source, shown = _grouping(by, T)
    if not with_totals or total_orders is None:
        return (_where(select(shown(key).label("code"), literal(0).label("is_total"), *_sums(orders))
                       .select_from(source), filters, T).group_by(key).order_by(key))
    extra = func.coalesce(func.sum(T.c[total_orders]), 0).label("total_orders")
    groups = _where(select(key.label("code"), *_sums(orders), extra).select_from(source), filters, T).group_by(key)
    grouped = groups.cte("groups")
    totals: Select[Any]
    if _whole_groups(by):
        totals = select(null(), literal(1), func.coalesce(func.sum(grouped.c.total_orders), 0),
                        *[func.coalesce(func.sum(grouped.c[name]), 0) for name in METRICS])
    else:
        totals = _where(select(null(), literal(1), *_sums(total_orders)), filters, T)
    return _with_totals(grouped, shown(grouped.c.code), totals)


# -- distinct buyers: who bought what each month, and the lines of part months -----------------------------------

def _today() -> date:
    return datetime.now(CHINA_TZ).date()


def period_parts(filters: Filters, today: date | None = None) -> tuple[tuple[date | None, date | None] | None,
                                                                       list[tuple[date, date]]]:
    """The period split into its whole months (first and last month's first days, None for an open end; None when
    it has no whole month) and the runs of days in months it takes only part of. A period that ends today or later
    ends with its month: nothing can have been paid after today."""
    first, last = filters.date_from, filters.date_to
    if last is not None and last >= (today or _today()):
        last = None
    if first is not None and last is not None and rollup.month_start(first) == rollup.month_start(last) and not (
            first.day == 1 and last == rollup.month_end(last)):
        return None, [(first, last)]
    parts: list[tuple[date, date]] = []
    whole_first = whole_last = None
    if first is not None:
        whole_first = first
        if first.day != 1:
            parts.append((first, rollup.month_end(first)))
            whole_first = rollup.month_end(first) + _ONE_DAY
    if last is not None:
        whole_last = rollup.month_start(last)
        if last != rollup.month_end(last):
            parts.append((rollup.month_start(last), last))
            whole_last = rollup.month_start(rollup.month_start(last) - _ONE_DAY)
    if whole_first is not None and whole_last is not None and whole_first > whole_last:
        return None, parts
    return (whole_first, whole_last), parts


def bought(filters: Filters) -> Subquery:
    """Who bought what in the period, as MonthlyBuyer's grain (not summed: a buyer may appear more than once): the
    monthly rows of its whole months, and its part months' paid lines."""
    whole, parts = period_parts(filters)
    months = MonthlyBuyer.__table__
    dialect = db.session.get_bind().dialect.name
    selects = []
    if whole is not None:
        from_month, to_month = whole
        in_months = [condition for condition in (months.c.month >= from_month if from_month else None,
                                                 months.c.month <= to_month if to_month else None)
                     if condition is not None]
        selects.append(select(*[months.c[name] for name in BUYER_GRAIN]).where(*in_months))
    for first, last in parts:
        start, end = rollup.utc_range(first, last)
        selects.append(rollup.buyer_lines(dialect, [Order.paid_at >= start, Order.paid_at < end]))
    return (union_all(*selects) if len(selects) > 1 else selects[0]).subquery("bought")


def buyers_statement(by: str, filters: Filters, with_totals: bool) -> Statement:
    """The distinct buyers of each group (code, is_total, buyers), then (with totals) of the whole tally: each
    buyer's rows gathered per group first, then counted (COUNT(DISTINCT) would sort every row of the period)."""
    rows = bought(filters)
    key, source, shown = _grouping(by, rows)
    per_buyer = (_where(select(key.label("code"), rows.c.buyer_key).select_from(source), filters, rows, dated=False)
                 .group_by(key, rows.c.buyer_key).cte("per_buyer"))
    group_columns: list[Any] = [shown(per_buyer.c.code).label("code"), literal(0).label("is_total"),
                                func.count().label("buyers")]
    groups = select(*group_columns).group_by(per_buyer.c.code)
    if not with_totals:
        return groups.order_by(per_buyer.c.code)
    if _whole_groups(by):
        return union_all(groups, select(null(), literal(1), func.count(distinct(per_buyer.c.buyer_key)))
                         ).order_by("is_total", "code")
    total_columns: list[Any] = [null(), literal(1), func.count(distinct(rows.c.buyer_key))]
    totals = _where(select(*total_columns), filters, rows, dated=False)
    return union_all(groups, totals).order_by("is_total", "code")


def tally_records(by: str, filters: Filters,
                  with_totals: bool) -> tuple[Sequence[Record] | None, Record | None]:
    """The tally's group rows and totals row from the rollups (None, None when they cannot answer it): the sums
    and orders in one statement, the buyers in another, joined by group."""
    if with_totals and orders_column(by, filters) and not orders_column("totals", filters):
        return tally_records(by, filters, False)[0], None  # the groups from here, the totals from the lines
    sums = sums_statement(by, filters, with_totals)
    if sums is None:
        return None, None
    buyers = {(row.is_total, row.code): int(row.buyers)
              for row in db.session.execute(buyers_statement(by, filters, with_totals))}
    records = [Record(row.code, int(row.orders), buyers.get((row.is_total, row.code), 0),
                      *[int(row._mapping[name]) for name in METRICS]) for row in db.session.execute(sums)]
    if not with_totals:
        return records, None
    return records[:-1], records[-1]


def net_by_statement(key: ColumnElement[Any], filters: Filters) -> Select[Any]:
    """Net sales (gross less refunds) per `key` (a rollup column) in the period: sums alone, which the rollup
    answers exactly under any filter; for the charts, which show no distinct counts. The charts read it on the
    reports replica when there is one, as tallies do (core.replica)."""
    net = func.coalesce(func.sum(T.c.gross_fen), 0) - func.coalesce(func.sum(T.c.refunded_fen), 0)
    return _where(select(key, net.label("net_fen")), filters, T).group_by(key).order_by(key)


def county_net_sales(filters: Filters) -> list[tuple[str, int]]:
    """(county name, net sales) of every county with sales or refunds in the period, for the county chart: the
    rollup's sums per county (hashing no buyers: a third of the county tally's time), else the county tally."""
    if not enabled():
        return [(str(row.keys["county"]), row.net_fen) for row in tally("county", filters, with_totals=False).rows]
    with replica_reads(db.session):
        figures = db.session.execute(net_by_statement(T.c.county_code, filters)).all()
        names = region_names(code for code, _ in figures)
    return [(names.get(code, code), int(net_fen)) for code, net_fen in figures]


def monthly_net_sales(filters: Filters) -> list[tuple[str, int]]:
    """Net sales per month ('YYYY-MM') of the period, in month order, for the trend chart: the rollup's days summed
    (no distinct counts: a fifth of the month tally's time over millions of cells), else the month tally."""
    if not enabled():
        return [(str(row.keys["month"]), row.net_fen) for row in tally("month", filters, with_totals=False).rows]
    months: dict[str, int] = {}
    with replica_reads(db.session):
        days = db.session.execute(net_by_statement(T.c.day, filters)).all()
    for day, net_fen in days:
        month = str(day)[:7]  # a date, or 'YYYY-MM-DD' text on SQLite
        months[month] = months.get(month, 0) + int(net_fen)
    return sorted(months.items())

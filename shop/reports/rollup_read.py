"""Tallies read from the daily rollup instead of the order lines, when the rollup answers them exactly.

The rollup holds every day (it is kept in the transactions that pay and refund), so whole-day periods are always
covered. What it cannot answer is a distinct count of orders that its first-line markers do not cover: by helper
region (a county's orders count for each of its helpers), or with filters finer than the grouping (orders of a
cooperative, counted per county). Those tallies return None here and are computed from the lines.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import current_app
from sqlalchemy import (
    CTE,
    CompoundSelect,
    DateTime,
    FromClause,
    Label,
    Subquery,
    case,
    cast,
    distinct,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.engine import Row
from sqlalchemy.sql import ColumnElement, Select

from shop.extensions import db
from shop.organizations.models import Organization
from shop.regions.models import Region
from shop.reports.ledger import Filters, region_names, tally
from shop.reports.rollup_models import DailyTally

# Named "ledger" in the SQL like the lines' subquery: the rollup is the same ledger, summed per day.
T = DailyTally.__table__.alias("ledger")
# The orders column to add up per grouping, and the filters finer than a line that leave it exact.
PRODUCT_LEVEL = {"product": ("orders", {"county", "cooperative", "category"}), "county": ("orders_county", {"county"}),
                 "prefecture": ("orders_prefecture", set()), "province": ("orders_province", set()),
                 "cooperative": ("orders_cooperative", {"cooperative"}), "category": ("orders_category", {"category"})}
ORDER_LEVEL_MARKERS = {"county": "orders_county", "cooperative": "orders_cooperative", "category": "orders_category"}
ORDER_LEVEL = ("month", "organization", "buyer_class", "buyer_region", "totals")
METRICS = ("units", "weight_g", "gross_fen", "refunded_fen")  # summed as they are


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


def _per_buyer_select(key: ColumnElement[Any] | None, source: FromClause, orders: str, filters: Filters,
                      *extra: Label[Any]) -> Select[Any]:
    """The rollup's cells summed per group key (`key`, None for the totals) and buyer: one row per buyer and group,
    with the sale lines that say whether the buyer bought there. Counting those rows counts distinct buyers without a
    COUNT(DISTINCT), which sorted every cell of the period (to disk, past the default work_mem) where this hashes them
    into the groups' buyers."""
    keys = [] if key is None else [key.label("code")]
    per_buyer = select(*keys, T.c.buyer_key, func.sum(T.c.lines).label("lines"), func.sum(T.c[orders]).label("orders"),
                       *[func.sum(T.c[name]).label(name) for name in METRICS], *extra).select_from(source)
    group = [] if key is None else [key]
    return _where(per_buyer, filters).group_by(*group, T.c.buyer_key)


def _per_buyer(key: ColumnElement[Any] | None, source: FromClause, orders: str, filters: Filters) -> Subquery:
    return _per_buyer_select(key, source, orders, filters).subquery("per_buyer")


def _sums(per_buyer: Subquery | CTE) -> list[Label[Any]]:
    return [func.coalesce(func.sum(per_buyer.c[name]), 0).label(name) for name in METRICS]


def _metrics(per_buyer: Subquery | CTE) -> list[Label[Any]]:
    return [func.coalesce(func.sum(per_buyer.c.orders), 0).label("orders"),
            func.count(case((per_buyer.c.lines > 0, 1))).label("buyers"), *_sums(per_buyer)]


Shown = Callable[[ColumnElement[Any]], ColumnElement[Any]]


def _as_is(code: ColumnElement[Any]) -> ColumnElement[Any]:
    return code


def _grouped(key: ColumnElement[Any], source: FromClause, orders: str, filters: Filters, shown: Shown) -> Select[Any]:
    """The tally over the rollup grouped by `key` (joined from `source`), each group's key shown as `shown(key)`."""
    per_buyer = _per_buyer(key, source, orders, filters)
    code = per_buyer.c.code
    return select(shown(code).label("code"), *_metrics(per_buyer)).group_by(code).order_by(code)


def _where(stmt: Select[Any], filters: Filters) -> Select[Any]:
    for column, value in ((T.c.buyer_class, filters.buyer_class), (T.c.organization_id, filters.organization_id),
                          (T.c.cooperative_id, filters.cooperative_id), (T.c.category_id, filters.category_id),
                          (T.c.county_code, filters.county)):
        if value:
            stmt = stmt.where(column == value)
    if filters.date_from:
        stmt = stmt.where(T.c.day >= filters.date_from)
    if filters.date_to:
        stmt = stmt.where(T.c.day <= filters.date_to)
    return stmt


def _month() -> tuple[ColumnElement[Any], Shown]:
    """The month of a cell's day as a group key, and how to show it ('YYYY-MM'). PostgreSQL truncates the date and
    formats the few months afterwards: to_char() on every cell cost as much as the rest of the grouping."""
    if db.session.get_bind().dialect.name == "sqlite":
        return func.strftime("%Y-%m", T.c.day), _as_is
    return func.date_trunc("month", cast(T.c.day, DateTime)), lambda code: func.to_char(code, "YYYY-MM")


def _grouping(by: str) -> tuple[ColumnElement[Any], FromClause, Shown]:
    """What a tally read from the rollup groups by: its key, the rollup joined to what the key comes from, and how
    each group's key is shown."""
    if by in ("prefecture", "province"):
        county = Region.__table__.alias("county")
        level = county.c.prefecture_code if by == "prefecture" else county.c.province_code
        return level, T.join(county, county.c.code == T.c.county_code), _as_is
    if by == "buyer_region":
        return (Organization.__table__.c.region_code,
                T.outerjoin(Organization.__table__, Organization.id == T.c.organization_id), _as_is)
    if by == "month":
        month, shown = _month()
        return month, T, shown
    return {"county": T.c.county_code, "cooperative": T.c.cooperative_id, "product": T.c.product_id,
            "category": func.nullif(T.c.category_id, 0), "organization": func.nullif(T.c.organization_id, 0),
            "buyer_class": T.c.buyer_class}[by], T, _as_is


def grouped_statement(by: str, filters: Filters) -> Select[Any] | None:
    """The tally's GROUP BY over the rollup (the same columns as reports.ledger.grouped_statement), or None."""
    orders = orders_column(by, filters)
    if orders is None:
        return None
    key, source, shown = _grouping(by)
    return _grouped(key, source, orders, filters, shown)


def grouped_with_totals_statement(by: str, filters: Filters) -> CompoundSelect[Any] | None:
    """The tally's groups, in order, then its totals row, from one pass over the rollup where grouped_statement()
    and totals_statement() take two: the cells are summed per group and buyer once, and the totals add up those
    sums (every cell is in exactly one group) and count the distinct buyers among them. Rows end with `is_total`.
    None when the rollup cannot answer both, and for prefectures and provinces, whose groups leave out cells of a
    county missing from the regions where the totals must not."""
    orders, total_orders = orders_column(by, filters), orders_column("totals", filters)
    if orders is None or total_orders is None or by in ("prefecture", "province"):
        return None
    key, source, shown = _grouping(by)
    per_buyer = _per_buyer_select(key, source, orders, filters,
                                  func.sum(T.c[total_orders]).label("total_orders")).cte("per_buyer")
    groups = (select(shown(per_buyer.c.code).label("code"), literal(0).label("is_total"), *_metrics(per_buyer))
              .group_by(per_buyer.c.code))
    buyers = func.count(distinct(case((per_buyer.c.lines > 0, per_buyer.c.buyer_key))))
    totals = select(null().label("code"), literal(1).label("is_total"),
                    func.coalesce(func.sum(per_buyer.c.total_orders), 0).label("orders"), buyers.label("buyers"),
                    *_sums(per_buyer))
    return union_all(groups, totals).order_by("is_total", "code")


def tally_records(by: str, filters: Filters,
                  with_totals: bool) -> tuple[Sequence[Row[Any]] | None, Row[Any] | None]:
    """The tally's group rows and totals row as far as the rollup answers them (None for a part it does not)."""
    if with_totals and (both := grouped_with_totals_statement(by, filters)) is not None:
        records = db.session.execute(both).all()
        return records[:-1], records[-1]
    grouped, totals = grouped_statement(by, filters), totals_statement(filters) if with_totals else None
    return (None if grouped is None else db.session.execute(grouped).all(),
            None if totals is None else db.session.execute(totals).one())


def totals_statement(filters: Filters) -> Select[Any] | None:
    """The tally's totals row over the rollup, or None when the lines must answer it."""
    orders = orders_column("totals", filters)
    return None if orders is None else select(*_metrics(_per_buyer(None, T, orders, filters)))


def net_by_statement(key: ColumnElement[Any], filters: Filters) -> Select[Any]:
    """Net sales (gross less refunds) per `key` (a rollup column) in the period: sums alone, which the rollup
    answers exactly under any filter; for the charts, which show no distinct counts."""
    net = func.coalesce(func.sum(T.c.gross_fen), 0) - func.coalesce(func.sum(T.c.refunded_fen), 0)
    return _where(select(key, net.label("net_fen")), filters).group_by(key).order_by(key)


def county_net_sales(filters: Filters) -> list[tuple[str, int]]:
    """(county name, net sales) of every county with sales or refunds in the period, for the county chart: the
    rollup's sums per county (hashing no buyers: a third of the county tally's time), else the county tally."""
    if not enabled():
        return [(str(row.keys["county"]), row.net_fen) for row in tally("county", filters, with_totals=False).rows]
    figures = db.session.execute(net_by_statement(T.c.county_code, filters)).all()
    names = region_names(code for code, _ in figures)
    return [(names.get(code, code), int(net_fen)) for code, net_fen in figures]


def monthly_net_sales(filters: Filters) -> list[tuple[str, int]]:
    """Net sales per month ('YYYY-MM') of the period, in month order, for the trend chart: the rollup's days summed
    (no distinct counts: a fifth of the month tally's time over millions of cells), else the month tally."""
    if not enabled():
        return [(str(row.keys["month"]), row.net_fen) for row in tally("month", filters, with_totals=False).rows]
    months: dict[str, int] = {}
    for day, net_fen in db.session.execute(net_by_statement(T.c.day, filters)):
        month = str(day)[:7]  # a date, or 'YYYY-MM-DD' text on SQLite
        months[month] = months.get(month, 0) + int(net_fen)
    return sorted(months.items())

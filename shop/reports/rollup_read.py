"""Tallies read from the daily rollup instead of the order lines, when the rollup answers them exactly.

The rollup holds every day (it is kept in the transactions that pay and refund), so whole-day periods are always
covered. What it cannot answer is a distinct count of orders that its first-line markers do not cover: by helper
region (a county's orders count for each of its helpers), or with filters finer than the grouping (orders of a
cooperative, counted per county). Those tallies return None here and are computed from the lines.
"""
from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import Label, case, distinct, func, null, select
from sqlalchemy.sql import ColumnElement, Select

from shop.extensions import db
from shop.organizations.models import Organization
from shop.regions.models import Region
from shop.reports.ledger import Filters
from shop.reports.rollup_models import DailyTally

# Named "ledger" in the SQL like the lines' subquery: the rollup is the same ledger, summed per day.
T = DailyTally.__table__.alias("ledger")
# The orders column to add up per grouping, and the filters finer than a line that leave it exact.
PRODUCT_LEVEL = {"product": ("orders", {"county", "cooperative", "category"}), "county": ("orders_county", {"county"}),
                 "prefecture": ("orders_prefecture", set()), "province": ("orders_province", set()),
                 "cooperative": ("orders_cooperative", {"cooperative"}), "category": ("orders_category", {"category"})}
ORDER_LEVEL_MARKERS = {"county": "orders_county", "cooperative": "orders_cooperative", "category": "orders_category"}
ORDER_LEVEL = ("month", "organization", "buyer_class", "buyer_region", "totals")


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


def _metrics(orders: str) -> list[Label[Any]]:
    return [func.coalesce(func.sum(T.c[orders]), 0).label("orders"),
            func.count(distinct(case((T.c.lines > 0, T.c.buyer_key), else_=null()))).label("buyers"),
            *[func.coalesce(func.sum(T.c[name]), 0).label(name)
              for name in ("units", "weight_g", "gross_fen", "refunded_fen")]]


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


def _month() -> ColumnElement[str]:
    if db.session.get_bind().dialect.name == "sqlite":
        return func.strftime("%Y-%m", T.c.day)
    return func.to_char(T.c.day, "YYYY-MM")


def grouped_statement(by: str, filters: Filters) -> Select[Any] | None:
    """The tally's GROUP BY over the rollup (the same columns as reports.ledger.grouped_statement), or None."""
    orders = orders_column(by, filters)
    if orders is None:
        return None
    metrics = _metrics(orders)
    if by in ("prefecture", "province"):
        county = Region.__table__.alias("county")
        level = county.c.prefecture_code if by == "prefecture" else county.c.province_code
        return _where(select(level.label("code"), *metrics).select_from(T)
                      .join(county, county.c.code == T.c.county_code), filters).group_by(level).order_by(level)
    if by == "buyer_region":
        region = Organization.region_code
        return _where(select(region.label("code"), *metrics).select_from(T)
                      .outerjoin(Organization, Organization.id == T.c.organization_id), filters
                      ).group_by(region).order_by(region)
    column: ColumnElement[Any] = {
        "county": T.c.county_code, "cooperative": T.c.cooperative_id, "product": T.c.product_id,
        "category": func.nullif(T.c.category_id, 0), "month": _month(),
        "organization": func.nullif(T.c.organization_id, 0), "buyer_class": T.c.buyer_class}[by]
    return _where(select(column.label("code"), *metrics), filters).group_by(column).order_by(column)


def totals_statement(filters: Filters) -> Select[Any] | None:
    """The tally's totals row over the rollup, or None when the lines must answer it."""
    orders = orders_column("totals", filters)
    return None if orders is None else _where(select(*_metrics(orders)).select_from(T), filters)

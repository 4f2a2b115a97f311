"""The tallies' rollups: the ledger summed per China-time day and every key the tallies group or filter by
(`daily_tallies`), and who bought what each month (`monthly_buyers`), which counts distinct buyers."""
from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shop.extensions import Model

# The rollup's grain, in the order of its unique constraint: the columns an upsert conflicts on.
GRAIN = ("day", "paid_day", "county_code", "product_id", "cooperative_id", "category_id", "buyer_class",
         "organization_id")
# Summed on every upsert. `orders` counts each order once per cell; the `orders_<level>` columns count it once per
# county, prefecture, province, cooperative or category it bought from (on its first line there), and
# `orders_all` once in all, so distinct orders stay exact when cells are added up at that level.
SUMS = ("lines", "units", "weight_g", "gross_fen", "refunded_fen", "orders", "orders_county", "orders_prefecture",
        "orders_province", "orders_cooperative", "orders_category", "orders_all")


class DailyTally(Model):
    """One cell of the rollup: sales (on the payment day) and refunds (on the refund day, negative units) of one
    product's lines for one buyer class and organization (0: the public). The person is not in the grain: a cell
    holds every member of the public's lines of the day, so a year of 10,000,000 lines makes about a million cells
    (with the person it was seven and a half million, and every tally read them all). Distinct buyers are counted
    on MonthlyBuyer. Not a table of truth: `reconcile-tallies` checks it against the ledger."""

    __tablename__ = "daily_tallies"
    __table_args__ = (UniqueConstraint(*GRAIN, name="uq_daily_tallies_cell"),
                      Index("ix_daily_tallies_day_county", "day", "county_code"))

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)  # China calendar day the movement counts on
    paid_day: Mapped[date] = mapped_column(Date)  # the order's payment day: helper pairings are matched on it
    county_code: Mapped[str] = mapped_column(String(6))
    product_id: Mapped[int]
    cooperative_id: Mapped[int]
    category_id: Mapped[int]  # 0: no category (NULL would never conflict in the unique constraint)
    buyer_class: Mapped[str] = mapped_column(String(24))
    organization_id: Mapped[int]  # 0: a member of the public
    lines: Mapped[int] = mapped_column(BigInteger, default=0)  # sale lines
    units: Mapped[int] = mapped_column(BigInteger, default=0)
    weight_g: Mapped[int] = mapped_column(BigInteger, default=0)
    gross_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    refunded_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    orders: Mapped[int] = mapped_column(BigInteger, default=0)
    orders_county: Mapped[int] = mapped_column(BigInteger, default=0)
    orders_prefecture: Mapped[int] = mapped_column(BigInteger, default=0)
    orders_province: Mapped[int] = mapped_column(BigInteger, default=0)
    orders_cooperative: Mapped[int] = mapped_column(BigInteger, default=0)
    orders_category: Mapped[int] = mapped_column(BigInteger, default=0)
    orders_all: Mapped[int] = mapped_column(BigInteger, default=0)


BUYER_GRAIN = ("month", "county_code", "product_id", "cooperative_id", "category_id", "buyer_class", "organization_id",
               "buyer_key")
BUYER_SUMS = ("lines",)


class MonthlyBuyer(Model):
    """One buyer's paid lines of one product in one China calendar month (on the payment day, as the ledger counts
    sales). Refunds take no buyer away, so only payments add here. The tallies count the distinct buyers of a
    period's whole months here and read its part months from the order lines (reports/rollup_read.py)."""

    __tablename__ = "monthly_buyers"
    __table_args__ = (UniqueConstraint(*BUYER_GRAIN, name="uq_monthly_buyers_cell"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date)  # the month's first day
    county_code: Mapped[str] = mapped_column(String(6))
    product_id: Mapped[int]
    cooperative_id: Mapped[int]
    category_id: Mapped[int]  # 0: no category
    buyer_class: Mapped[str] = mapped_column(String(24))
    organization_id: Mapped[int]  # 0: a member of the public
    buyer_key: Mapped[int]  # -organization id, or the person's user id (the ledger's buyer)
    lines: Mapped[int] = mapped_column(BigInteger, default=0)


# Each rollup table's grain and sums, by table name: what the upserts conflict on and add up.
SHAPES = {"daily_tallies": (GRAIN, SUMS), "monthly_buyers": (BUYER_GRAIN, BUYER_SUMS)}

"""The tallies' rollups, written from the ledger: increments in the transactions that pay and refund, rebuilds of
whole days (and of the months their buyers are counted in), and the comparison with the ledger that
`reconcile-tallies` prints.

Two statements turn order lines into rollup cells, following the ledger's counting rules (reports/ledger.py):
`movements` makes the daily cells (sales and refunds), `buyer_months` who bought what each month (sales only: a
refund takes no buyer away). The session events add the cells of the orders a transaction paid and the refunds it
settled with INSERT ... ON CONFLICT DO UPDATE SET x = x + excluded.x, as the last statements before the commit, so
concurrent payments add up (the database serialises the two updates of one cell) and a rolled back payment adds
nothing. Migration 0029 filled both tables with the same statements.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import Date, case, cast, delete, func, inspect, literal, select, text, true, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, QueryableAttribute, Session
from sqlalchemy.sql import ColumnElement, Select

from shop.core.database import SessionLike, listen_to_sessions, write_transaction
from shop.core.timezones import CHINA_TZ
from shop.orders.models import Order, OrderLine
from shop.payments.models import Refund, RefundLine, RefundStatus
from shop.regions.models import Region
from shop.reports.ledger import buyer_key
from shop.reports.rollup_models import BUYER_GRAIN, BUYER_SUMS, GRAIN, SHAPES, SUMS, DailyTally, MonthlyBuyer

PENDING = "tally_rollup_pending"  # Session.info: the order and refund ids this transaction may have to post
Cell = tuple[Any, ...]
"""A rollup cell's grain values, in GRAIN's order."""


def china_day(column: ColumnElement[Any] | QueryableAttribute[Any], dialect: str) -> ColumnElement[Any]:
    """The China calendar day of a UTC timestamp column, in SQL ('YYYY-MM-DD' text on SQLite)."""
    if dialect == "sqlite":
        return func.date(column, "+8 hours")  # Asia/Shanghai has had no daylight saving time since 1991
    return cast(func.timezone("Asia/Shanghai", column), Date)


def china_month(column: ColumnElement[Any] | QueryableAttribute[Any], dialect: str) -> ColumnElement[Any]:
    """The first day of the China calendar month of a UTC timestamp column, in SQL ('YYYY-MM-DD' text on SQLite)."""
    if dialect == "sqlite":
        return func.date(column, "+8 hours", "start of month")
    return cast(func.date_trunc("month", func.timezone("Asia/Shanghai", column)), Date)


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _first(*partition: Any) -> ColumnElement[int]:
    """1 on an order's first line (lowest id) within `partition`, else 0: counts the order once there."""
    number = func.row_number().over(partition_by=(OrderLine.order_id, *partition), order_by=OrderLine.id)
    return case((number == 1, 1), else_=0)


def _line_keys() -> list[ColumnElement[Any]]:
    """The grain columns both rollups take from a line and its order, after their days or month."""
    return [OrderLine.origin_county_code.label("county_code"), OrderLine.product_id.label("product_id"),
            OrderLine.cooperative_id.label("cooperative_id"),
            func.coalesce(OrderLine.category_id, 0).label("category_id"), Order.buyer_class.label("buyer_class"),
            func.coalesce(Order.organization_id, 0).label("organization_id")]


def _keys(day: ColumnElement[Any], paid_day: ColumnElement[Any]) -> list[ColumnElement[Any]]:
    return [day.label("day"), paid_day.label("paid_day"), *_line_keys()]


def buyer_lines(dialect: str, sales_where: Sequence[ColumnElement[bool]] = ()) -> Select[Any]:
    """The paid lines matching the conditions as MonthlyBuyer's grain (one row per line, not yet summed)."""
    return (select(china_month(Order.paid_at, dialect).label("month"), *_line_keys(), buyer_key().label("buyer_key"))
            .select_from(OrderLine).join(Order, Order.id == OrderLine.order_id)
            .where(Order.paid_at.is_not(None), *sales_where))


def buyer_months(dialect: str, sales_where: Sequence[ColumnElement[bool]] = ()) -> Select[Any]:
    """MonthlyBuyer cells (BUYER_GRAIN, then BUYER_SUMS) of the paid lines matching the conditions."""
    lines = buyer_lines(dialect, sales_where).subquery("paid_lines")
    grain = [lines.c[name] for name in BUYER_GRAIN]
    return (select(*grain, func.count().label("lines")).where(true()).group_by(*grain).order_by(*grain))


def movements(dialect: str, sales_where: Sequence[ColumnElement[bool]] = (),
              refunds_where: Sequence[ColumnElement[bool]] = ()) -> Select[Any]:
    """Rollup cells (GRAIN, then SUMS) of the paid lines and settled refund lines matching the conditions.

    The conditions must take whole orders (an order's first-line markers are found among the lines selected)."""
    paid_day = china_day(Order.paid_at, dialect)
    county = Region.__table__.alias("rollup_county")
    category = func.coalesce(OrderLine.category_id, 0)
    markers = [_first(OrderLine.product_id, OrderLine.origin_county_code, OrderLine.cooperative_id, category),
               _first(OrderLine.origin_county_code), _first(county.c.prefecture_code),
               _first(county.c.province_code), _first(OrderLine.cooperative_id), _first(category), _first()]
    sales = (select(*_keys(paid_day, paid_day), literal(1), OrderLine.quantity,
                    OrderLine.quantity * OrderLine.net_weight_g, OrderLine.line_total_fen, literal(0), *markers)
             .select_from(OrderLine).join(Order, Order.id == OrderLine.order_id)
             .join(county, county.c.code == OrderLine.origin_county_code)
             .where(Order.paid_at.is_not(None), *sales_where))
    refunds = (select(*_keys(china_day(Refund.refunded_at, dialect), paid_day), literal(0), -RefundLine.quantity,
                      -RefundLine.quantity * OrderLine.net_weight_g, literal(0), RefundLine.amount_fen,
                      *[literal(0)] * len(markers))
               .select_from(RefundLine).join(Refund, Refund.id == RefundLine.refund_id)
               .join(OrderLine, OrderLine.id == RefundLine.order_line_id).join(Order, Order.id == OrderLine.order_id)
               .where(Refund.status == RefundStatus.SUCCEEDED, Refund.refunded_at.is_not(None),
                      Order.paid_at.is_not(None), *refunds_where))
    both = union_all(sales, refunds).subquery("movements")
    grain = [both.c[index] for index in range(len(GRAIN))]
    sums = [func.sum(both.c[len(GRAIN) + index]).label(name) for index, name in enumerate(SUMS)]
    # WHERE true: SQLite needs a WHERE before an upsert's ON CONFLICT that follows a SELECT.
    return (select(*[column.label(name) for column, name in zip(grain, GRAIN)], *sums).where(true())
            .group_by(*grain).order_by(*grain))


def add(connection: Connection, cells: Select[Any], model: type[DailyTally] | type[MonthlyBuyer] = DailyTally) -> None:
    """Add `cells` to a rollup (the daily one unless `model` says otherwise): new cells are inserted, existing ones
    incremented, in the caller's transaction.

    Cells come sorted by their grain, so two transactions lock the rows they share in the same order."""
    table = model.__table__
    grain, sums = SHAPES[model.__tablename__]
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).from_select([*grain, *sums], cells)
    connection.execute(statement.on_conflict_do_update(
        index_elements=[table.c[name] for name in grain],
        set_={name: table.c[name] + statement.excluded[name] for name in sums}))


def utc_range(first: date, last: date) -> tuple[datetime, datetime]:
    """China calendar days first..last as UTC instants [start, end)."""
    start = datetime.combine(first, time(0), CHINA_TZ).astimezone(timezone.utc)
    return start, datetime.combine(last + timedelta(days=1), time(0), CHINA_TZ).astimezone(timezone.utc)


def _period(first: date | None, last: date | None) -> tuple[list[ColumnElement[bool]], list[ColumnElement[bool]]]:
    """The ledger's conditions for sales paid and refunds made on China days first..last (open ends: all)."""
    sales: list[ColumnElement[bool]] = []
    refunds: list[ColumnElement[bool]] = []
    if first is not None:
        start, _ = utc_range(first, first)
        sales.append(Order.paid_at >= start)
        refunds.append(Refund.refunded_at >= start)
    if last is not None:
        _, end = utc_range(last, last)
        sales.append(Order.paid_at < end)
        refunds.append(Refund.refunded_at < end)
    return sales, refunds


def rebuild(connection: Connection, first: date | None = None, last: date | None = None) -> None:
    """Replace the daily rollup's days first..last (all days without bounds) by cells recounted from the ledger, and
    the monthly buyers of every month those days touch (whole months)."""
    rebuild_days(connection, first, last)
    rebuild_months(connection, first, last)


def rebuild_days(connection: Connection, first: date | None = None, last: date | None = None) -> None:
    """Replace the daily rollup's days first..last (all without bounds) by cells recounted from the ledger."""
    table = DailyTally.__table__
    in_days = [condition for condition in (table.c.day >= first if first else None,
                                           table.c.day <= last if last else None) if condition is not None]
    connection.execute(delete(table).where(*in_days))
    add(connection, movements(connection.dialect.name, *_period(first, last)))


def rebuild_months(connection: Connection, first: date | None = None, last: date | None = None) -> None:
    """Replace the monthly buyers of the months from first's to last's (all without bounds) by a recount."""
    table = MonthlyBuyer.__table__
    first, last = first and month_start(first), last and month_end(last)
    in_months = [condition for condition in (table.c.month >= first if first else None,
                                             table.c.month <= last if last else None) if condition is not None]
    connection.execute(delete(table).where(*in_months))
    add(connection, buyer_months(connection.dialect.name, _period(first, last)[0]), MonthlyBuyer)


@dataclass(frozen=True)
class Difference:
    """One cell where a rollup and the ledger disagree: which rollup (`daily_tallies` or `monthly_buyers`), the
    cell's grain and the sums on either side."""

    table: str
    cell: Cell
    rollup: tuple[int, ...]
    ledger: tuple[int, ...]

    @property
    def day(self) -> date:
        """The China day of the cell (a month's first day for monthly buyers)."""
        day: date = self.cell[0]
        return day

    @property
    def names(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The names of the cell's grain and of its sums."""
        return SHAPES[self.table]


def _normal(cell: Iterable[Any]) -> Cell:
    # SQLite gives days computed in SQL as text (the rollup's own come back as dates); the buyer class read from
    # the orders is an enum, the rollup's a string.
    return tuple(date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 and value[4] == "-"
                 else value.value if isinstance(value, enum.Enum) else value for value in cell)


def _compare(connection: Connection, model: type[DailyTally] | type[MonthlyBuyer], kept_cells: Select[Any],
             counted_cells: Select[Any]) -> list[Difference]:
    grain, sums = SHAPES[model.__tablename__]
    width = len(grain)
    kept = {_normal(row[:width]): tuple(int(v) for v in row[width:]) for row in connection.execute(kept_cells)}
    counted = {_normal(row[:width]): tuple(int(v) for v in row[width:]) for row in connection.execute(counted_cells)}
    zero = (0,) * len(sums)
    return [Difference(model.__tablename__, cell, kept.get(cell, zero), counted.get(cell, zero))
            for cell in sorted(kept.keys() | counted.keys(), key=repr)
            if kept.get(cell, zero) != counted.get(cell, zero)]


def differences(connection: Connection, first: date, last: date) -> list[Difference]:
    """The cells whose sums differ between the rollups and a recount from the ledger: the daily cells of days
    first..last, and the monthly buyers of every month those days touch (whole months)."""
    days = DailyTally.__table__
    found = _compare(connection, DailyTally,
                     select(*[days.c[name] for name in (*GRAIN, *SUMS)]).where(days.c.day >= first, days.c.day <= last),
                     movements(connection.dialect.name, *_period(first, last)))
    months = MonthlyBuyer.__table__
    start, end = month_start(first), month_end(last)
    return found + _compare(connection, MonthlyBuyer,
                            select(*[months.c[name] for name in (*BUYER_GRAIN, *BUYER_SUMS)])
                            .where(months.c.month >= start, months.c.month <= end),
                            buyer_months(connection.dialect.name, _period(start, end)[0]))


def ledger_days(connection: Connection) -> tuple[date, date] | None:
    """The first and last China days the rollups or the ledger have anything on (None when all are empty)."""
    table = DailyTally.__table__
    moments = [connection.scalar(select(func.min(Order.paid_at))), connection.scalar(select(func.max(Order.paid_at))),
               connection.scalar(select(func.min(Refund.refunded_at))),
               connection.scalar(select(func.max(Refund.refunded_at)))]
    months = MonthlyBuyer.__table__
    moments += [connection.scalar(select(func.min(table.c.day))), connection.scalar(select(func.max(table.c.day))),
                connection.scalar(select(func.min(months.c.month))),
                connection.scalar(select(func.max(months.c.month)))]
    days = [_as_day(value) for value in moments if value is not None]
    return (min(days), max(days)) if days else None


def _as_day(value: Any) -> date:
    if isinstance(value, str):  # SQLite: a stored timestamp or day as text
        value = datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return aware.astimezone(CHINA_TZ).date()
    day: date = value
    return day


def reconcile(session: SessionLike, first: date, last: date, repair: bool) -> list[Difference]:
    """Compare days first..last a calendar month at a time (so memory stays bounded); with `repair`, rebuild each
    day that differed and the buyers of each month that did, the month in its own transaction. Returns the
    differences found (before any repair)."""
    found: list[Difference] = []
    start = first
    while start <= last:
        end = min(last, month_end(start))
        with write_transaction(session) if repair else nullcontext(session):
            if repair and session.get_bind().dialect.name == "postgresql":
                # Payments committing meanwhile wait to add their cells until the rebuilt days are in.
                session.execute(text("LOCK TABLE daily_tallies, monthly_buyers IN EXCLUSIVE MODE"))
            chunk = differences(session.connection(), start, end)
            if chunk and repair:
                for day in sorted({d.day for d in chunk if d.table == DailyTally.__tablename__}):
                    rebuild_days(session.connection(), day, day)
                if any(d.table == MonthlyBuyer.__tablename__ for d in chunk):
                    rebuild_months(session.connection(), start, start)
        found.extend(chunk)
        start = end + timedelta(days=1)
    return found


# -- keeping the rollup in step, from session events ---------------------------------------------------------------

def _pending(session: Session) -> tuple[set[int], set[int]]:
    orders, refunds = session.info.setdefault(PENDING, (set(), set()))
    return orders, refunds


def _changed_to(obj: object, attribute: str, counted: Any) -> bool:
    """Whether a flushed object's attribute became `counted` (or non-NULL when counted is None) in this flush."""
    history = inspect(obj).attrs[attribute].history
    if not history.added:
        return False
    now, before = history.added[0], (history.deleted or [None])[0]
    if counted is None:
        return now is not None and before is None
    return bool(now == counted and before != counted)


def _after_flush(session: Session, flush_context: object) -> None:
    orders, refunds = _pending(session)
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Order) and _changed_to(obj, "paid_at", None):
            orders.add(obj.id)
        elif isinstance(obj, Refund) and _changed_to(obj, "status", RefundStatus.SUCCEEDED):
            refunds.add(obj.id)


def _on_statement(state: ORMExecuteState) -> None:
    """Before an UPDATE that may pay orders or settle refunds, note which rows it may move into the ledger."""
    if not state.is_update:
        return
    statement: Any = state.statement
    table = getattr(getattr(statement, "table", None), "name", None)  # an ORM update's table is an annotated copy
    changed = {getattr(key, "key", key) for key in (getattr(statement, "_values", None) or {})}
    where = statement.whereclause if statement.whereclause is not None else true()
    orders, refunds = _pending(state.session)
    if table == Order.__tablename__ and "paid_at" in changed:
        orders.update(state.session.scalars(select(Order.id).where(where, Order.paid_at.is_(None))))
    elif table == Refund.__tablename__ and "status" in changed:
        refunds.update(state.session.scalars(select(Refund.id).where(where, Refund.status != RefundStatus.SUCCEEDED)))


def _before_commit(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # commit flushes after this event; flush first so its changes are seen
    orders, refunds = session.info.pop(PENDING, (set(), set()))
    if not orders and not refunds:
        return
    connection = session.connection()
    # A candidate that did not end up paid (or settled) matches no row: movements() reads the final state.
    none = [literal(False)]
    paid = [Order.id.in_(sorted(orders))] if orders else none
    add(connection, movements(connection.dialect.name, paid, [Refund.id.in_(sorted(refunds))] if refunds else none))
    if orders:
        add(connection, buyer_months(connection.dialect.name, paid), MonthlyBuyer)


def _forget(session: Session, *args: object) -> None:
    session.info.pop(PENDING, None)


_LISTENERS = (("after_flush", _after_flush), ("do_orm_execute", _on_statement),
              ("before_commit", _before_commit), ("after_rollback", _forget))


def listen() -> None:
    """Keep the rollup in step with every session's payments and refunds (create_app calls it; once per process)."""
    listen_to_sessions(_LISTENERS)

"""Read-side figures from the ledger for the dashboards (the same counting rules as the tallies)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shop.core.replica import replica_reads
from shop.extensions import db
from shop.reports.ledger import Filters, totals_statement


@dataclass(frozen=True)
class Sales:
    """A period's paid orders and its sales net of refunds, in fen."""

    orders: int
    net_fen: int


def sales_between(first: date, last: date, cooperative_id: int | None = None) -> Sales:
    """Orders paid and sales net of refunds from `first` to `last` (China calendar days, inclusive), optionally
    only one cooperative's lines: the tallies' totals row for that period (on the reports replica when there is
    one)."""
    with replica_reads(db.session):
        record = db.session.execute(totals_statement(Filters(date_from=first, date_to=last,
                                                             cooperative_id=cooperative_id))).one()
    return Sales(orders=int(record.orders), net_fen=int(record.gross_fen) - int(record.refunded_fen))

"""Purchase certificates (采购凭证): a paid order's, or an organization's year of purchases, read from the ledger.

The figures follow the tallies' counting rules (shop/reports/ledger.py): paid lines at their payment date, refunds
as negatives at their refund date, names from the order lines' snapshots. A certificate is issued with an
unguessable code and a snapshot of its totals and a digest of its lines. When the figures change later (a refund
after download, another order in the year), the next request issues a new certificate with a new code, and the
old code's verification page says it was superseded on that date while still showing what it certified.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from shop.core.database import utcnow, write_transaction
from shop.core.money import format_fen
from shop.core.timezones import CHINA_TZ, china_date
from shop.extensions import db
from shop.orders.models import Order, OrderLine
from shop.reports.certificates_models import CertificateKind, PurchaseCertificate
from shop.reports.ledger import AnySelect, Filters, ledger, local_month

CODE_BYTES = 18  # secrets.token_urlsafe(18): 144 random bits, 24 characters


class CertificateError(LookupError):
    """There is nothing to certify: an unpaid order, or a year without purchases."""


@dataclass(frozen=True)
class CertificateLine:
    """One product of one order as certified: sold and refunded, by the order line's snapshot."""

    order_number: str
    paid_on: date
    product: str
    spec: str
    county_code: str
    county: str
    quantity: int
    refunded_units: int
    gross_fen: int
    refunded_fen: int

    @property
    def net_fen(self) -> int:
        return self.gross_fen - self.refunded_fen


@dataclass(frozen=True)
class CountySum:
    """The lines of one origin county, added up."""

    county_code: str
    county: str
    quantity: int
    gross_fen: int
    refunded_fen: int

    @property
    def net_fen(self) -> int:
        return self.gross_fen - self.refunded_fen


@dataclass(frozen=True)
class Figures:
    """Everything a certificate lists, and the digest that tells whether it changed."""

    lines: list[CertificateLine]
    counties: list[CountySum] = field(default_factory=list)

    @property
    def orders(self) -> int:
        return len({line.order_number for line in self.lines if line.quantity})

    @property
    def units(self) -> int:
        return sum(line.quantity - line.refunded_units for line in self.lines)

    @property
    def gross_fen(self) -> int:
        return sum(line.gross_fen for line in self.lines)

    @property
    def refunded_fen(self) -> int:
        return sum(line.refunded_fen for line in self.lines)

    @property
    def net_fen(self) -> int:
        return self.gross_fen - self.refunded_fen

    @property
    def digest(self) -> str:
        rows = [[line.order_number, line.paid_on.isoformat(), line.product, line.spec, line.county_code,
                 line.quantity, line.refunded_units, line.gross_fen, line.refunded_fen] for line in self.lines]
        return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class Certificate:
    """An issued certificate with the figures it certifies (today's, equal to the snapshot's)."""

    record: PurchaseCertificate
    figures: Figures


# -- figures -----------------------------------------------------------------------------------------

def _grouped(filters: Filters, order_id: int | None) -> AnySelect:
    led = ledger(filters)
    sale = led.c.is_sale == 1
    stmt = select(led.c.order_id, led.c.product_id, led.c.county_code,
                  func.sum(case((sale, led.c.units), else_=0)).label("quantity"),
                  func.sum(case((sale, 0), else_=-led.c.units)).label("refunded_units"),
                  func.sum(led.c.gross_fen).label("gross_fen"), func.sum(led.c.refunded_fen).label("refunded_fen"))
    if order_id is not None:
        stmt = stmt.where(led.c.order_id == order_id)
    return stmt.group_by(led.c.order_id, led.c.product_id, led.c.county_code)


def figures(filters: Filters, order_id: int | None = None) -> Figures:
    """The certificate's lines from the ledger (one order's, or the filters' period), with sums by county."""
    records = db.session.execute(_grouped(filters, order_id)).all()
    order_ids = {record.order_id for record in records}
    snapshots: dict[tuple[int, int, str], Any] = {}
    if order_ids:
        for info in db.session.execute(
                select(OrderLine.order_id, OrderLine.product_id, OrderLine.origin_county_code,
                       OrderLine.product_name, OrderLine.spec, OrderLine.origin_county_name, Order.number,
                       Order.paid_at).join(Order, Order.id == OrderLine.order_id)
                .where(OrderLine.order_id.in_(order_ids)).order_by(OrderLine.id)):
            snapshots.setdefault((info.order_id, info.product_id, info.origin_county_code), info)
    lines = []
    for record in records:
        info = snapshots[record.order_id, record.product_id, record.county_code]
        lines.append(CertificateLine(
            order_number=info.number, paid_on=china_date(info.paid_at), product=info.product_name, spec=info.spec,
            county_code=record.county_code, county=info.origin_county_name, quantity=int(record.quantity),
            refunded_units=int(record.refunded_units), gross_fen=int(record.gross_fen),
            refunded_fen=int(record.refunded_fen)))
    lines.sort(key=lambda line: (line.paid_on, line.order_number, line.county_code, line.product))
    return Figures(lines, _by_county(lines))


def _by_county(lines: list[CertificateLine]) -> list[CountySum]:
    sums: dict[str, CountySum] = {}
    for line in lines:
        old = sums.get(line.county_code) or CountySum(line.county_code, line.county, 0, 0, 0)
        units = old.quantity + line.quantity - line.refunded_units
        sums[line.county_code] = CountySum(line.county_code, old.county, units, old.gross_fen + line.gross_fen,
                                           old.refunded_fen + line.refunded_fen)
    return sorted(sums.values(), key=lambda county: county.county_code)


def year_filters(organization_id: int, year: int) -> Filters:
    """The ledger's filters for an organization's calendar year (China time)."""
    return Filters(date_from=date(year, 1, 1), date_to=date(year, 12, 31), organization_id=organization_id)


def purchase_years(organization_id: int) -> list[int]:
    """The years (China time) in which the organization bought or was refunded something, newest first."""
    led = ledger(Filters(organization_id=organization_id))
    months = db.session.scalars(select(local_month(led.c.at)).distinct())
    return sorted({int(month[:4]) for month in months}, reverse=True)


# -- holders -----------------------------------------------------------------------------------------

def mask_name(name: str) -> str:
    """张三丰 -> 张**: a person's name as certificates show it."""
    name = name.strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else "*"


def mask_mobile(mobile: str) -> str:
    """13800138000 -> 138****8000."""
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) == 11 else "****"


def order_holder(order: Order) -> str:
    """The organization's name, or the public buyer's name and mobile, masked."""
    if order.organization is not None:
        return order.organization.name
    return f"{mask_name(order.user.name or order.recipient)} {mask_mobile(order.user.mobile or order.mobile)}"


# -- issuing -----------------------------------------------------------------------------------------

def _current(subject: str) -> PurchaseCertificate | None:
    return db.session.scalar(select(PurchaseCertificate).where(PurchaseCertificate.subject == subject,
                                                               PurchaseCertificate.superseded_at.is_(None)))


@dataclass(frozen=True)
class _Subject:
    """What a certificate is about, and how to read its figures."""

    key: str
    kind: CertificateKind
    holder: str
    period: tuple[date, date]
    filters: Filters
    order_id: int | None = None
    organization_id: int | None = None
    year: int | None = None


def _issue(subject: _Subject) -> Certificate:
    """The subject's current certificate if its figures are unchanged; else a new one, superseding the old."""
    found = figures(subject.filters, subject.order_id)
    current = _current(subject.key)
    if current is not None and current.digest == found.digest:
        return Certificate(current, found)
    try:
        with write_transaction(db.session):
            found = figures(subject.filters, subject.order_id)  # again, inside the transaction that writes
            current = _current(subject.key)
            if current is not None and current.digest == found.digest:
                return Certificate(current, found)
            if current is not None:
                current.superseded_at = utcnow()
                db.session.flush()  # before the insert: one current row per subject (a unique partial index)
            record = PurchaseCertificate(
                code=secrets.token_urlsafe(CODE_BYTES), subject=subject.key, kind=subject.kind,
                order_id=subject.order_id, organization_id=subject.organization_id, year=subject.year,
                holder=subject.holder[:120], period_from=subject.period[0], period_to=subject.period[1],
                orders=found.orders, units=found.units, gross_fen=found.gross_fen, refunded_fen=found.refunded_fen,
                digest=found.digest)
            db.session.add(record)
    except IntegrityError:
        # Another request issued this subject's certificate at the same moment: theirs is the current one.
        current = _current(subject.key)
        if current is None:
            raise
        return Certificate(current, figures(subject.filters, subject.order_id))
    return Certificate(record, found)


def order_certificate(order: Order) -> Certificate:
    """The certificate of a paid order (CertificateError for one never paid)."""
    if order.paid_at is None:
        raise CertificateError(_("Only a paid order has a purchase certificate."))
    paid_on = china_date(order.paid_at)
    return _issue(_Subject(key=f"order:{order.id}", kind=CertificateKind.ORDER, holder=order_holder(order),
                           period=(paid_on, paid_on), filters=Filters(), order_id=order.id))


def year_certificate(organization_id: int, name: str, year: int) -> Certificate:
    """The certificate of an organization's purchases in a year (CertificateError for a year without any)."""
    if year not in purchase_years(organization_id):
        raise CertificateError(_("There were no purchases in %(year)d.", year=year))
    return _issue(_Subject(key=f"year:{organization_id}:{year}", kind=CertificateKind.YEAR, holder=name,
                           period=(date(year, 1, 1), date(year, 12, 31)),
                           filters=year_filters(organization_id, year), organization_id=organization_id, year=year))


def by_code(code: str) -> PurchaseCertificate | None:
    """The certificate with exactly this code, current or superseded."""
    if not 16 <= len(code) <= 43:
        return None
    return db.session.scalar(select(PurchaseCertificate).where(PurchaseCertificate.code == code))


def rule() -> str:
    """How a certificate stays checkable, as its page and PDF explain it."""
    return str(_("This certificate lists paid purchases minus refunds, by the same rules as the platform's sales "
                 "tallies. If its figures change later (for example a refund), a new certificate with a new code is "
                 "issued, and checking this code then says it was superseded and on which date, still showing what it "
                 "certified."))


def yuan(fen: int) -> str:
    """An amount as a PDF shows it: 1234550 -> '12,345.50 元' (no ¥ sign, which the CID font may lack)."""
    return str(_("%(amount)s yuan", amount=format_fen(fen, symbol="")))


def details(certificate: Certificate, money: Callable[[int], str] = format_fen) -> list[tuple[str, str]]:
    """The certificate's holder, subject and totals as (label, value) pairs, amounts written by `money`."""
    record = certificate.record
    pairs = [(_("Holder"), record.holder)]
    organization = record.organization or (record.order.organization if record.order else None)
    if organization is not None:
        pairs += [(_("Unified social credit code"), organization.credit_code),
                  (_("Region"), organization.region.full_name)]
    if record.order is not None:
        pairs += [(_("Order"), record.order.number), (_("Paid on"), record.period_from.isoformat())]
    else:
        pairs.append((_("Period"), f"{record.period_from.isoformat()} – {record.period_to.isoformat()}"))
    figures = certificate.figures
    pairs += [(_("Orders"), str(figures.orders)), (_("Amount"), money(figures.gross_fen)),
              (_("Refunded"), money(-figures.refunded_fen)), (_("Net"), money(figures.net_fen)),
              (_("Issued"), china_time(record.issued_at))]
    return pairs


def china_time(moment: datetime) -> str:
    """A UTC timestamp as China's wall-clock time, to the minute."""
    return f"{moment.astimezone(CHINA_TZ):%Y-%m-%d %H:%M}"

"""Purchase certificates equal an independent recount of orders and refunds, in their figures and in the PDF's text
read back; a certificate whose figures change is superseded by a new one with a new code."""
from __future__ import annotations

import io
import re
from datetime import date, datetime, timezone

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from shop.core.money import format_fen
from shop.extensions import db
from shop.orders.models import Order
from shop.payments.models import Refund, RefundStatus
from shop.reports import certificates
from shop.reports.certificates_models import PurchaseCertificate
from shop.reports.certificates_pdf import Page, render_pdf
from tests.factories import add_to_organization, make_organization, make_product, make_user
from tests.order_factories import make_order, make_paid_order, refund_first_line
from tests.reports import recount as rc


def pdf_text(certificate: certificates.Certificate) -> str:
    page = Page(title="采购凭证", rule=certificates.rule(),
                verify_url=f"https://shop.example.cn/verify/{certificate.record.code}")
    reader = PdfReader(io.BytesIO(render_pdf(certificate, page)))
    return "\n".join(page.extract_text() for page in reader.pages)


def plain(fen: int) -> str:
    """An amount as the PDF writes it: 1234550 -> '12,345.50' (its columns and labels say 元)."""
    return format_fen(fen, symbol="")


def recounted_lines(organization_id: int, year: int) -> dict:
    """(order number, product, county) -> (net units, gross, refunded), from the ORM objects."""
    def key(order, line, day, is_sale):
        if order.organization_id != organization_id:
            return []
        return [(order.number, line.product_name, line.origin_county_code)]
    counts = rc.recount(key, date(year, 1, 1), date(year, 12, 31))
    return {group: (units, gross, refunded) for group, (_o, _b, units, _w, gross, refunded) in counts.items()}


def certified_lines(certificate: certificates.Certificate) -> dict:
    return {(line.order_number, line.product, line.county_code):
            (line.quantity - line.refunded_units, line.gross_fen, line.refunded_fen)
            for line in certificate.figures.lines}


def test_year_certificates_match_the_recount_and_their_pdf_text(app_ctx, ledger):
    checked = 0
    for organization_id in ledger.organization_ids:
        years = certificates.purchase_years(organization_id)
        assert years == ([2026] if recounted_lines(organization_id, 2026) else [])
        for year in years:
            certificate = certificates.year_certificate(organization_id, "单位", year)
            expected = recounted_lines(organization_id, year)
            assert certified_lines(certificate) == expected
            text = " ".join(pdf_text(certificate).split())  # each table cell is read back as its own line
            for line in certificate.figures.lines:
                refund = f"{plain(-line.refunded_fen)} " if line.refunded_fen else ""
                assert (f"{line.order_number} {line.paid_on.isoformat()} {line.product} {line.spec} {line.county} "
                        f"{line.quantity} {plain(line.gross_fen)} {refund}{plain(line.net_fen)}") in text
                checked += 1
            gross = sum(g for _u, g, _r in expected.values())
            refunded = sum(r for _u, _g, r in expected.values())
            assert certificate.record.gross_fen == gross and certificate.record.refunded_fen == refunded
            assert f"净额：{plain(gross - refunded)} 元" in text
            assert certificate.record.code in text
    assert checked > 5  # the ledger has organizations' orders, some refunded


def test_an_order_certificate_lists_its_refund_and_nets_it(app_ctx, ledger):
    refunded = db.session.scalars(select(Order).where(Order.paid_at.is_not(None))).all()
    order = next(order for order in refunded if certificates.figures(certificates.Filters(), order.id).refunded_fen)
    certificate = certificates.order_certificate(order)
    expected = {}
    for line in order.lines:
        returned = [part for refund in _succeeded_refunds(order.id) for part in refund.lines
                    if part.order_line_id == line.id]
        expected[(order.number, line.product_name, line.origin_county_code)] = (
            line.quantity - sum(p.quantity for p in returned), line.line_total_fen, sum(p.amount_fen for p in returned))
    assert certified_lines(certificate) == expected
    text = " ".join(pdf_text(certificate).split())
    assert f"退款：{plain(-certificate.record.refunded_fen)} 元" in text and certificate.record.refunded_fen > 0
    assert f"净额：{plain(order.total_fen - certificate.record.refunded_fen)} 元" in text


def _succeeded_refunds(order_id: int) -> list:
    return list(db.session.scalars(select(Refund).where(Refund.order_id == order_id,
                                                        Refund.status == RefundStatus.SUCCEEDED)))


def test_a_refund_after_issue_supersedes_the_certificate_and_a_new_code_is_issued(app_ctx):
    buyer, product = make_user(name="李四", mobile="13912345678"), make_product(price_fen=5000, stock=10)
    order = make_paid_order(buyer, (product, 3), paid_at=datetime(2026, 5, 1, 2, tzinfo=timezone.utc))
    first = certificates.order_certificate(order)
    again = certificates.order_certificate(order)
    assert again.record.id == first.record.id  # unchanged figures: the same certificate and code
    assert first.record.holder == "李* 139****5678"
    assert (first.record.gross_fen, first.record.refunded_fen, first.record.units) == (15000, 0, 3)
    assert len(first.record.code) >= 22  # 128 bits or more

    refund_first_line(order, 1, datetime(2026, 5, 9, 3, tzinfo=timezone.utc), make_user(is_staff=True).id)
    second = certificates.order_certificate(db.session.get(Order, order.id))
    assert second.record.code != first.record.code
    assert (second.record.gross_fen, second.record.refunded_fen, second.record.units) == (15000, 5000, 2)
    old = certificates.by_code(first.record.code)
    assert old.superseded_at is not None and (old.gross_fen, old.refunded_fen) == (15000, 0)
    assert certificates.by_code(second.record.code).superseded_at is None
    current = db.session.scalars(select(PurchaseCertificate).where(PurchaseCertificate.superseded_at.is_(None)))
    assert [record.id for record in current] == [second.record.id]


def test_a_refund_counts_in_the_year_it_was_made(app_ctx):
    organization = make_organization(name="湖州市总工会")
    member = make_user()
    add_to_organization(member, organization)
    product = make_product(price_fen=12345, stock=10)
    # 2025-12-31 23:30 in China: a 2025 purchase; refunded on 2026-01-02.
    order = make_paid_order(member, (product, 2), paid_at=datetime(2025, 12, 31, 15, 30, tzinfo=timezone.utc),
                            organization_id=organization.id)
    refund_first_line(order, 1, datetime(2026, 1, 2, 1, tzinfo=timezone.utc), make_user(is_staff=True).id)
    assert certificates.purchase_years(organization.id) == [2026, 2025]
    y2025 = certificates.year_certificate(organization.id, organization.name, 2025)
    y2026 = certificates.year_certificate(organization.id, organization.name, 2026)
    assert (y2025.record.gross_fen, y2025.record.refunded_fen, y2025.record.orders) == (24690, 0, 1)
    assert (y2026.record.gross_fen, y2026.record.refunded_fen, y2026.record.orders) == (0, 12345, 0)
    assert [line.paid_on for line in y2025.figures.lines] == [date(2025, 12, 31)]
    with pytest.raises(certificates.CertificateError):
        certificates.year_certificate(organization.id, organization.name, 2024)


def test_an_unpaid_order_has_no_certificate(app_ctx):
    order = make_order(make_user(), (make_product(stock=5), 1))
    with pytest.raises(certificates.CertificateError):
        certificates.order_certificate(order)
    assert re.fullmatch(r"\S", certificates.mask_name("")) and certificates.mask_mobile("123") == "****"

"""Invoice rules without HTTP: which seller can issue which type, the checkout's refusal (nothing written), requests
derived from paid orders net of refunds, red-letter after a refund, overdue after INVOICE_DAYS, recording checks."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from shop.catalog.models import Product
from shop.cooperatives.models import CooperativeKind, InvoiceCapability, InvoiceType, can_issue
from shop.core.documents import DocumentRejected, store_document
from shop.extensions import db
from shop.invoices import queries
from shop.invoices.exceptions import InvoiceError
from shop.invoices.models import Invoice
from shop.invoices.queries import RequestStatus
from shop.invoices.services import Actor, Issued, record_invoice, record_red_letter
from shop.orders.exceptions import InvoiceRefused
from shop.orders.invoicing import InvoiceChoice
from shop.orders.models import Order
from tests.factories import make_user
from tests.invoice_factories import PDF, ofd_bytes, refund, scene, seller
from tests.order_factories import make_order
from tests.org_factories import private_files

K, C, T = CooperativeKind, InvoiceCapability, InvoiceType
TODAY = date.today()


@pytest.fixture(autouse=True)
def in_english(request):
    """Messages read in the source language (the tests that need the app get its context first)."""
    if "app_ctx" in request.fixturenames:
        request.getfixturevalue("app_ctx")
        with force_locale("en"):
            yield
    else:
        yield


@pytest.mark.parametrize("kind, capability, wanted, allowed", [
    (K.ENTERPRISE, C.ORDINARY_AND_SPECIAL, T.SPECIAL, True),
    (K.ENTERPRISE, C.ORDINARY_AND_SPECIAL, T.ORDINARY, True),
    (K.ENTERPRISE, C.ORDINARY, T.SPECIAL, False),
    (K.ENTERPRISE, C.NONE, T.ORDINARY, False),
    (K.AGENT, C.ORDINARY_AND_SPECIAL, T.SPECIAL, True),
    (K.FAMILY_FARM, C.ORDINARY, T.ORDINARY, True),
    # A farmers' cooperative is VAT-exempt: never a special VAT invoice, whatever it declares.
    (K.COOPERATIVE, C.ORDINARY_AND_SPECIAL, T.SPECIAL, False),
    (K.COOPERATIVE, C.ORDINARY_AND_SPECIAL, T.ORDINARY, True),
    (K.COOPERATIVE, C.NONE, T.ORDINARY, False),
])
def test_invoice_types_per_seller_kind(kind, capability, wanted, allowed):
    assert can_issue(kind, capability, wanted) is allowed


def _nothing_written(user_id: int, product_id: int, stock: int) -> None:
    assert db.session.scalar(select(func.count(Order.id)).where(Order.user_id == user_id)) == 0
    assert db.session.scalar(select(Product.stock).where(Product.id == product_id)) == stock


def test_checkout_refuses_a_type_a_seller_cannot_issue_naming_product_and_seller(app_ctx):
    _, fine = seller(name="能开专票的公司")
    _, produce = seller(CooperativeKind.COOPERATIVE, InvoiceCapability.ORDINARY_AND_SPECIAL, name="红枣合作社")
    buyer = make_user()
    with pytest.raises(InvoiceRefused) as refused:
        make_order(buyer, (fine, 1), (produce, 3),
                   invoice=InvoiceChoice(T.SPECIAL, title="湖州某公司", tax_number="91330500MA2B3C4D5E"))
    assert produce.name in str(refused.value) and "红枣合作社" in str(refused.value)
    db.session.rollback()
    _nothing_written(buyer.id, produce.id, 20)
    _nothing_written(buyer.id, fine.id, 20)


@pytest.mark.parametrize("choice, message", [
    (InvoiceChoice(T.SPECIAL, personal=True), "special VAT invoice is only issued to a business"),
    (InvoiceChoice(T.ORDINARY, title="", tax_number="91330500MA2B3C4D5E"), "Enter the invoice title"),
    (InvoiceChoice(T.ORDINARY, title="某公司", tax_number="123"), "tax number must be 15, 18 or 20"),
])
def test_public_buyer_invoice_details_are_checked(app_ctx, choice, message):
    _, product = seller()
    buyer = make_user()
    with pytest.raises(InvoiceRefused, match=message):
        make_order(buyer, (product, 1), invoice=choice)
    db.session.rollback()
    _nothing_written(buyer.id, product.id, 20)


def test_personal_and_company_titles_are_snapshot(app_ctx):
    _, product = seller()
    personal = make_order(make_user(), (product, 1), invoice=InvoiceChoice(T.ORDINARY, personal=True))
    assert (personal.invoice_type, personal.invoice_title, personal.tax_number) == (T.ORDINARY, "个人", None)
    company = make_order(make_user(), (product, 1),
                         invoice=InvoiceChoice(T.SPECIAL, title="湖州某公司", tax_number="91330500ma2b3c4d5e"))
    assert (company.invoice_type, company.invoice_title, company.tax_number) == (
        T.SPECIAL, "湖州某公司", "91330500MA2B3C4D5E")
    plain = make_order(make_user(), (product, 1))
    assert plain.invoice_type is None and plain.invoice_title is None


def test_every_seller_of_a_paid_order_gets_a_request(app_ctx):
    s = scene()
    requests = {r.cooperative_id: r for r in queries.for_order(s.order_id)}
    assert set(requests) == {s.seller_id, s.second_seller_id}
    assert requests[s.seller_id].net_fen == 20000 and requests[s.second_seller_id].net_fen == 10000
    assert all(r.status == RequestStatus.TO_ISSUE and r.title == "湖州市总工会" for r in requests.values())
    assert [r.cooperative_id for r in queries.for_cooperative(s.other_coop_id)] == []


def test_no_request_before_payment_or_without_an_invoice(app_ctx):
    _, product = seller()
    unpaid = make_order(make_user(), (product, 1), invoice=InvoiceChoice(T.ORDINARY, personal=True))
    assert queries.for_order(unpaid.id) == []
    assert queries.for_order(scene(invoice=None).order_id) == []


def test_amount_is_net_of_refunds_at_issue_time(app_ctx):
    s = scene()
    refund(s, s.seller_id, 1)
    request = queries.one(s.number, s.seller_id)
    assert (request.gross_fen, request.refunded_fen, request.net_fen) == (20000, 10000, 10000)
    with pytest.raises(InvoiceError, match="must be ¥100.00"):
        record_invoice(Actor(1), s.number, s.seller_id, Issued("12345678", TODAY, 20000), PDF)
    invoice = record_invoice(Actor(1), s.number, s.seller_id, Issued("12345678", TODAY, 10000), PDF)
    assert invoice.amount_fen == 10000
    assert queries.one(s.number, s.seller_id).status == RequestStatus.ISSUED


def test_everything_refunded_before_issue_needs_no_invoice(app_ctx):
    s = scene()
    refund(s, s.second_seller_id, 1)
    assert queries.one(s.number, s.second_seller_id).status == RequestStatus.NOT_NEEDED
    with pytest.raises(InvoiceError, match="no invoice is needed"):
        record_invoice(Actor(1), s.number, s.second_seller_id, Issued("12345678", TODAY, 10000), PDF)


def test_a_refund_after_issue_needs_a_red_letter_invoice(app_ctx):
    s = scene()
    record_invoice(Actor(1), s.number, s.seller_id, Issued("12345678", TODAY, 20000), PDF)
    with pytest.raises(InvoiceError, match="No red-letter invoice is needed"):
        record_red_letter(Actor(1), s.number, s.seller_id, Issued("87654321", TODAY), PDF)
    refund(s, s.seller_id, 1)
    assert queries.one(s.number, s.seller_id).status == RequestStatus.RED_LETTER_NEEDED
    now = datetime.now(timezone.utc)
    assert [r.cooperative_id for r in queries.needing_attention(now, 15, "red_letter")] == [s.seller_id]
    record_red_letter(Actor(1), s.number, s.seller_id, Issued("87654321", TODAY), ofd_bytes())
    found = queries.one(s.number, s.seller_id)
    assert found.status == RequestStatus.RED_LETTER_RECORDED and found.invoice.red_filename.endswith(".ofd")
    assert queries.needing_attention(now, 15, "red_letter") == []


def test_overdue_after_invoice_days(app_ctx):
    s = scene(paid_days_ago=14)
    paid_at = queries.one(s.number, s.seller_id).paid_at
    # The clock is the caller's: the same requests are not overdue on day 15 and are overdue just after.
    assert queries.needing_attention(paid_at + timedelta(days=15), 15, "overdue") == []
    late = queries.needing_attention(paid_at + timedelta(days=15, seconds=1), 15, "overdue")
    assert sorted(r.cooperative_id for r in late) == sorted([s.seller_id, s.second_seller_id])
    record_invoice(Actor(1), s.number, s.seller_id, Issued("12345678", TODAY, 20000), PDF)
    late = queries.needing_attention(paid_at + timedelta(days=16), 15, "overdue")
    assert [r.cooperative_id for r in late] == [s.second_seller_id]


@pytest.mark.parametrize("issued_on, message", [
    (TODAY + timedelta(days=2), "cannot be in the future"),
    (TODAY - timedelta(days=30), "cannot be before"),
])
def test_invoice_date_between_payment_and_today(app_ctx, issued_on, message):
    s = scene()
    with pytest.raises(InvoiceError, match=message):
        record_invoice(Actor(1), s.number, s.seller_id, Issued("12345678", issued_on, 20000), PDF)


@pytest.mark.parametrize("data, reason", [
    (b"", "the file is empty"),
    (b"hello, this is not an invoice", "not a PDF, OFD, JPEG, PNG or WebP"),
    (PDF[:-7], "PDF is damaged or incomplete"),
    (ofd_bytes(name="Other.xml"), "OFD file is damaged"),
    (ofd_bytes(root=b"<html>not ofd</html>"), "OFD file is damaged"),
    (b"PK\x03\x04" + b"\x00" * 40, "OFD file is damaged"),
])
def test_files_that_are_not_what_they_say_are_refused_and_nothing_is_saved(app_ctx, data, reason):
    s = scene()
    before = private_files()
    with pytest.raises(InvoiceError, match=reason):
        record_invoice(Actor(1), s.number, s.seller_id, Issued("12345678", TODAY, 20000), data)
    assert private_files() == before
    assert db.session.scalar(select(func.count(Invoice.id))) == 0


def test_a_second_invoice_for_the_same_seller_is_refused_and_its_file_not_kept(app_ctx):
    s = scene()
    record_invoice(Actor(1), s.number, s.seller_id, Issued("12345678", TODAY, 20000), PDF)
    before = private_files()
    with pytest.raises(InvoiceError, match="already recorded"):
        record_invoice(Actor(1), s.number, s.seller_id, Issued("12345679", TODAY, 20000), PDF)
    assert private_files() == before


def test_ofd_is_only_taken_where_asked_for(tmp_path):
    assert store_document(ofd_bytes(), tmp_path, 2**20, ofd=True).media_type == "application/ofd"
    with pytest.raises(DocumentRejected, match="not a PDF, JPEG, PNG or WebP"):
        store_document(ofd_bytes(), tmp_path, 2**20)

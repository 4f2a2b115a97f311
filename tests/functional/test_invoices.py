"""Invoices through the test client: asking for one at checkout, the seller's capability page, recording invoices
and red-letter invoices (seller and staff), the buyer's and the organization's downloads, staff's overdue list,
and who may open each page and file."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from shop.audit.models import AuditEntry
from shop.catalog.models import Product
from shop.cooperatives.models import Cooperative, CooperativeKind, InvoiceCapability, InvoiceType
from shop.extensions import db
from shop.invoices.models import Invoice
from shop.orders.models import Order
from tests.factories import add_to_organization, make_delivery_regions, make_organization, make_user
from tests.image_files import image_bytes
from tests.invoice_factories import PDF, ofd_bytes, refund, scene, seller
from tests.order_factories import fill_cart
from tests.org_factories import private_files
from tests.web import csrf_token, english, login, post

TODAY = date.today().isoformat()
ADDRESS = {"recipient": "张三", "mobile": "13800138000", "province": "浙江省", "city": "湖州市", "district": "吴兴区",
           "street": "人民路 1 号"}


@pytest.fixture
def s(app):
    with app.app_context():
        return scene()


def as_user(client, email: str | None):
    english(client)
    if email:
        login(client, email)
    return client


def checkout(client, **fields):
    """Submit the checkout page as the browser would, with `fields` added."""
    with client.application.app_context():
        make_delivery_regions()
    page = client.get("/checkout").get_data(as_text=True)
    hidden = dict(re.findall(r'<input[^>]*name="(checkout_token|expected_total|csrf_token)"[^>]*value="([^"]*)"',
                             page))
    return client.post("/checkout", data={**hidden, **ADDRESS, "buy_for": "self", **fields})


def upload(client, url: str, data: bytes = PDF, filename: str = "invoice.pdf", **fields):
    form = {"number": "04400123", "issued_on": TODAY, "amount": "200.00", **fields,
            "csrf_token": csrf_token(client, url), "file": (io.BytesIO(data), filename)}
    return client.post(url, data=form, content_type="multipart/form-data")


def stock(app, product_id):
    with app.app_context():
        return db.session.scalar(select(Product.stock).where(Product.id == product_id))


# Checkout -------------------------------------------------------------------------------------------------------

def test_public_buyer_asks_for_a_company_invoice(app, client):
    with app.app_context():
        _, product = seller()
        buyer = make_user(email="buyer@example.cn")
        fill_cart(buyer.id, (product, 1))
    as_user(client, "buyer@example.cn")
    assert "Special VAT invoice" in client.get("/checkout").get_data(as_text=True)
    response = checkout(client, invoice_type="special", invoice_title_kind="company", invoice_title="湖州某公司",
                        tax_number="91330500MA2B3C4D5E")
    assert response.status_code == 302
    with app.app_context():
        order = db.session.scalar(select(Order))
        assert (order.invoice_type, order.invoice_title, order.tax_number) == (
            InvoiceType.SPECIAL, "湖州某公司", "91330500MA2B3C4D5E")


def test_a_personal_buyer_cannot_ask_for_special_vat(app, client):
    with app.app_context():
        _, product = seller()
        buyer = make_user(email="buyer@example.cn")
        fill_cart(buyer.id, (product, 1))
    as_user(client, "buyer@example.cn")
    response = checkout(client, invoice_type="special", invoice_title_kind="personal")
    assert response.status_code == 400
    assert "only issued to a business with a tax number" in response.get_data(as_text=True)
    assert stock(app, product.id) == 20


@pytest.mark.parametrize("kind, capability, wanted, placed", [
    (CooperativeKind.COOPERATIVE, InvoiceCapability.ORDINARY_AND_SPECIAL, "special", False),
    (CooperativeKind.COOPERATIVE, InvoiceCapability.ORDINARY, "ordinary", True),
    (CooperativeKind.ENTERPRISE, InvoiceCapability.NONE, "ordinary", False),
    (CooperativeKind.ENTERPRISE, InvoiceCapability.ORDINARY_AND_SPECIAL, "special", True),
    (CooperativeKind.ENTERPRISE, InvoiceCapability.NONE, "none", True),
])
def test_an_order_a_seller_cannot_invoice_is_refused_before_placing(app, client, kind, capability, wanted, placed):
    with app.app_context():
        _, product = seller(kind, capability, name="乌什县苹果合作社")
        organization = make_organization(name="湖州市财政局")
        buyer = make_user(email="buyer@example.cn")
        add_to_organization(buyer, organization)
        fill_cart(buyer.id, (product, 2))
    as_user(client, "buyer@example.cn")
    response = checkout(client, buy_for=f"org:{organization.id}", invoice_type=wanted)
    with app.app_context():
        orders = db.session.scalar(select(func.count(Order.id)))
    if placed:
        assert response.status_code == 302 and orders == 1
        return
    assert response.status_code == 400 and orders == 0
    assert f"“{product.name}” is sold by “乌什县苹果合作社”" in response.get_data(as_text=True)
    assert stock(app, product.id) == 20


# The seller's capability ------------------------------------------------------------------------------------

def test_a_cooperative_declares_what_it_can_issue_and_staff_see_it(app, client, s):
    as_user(client, "seller@example.cn")
    page = client.get("/coop/invoicing").get_data(as_text=True)
    assert "Ordinary and special VAT invoices" in page
    response = post(client, "/coop/invoicing", {"capability": "ordinary"}, token_from="/coop/invoicing")
    assert response.status_code == 302
    assert post(client, "/coop/invoicing", {"capability": "everything"}, token_from="/coop/invoicing"
                ).status_code == 400
    with app.app_context():
        assert db.session.get(Cooperative, s.seller_id).invoice_capability == InvoiceCapability.ORDINARY
    client = as_user(app.test_client(), "staff@example.cn")
    assert "Electronic ordinary invoices only" in client.get(
        f"/staff/cooperatives/{s.seller_id}").get_data(as_text=True)


def test_a_farmers_cooperative_is_told_it_issues_ordinary_invoices_only(client, s):
    as_user(client, "second@example.cn")
    assert "tax-exempt ordinary invoices only" in client.get("/coop/invoicing").get_data(as_text=True)


# Recording --------------------------------------------------------------------------------------------------

def test_the_seller_records_its_invoice_and_the_buyer_downloads_it(app, client, s):
    as_user(client, "seller@example.cn")
    listing = client.get("/coop/invoices/").get_data(as_text=True)
    assert s.number in listing and "To be issued" in listing
    page = client.get(f"/coop/invoices/{s.number}").get_data(as_text=True)
    assert "湖州市总工会" in page and "¥200.00" in page
    response = upload(client, f"/coop/invoices/{s.number}", ofd_bytes(), "invoice.ofd")
    assert response.status_code == 302
    assert client.get(f"/coop/invoices/{s.number}/file").data == ofd_bytes()
    client = as_user(app.test_client(), "viewer@example.cn")
    order_page = client.get(f"/orders/{s.number}").get_data(as_text=True)
    assert "04400123" in order_page and "To be issued" in order_page  # the second seller has not issued yet
    download = client.get(f"/orders/{s.number}/invoices/{s.seller_id}")
    assert download.status_code == 200 and download.data == ofd_bytes()
    assert download.headers["Cache-Control"] == "private, no-store"
    assert "attachment" in download.headers["Content-Disposition"]
    assert client.get(f"/orders/{s.number}/invoices/{s.second_seller_id}").status_code == 404
    organization_page = client.get(f"/org/{s.organization_id}/invoices").get_data(as_text=True)
    assert "04400123" in organization_page and "柯坪县红枣农民专业合作社" in organization_page


@pytest.mark.parametrize("data, filename, message", [
    (b"just text", "invoice.pdf", "it is not a PDF, OFD, JPEG, PNG or WebP file"),
    (PDF[:-7], "invoice.pdf", "the PDF is damaged or incomplete"),
    (ofd_bytes(name="Fake.xml"), "invoice.ofd", "the OFD file is damaged or is not an OFD document"),
    (b"", "invoice.pdf", "the file is empty"),
])
def test_a_file_that_is_not_what_it_says_is_refused_and_nothing_saved(app, client, s, data, filename, message):
    as_user(client, "seller@example.cn")
    before = private_files(app)
    response = upload(client, f"/coop/invoices/{s.number}", data, filename)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert private_files(app) == before
    with app.app_context():
        assert db.session.scalar(select(func.count(Invoice.id))) == 0


@pytest.mark.parametrize("fields, message", [
    ({"amount": "199.99"}, "The amount must be ¥200.00"),
    ({"issued_on": "2026/12/01"}, "Enter the date as yyyy-mm-dd"),
    ({"number": "12"}, "An invoice number has 8 to 20 digits or letters"),
    ({"amount": "abc"}, "is not an amount in yuan"),
])
def test_bad_invoice_details_get_a_clear_message(app, client, s, fields, message):
    as_user(client, "seller@example.cn")
    response = upload(client, f"/coop/invoices/{s.number}", image_bytes("PNG"), "invoice.png", **fields)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Invoice.id))) == 0


def test_a_refund_after_issue_asks_for_a_red_letter_invoice(app, client, s):
    as_user(client, "seller@example.cn")
    assert upload(client, f"/coop/invoices/{s.number}").status_code == 302
    with app.app_context():
        refund(s, s.seller_id, 1)
    page = client.get(f"/coop/invoices/{s.number}").get_data(as_text=True)
    assert "Red-letter invoice needed" in page and "¥100.00" in page
    response = upload(client, f"/coop/invoices/{s.number}/red-letter", number="04400999")
    assert response.status_code == 302
    assert "Cancelled by a red-letter invoice" in client.get(f"/coop/invoices/{s.number}").get_data(as_text=True)
    assert client.get(f"/coop/invoices/{s.number}/red-letter/file").data == PDF
    client = as_user(app.test_client(), "admin@example.cn")
    assert client.get(f"/org/{s.organization_id}/invoices/{s.number}/{s.seller_id}/red-letter").data == PDF


def test_staff_see_overdue_and_red_letter_needed_and_record_on_a_sellers_behalf(app, client):
    with app.app_context():
        late = scene(paid_days_ago=16)
    as_user(client, "staff@example.cn")
    overdue = client.get("/staff/invoices/?show=overdue").get_data(as_text=True)
    for coop_id in (late.seller_id, late.second_seller_id):  # both sellers are late
        assert f"/staff/invoices/{late.number}/{coop_id}" in overdue
    assert late.number not in client.get("/staff/invoices/?show=red_letter").get_data(as_text=True)
    assert client.get("/staff/invoices/?show=nonsense").status_code == 400
    url = f"/staff/invoices/{late.number}/{late.seller_id}"
    assert upload(client, url).status_code == 302
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "invoice.record"))
        assert entry.target_id == late.number and entry.after["number"] == "04400123"
        refund(late, late.seller_id, 1)
    assert late.number in client.get("/staff/invoices/?show=red_letter").get_data(as_text=True)
    assert upload(client, f"{url}/red-letter", number="04400999").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "invoice.red_letter"))
    assert late.number not in client.get("/staff/invoices/?show=red_letter").get_data(as_text=True)


def test_a_request_recorded_in_time_is_not_overdue(client, s):
    as_user(client, "staff@example.cn")
    assert s.number not in client.get("/staff/invoices/").get_data(as_text=True)


# Who may open what ------------------------------------------------------------------------------------------

EVERYONE = ["seller", "second", "othercoop", "admin", "purchaser", "viewer", "otherorg", "public", "staff", None]
LOGIN = 302


def _expect(who, allowed: set, outsider: int = 404, visitor: int = LOGIN, others: dict | None = None):
    if who in allowed:
        return 200
    if who is None:
        return visitor
    return (others or {}).get(who, outsider)


@pytest.fixture
def issued(app, s):
    """The enterprise's invoice recorded (by staff, in a client of its own)."""
    staff = as_user(app.test_client(), "staff@example.cn")
    assert upload(staff, f"/staff/invoices/{s.number}/{s.seller_id}").status_code == 302
    return s


@pytest.mark.parametrize("who", EVERYONE)
def test_who_may_open_the_sellers_pages(client, issued, who):
    s = issued
    as_user(client, f"{who}@example.cn" if who else None)
    # Another cooperative finds nothing; someone in no cooperative is shown the portal's "no cooperative" page.
    not_in_a_coop = {name: 403 for name in ("admin", "purchaser", "viewer", "otherorg", "public", "staff")}
    for url in (f"/coop/invoices/{s.number}", f"/coop/invoices/{s.number}/file"):
        expected = _expect(who, {"seller"}, others={**not_in_a_coop, "second": 404 if url.endswith("file") else 200})
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize("who", EVERYONE)
def test_who_may_see_the_organizations_invoices(client, issued, who):
    s = issued
    as_user(client, f"{who}@example.cn" if who else None)
    for url in (f"/org/{s.organization_id}/invoices", f"/org/{s.organization_id}/invoices/{s.number}/{s.seller_id}"):
        assert client.get(url).status_code == _expect(who, {"admin", "purchaser", "viewer"}, visitor=404), url


@pytest.mark.parametrize("who", EVERYONE)
def test_who_may_download_from_the_order_page(client, issued, who):
    s = issued
    as_user(client, f"{who}@example.cn" if who else None)
    response = client.get(f"/orders/{s.number}/invoices/{s.seller_id}")
    assert response.status_code == _expect(who, {"admin", "purchaser", "viewer"})


@pytest.mark.parametrize("who", EVERYONE)
def test_who_may_use_the_staff_invoice_pages(client, issued, who):
    s = issued
    as_user(client, f"{who}@example.cn" if who else None)
    for url in ("/staff/invoices/", f"/staff/invoices/{s.number}/{s.seller_id}",
                f"/staff/invoices/{s.number}/{s.seller_id}/file"):
        assert client.get(url).status_code == _expect(who, {"staff"}, outsider=403), url


def test_another_organization_cannot_fetch_an_invoice_through_its_own_pages(client, issued):
    s = issued
    as_user(client, "otherorg@example.cn")
    assert client.get(f"/org/{s.other_organization_id}/invoices/{s.number}/{s.seller_id}").status_code == 404


def test_the_invoice_file_is_kept_when_other_details_are_wrong(app, client, s):
    as_user(client, "seller@example.cn")
    url = f"/coop/invoices/{s.number}"
    failed = upload(client, url, amount="199.99")
    page = failed.get_data(as_text=True)
    assert failed.status_code == 400 and "Uploaded: invoice.pdf" in page
    token = re.search(r'name="file-kept" value="([^"]+)"', page).group(1)
    form = {"number": "04400123", "issued_on": TODAY, "amount": "200.00", "file-kept": token,
            "csrf_token": csrf_token(client, url)}
    assert client.post(url, data=form, content_type="multipart/form-data").status_code == 302
    assert client.get(f"{url}/file").data == PDF

"""Purchase certificate pages and PDFs through the test client: who may open them (parametrized over roles and
outsiders), what the PDF says, and the public verification page for real, tampered and superseded codes."""
from __future__ import annotations

import io
import re
from datetime import datetime, timezone

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from shop.accounts.models import OrganizationRole
from shop.extensions import db
from shop.reports.certificates_models import PurchaseCertificate
from tests.factories import add_to_organization, make_organization, make_product, make_user
from tests.order_factories import make_order, make_paid_order, refund_first_line
from tests.web import english, login

MEMBERS = ("admin", "purchaser", "viewer")
OUTSIDERS = ("other organization's admin", "public buyer", "visitor")
ACCOUNTS = {"admin": "admin@a.example.cn", "purchaser": "buyer@a.example.cn", "viewer": "viewer@a.example.cn",
            "other organization's admin": "admin@b.example.cn", "public buyer": "public@example.cn"}
PAID = datetime(2026, 3, 10, 2, tzinfo=timezone.utc)  # 10:00 on 10 March in China
CODE_RE = re.compile(r"/verify/([A-Za-z0-9_-]+)")


@pytest.fixture
def setting(app):
    """Organization A (a member per role) with a paid order and an unpaid one; B with its admin; a public buyer
    with a paid order of their own."""
    with app.app_context():
        organization = make_organization(name="湖州市吴兴区总工会", kind="union")
        users = {role: make_user(email=ACCOUNTS[role], name=role) for role in MEMBERS}
        for role, user in users.items():
            add_to_organization(user, organization, OrganizationRole(role))
        other = make_organization(name="别人的单位")
        add_to_organization(make_user(email=ACCOUNTS["other organization's admin"]), other, OrganizationRole.ADMIN)
        public = make_user(email=ACCOUNTS["public buyer"], name="王小明", mobile="13812345678")
        jujube = make_product(name="柯坪红枣", spec="1 kg/袋", price_fen=4580, stock=100)
        org_order = make_paid_order(users["purchaser"], (jujube, 3), paid_at=PAID, organization_id=organization.id)
        unpaid = make_order(users["purchaser"], (jujube, 1), organization_id=organization.id)
        own_order = make_paid_order(public, (jujube, 2), paid_at=PAID)
        return {"org": organization.id, "order": org_order.number, "unpaid": unpaid.number,
                "own": own_order.number, "staff": make_user(is_staff=True).id}


def client_as(app, role: str):
    client = english(app.test_client())
    if role != "visitor":
        login(client, ACCOUNTS[role])
    return client


ORG_PAGES = ("/org/{org}/certificates", "/org/{org}/certificates/2026", "/org/{org}/certificates/2026.pdf",
             "/orders/{order}/certificate", "/orders/{order}/certificate.pdf")


@pytest.mark.parametrize("role", MEMBERS + OUTSIDERS)
@pytest.mark.parametrize("path", ORG_PAGES)
def test_an_organizations_certificates_are_for_its_members_only(app, setting, path, role):
    response = client_as(app, role).get(path.format(**setting))
    if role in MEMBERS:
        assert response.status_code == 200
    elif role == "visitor" and path.startswith("/orders/"):
        assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", MEMBERS + OUTSIDERS)
@pytest.mark.parametrize("path", ("/orders/{own}/certificate", "/orders/{own}/certificate.pdf"))
def test_a_public_buyers_certificate_is_theirs_only(app, setting, path, role):
    response = client_as(app, role).get(path.format(**setting))
    expected = {"public buyer": 200, "visitor": 302}.get(role, 404)
    assert response.status_code == expected


def test_unpaid_orders_and_years_without_purchases_have_no_certificate(app, setting):
    client = client_as(app, "admin")
    assert client.get(f"/orders/{setting['unpaid']}/certificate").status_code == 404
    assert client.get(f"/orders/{setting['unpaid']}/certificate.pdf").status_code == 404
    assert client.get(f"/org/{setting['org']}/certificates/2025").status_code == 404
    assert client.get(f"/org/{setting['org']}/certificates/1999").status_code == 404
    assert "/certificate" not in client.get(f"/orders/{setting['unpaid']}").get_data(as_text=True)
    page = client.get(f"/orders/{setting['order']}").get_data(as_text=True)
    assert f"/orders/{setting['order']}/certificate" in page


def test_the_pdf_lists_the_purchase_and_its_verification_code(app, setting):
    client = client_as(app, "viewer")
    response = client.get(f"/org/{setting['org']}/certificates/2026.pdf")
    assert response.mimetype == "application/pdf" and response.headers["Cache-Control"] == "no-store"
    text = " ".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages).split())
    assert "湖州市吴兴区总工会" in text
    assert f"{setting['order']} 2026-03-10 柯坪红枣 1 kg/袋" in text and "3 137.40 137.40" in text
    code = CODE_RE.search(text).group(1)
    page = client.get(f"/org/{setting['org']}/certificates/2026").get_data(as_text=True)
    assert code in page and "<svg" in page  # the same certificate, and its QR code on the page


def test_a_public_buyer_is_shown_masked(app, setting):
    page = client_as(app, "public buyer").get(f"/orders/{setting['own']}/certificate").get_data(as_text=True)
    assert "王** 138****5678" in page and "13812345678" not in page
    code = CODE_RE.search(page).group(1)
    public = app.test_client().get(f"/verify/{code}").get_data(as_text=True)
    assert "王** 138****5678" in public and "13812345678" not in public and "王小明" not in public


def _tampered(code: str) -> list[str]:
    flipped = code[:-1] + ("A" if code[-1] != "A" else "B")
    return [flipped, code[:-1], code + "A", code.upper() if code.upper() != code else code.lower(), "x" * len(code)]


def test_verification_shows_a_real_code_and_refuses_a_changed_one(app, setting):
    page = client_as(app, "admin").get(f"/org/{setting['org']}/certificates/2026").get_data(as_text=True)
    code = CODE_RE.search(page).group(1)
    visitor = english(app.test_client())
    response = visitor.get(f"/verify/{code}")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "湖州市吴兴区总工会" in body and "2026-01-01 – 2026-12-31" in body and "¥137.40" in body
    assert "valid" in body and "superseded" not in body.split("If its figures change")[0]
    for changed in _tampered(code):
        assert visitor.get(f"/verify/{changed}").status_code == 404, changed


def test_a_refund_after_download_supersedes_the_old_code(app, setting):
    client = client_as(app, "purchaser")
    old = CODE_RE.search(client.get(f"/orders/{setting['order']}/certificate").get_data(as_text=True)).group(1)
    with app.app_context():
        from shop.orders.queries import order_by_number
        refund_first_line(order_by_number(setting["order"]), 1, datetime(2026, 4, 2, 3, tzinfo=timezone.utc),
                          setting["staff"])
    page = client.get(f"/orders/{setting['order']}/certificate").get_data(as_text=True)
    new = CODE_RE.search(page).group(1)
    assert new != old and "-¥45.80" in page and "¥91.60" in page
    old_page = english(app.test_client()).get(f"/verify/{old}").get_data(as_text=True)
    assert "This certificate was superseded on" in old_page and "¥137.40" in old_page and "-¥45.80" not in old_page
    new_page = english(app.test_client()).get(f"/verify/{new}").get_data(as_text=True)
    assert "This certificate is valid" in new_page and "¥91.60" in new_page
    with app.app_context():
        assert db.session.scalar(select(PurchaseCertificate.code).where(
            PurchaseCertificate.superseded_at.is_(None), PurchaseCertificate.order_id.is_not(None),
            PurchaseCertificate.holder == "湖州市吴兴区总工会")) == new


def test_pages_are_in_chinese_by_default(app, setting):
    client = app.test_client()
    login(client, ACCOUNTS["admin"])
    page = client.get(f"/org/{setting['org']}/certificates/2026").get_data(as_text=True)
    assert "湖州市吴兴区总工会 2026 年度采购凭证" in page and "净额" in page
    assert "2026 年度采购凭证" in client.get(f"/org/{setting['org']}/certificates").get_data(as_text=True)

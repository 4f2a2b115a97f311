"""An organization's whole journey in phones' browsers: the demo union's admin invites a purchaser, who joins
through the mailed link, places a gift order for three recipients from a CSV file, and chooses bank transfer;
staff record the transfer; the organization's pledge progress moves by the order's total, and the year's purchase
certificate downloads as a PDF that names the order."""
from __future__ import annotations

import io
import re
from decimal import Decimal

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from shop.accounts.models import OrganizationRole
from shop.demo.seed import DEMO_ORGANIZATION_PASSWORD, demo_member_email
from tests.web import log_in, page_width

RECIPIENTS = "收件人,手机号,省,市,区县,详细地址,商品编号(SKU),数量\r\n" + "".join(
    f"{name},{mobile},浙江省,湖州市,吴兴区,{street},KP-HZ-1,{units}\r\n"
    for name, mobile, street, units in (("王一", "13800000001", "人民路 1 号", 1), ("王二", "13800000002", "人民路 2 号", 2),
                                        ("王三", "13800000003", "人民路 3 号", 1)))


def _fen(text: str) -> int:
    """¥1,234.50 → 123450."""
    return int(Decimal(re.sub(r"[^\d.]", "", text)) * 100)


def _new_phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                  has_touch=True, accept_downloads=True)
    return context, context.new_page()


def test_invite_gift_order_bank_transfer_pledge_and_certificate(app, live_server, browser, phone, tmp_path):
    from shop.extensions import db
    from shop.organizations.models import Organization
    from tests.factories import make_user
    from tests.org_factories import invitation_path, mails

    errors: list[str] = []
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    with app.app_context():
        organization_id = db.session.scalar(select(Organization.id).where(Organization.name == "湖州市总工会"))
        make_user(email="staff@journey.example.cn", is_staff=True)

    # The admin invites a purchaser by email.
    log_in(phone, live_server, demo_member_email("zgh", OrganizationRole.ADMIN), DEMO_ORGANIZATION_PASSWORD)
    phone.goto(f"{live_server}/org/{organization_id}/members")
    phone.fill(".invite-form input[name=email]", "gifts.buyer@example.com")
    phone.select_option(".invite-form select[name=role]", "purchaser")
    phone.locator(".invite-form button").click()
    expect(phone.locator(".flash.success")).to_contain_text("gifts.buyer@example.com")
    with app.app_context():
        _to, _subject, body = mails("organization_invitation")[-1]

    # The purchaser joins through the link and notes the pledge's progress.
    context, buyer = _new_phone(browser)
    buyer.on("pageerror", lambda exc: errors.append(str(exc)))
    buyer.goto(live_server + invitation_path(body))
    buyer.fill("input[name=name]", "工会采购员")
    buyer.fill("input[name=password]", "a long password")
    buyer.fill("input[name=confirm]", "a long password")
    buyer.check("input[name=agree]")
    buyer.locator("main form button").click()
    expect(buyer).to_have_url(re.compile(rf"/org/{organization_id}/$"))
    before = _fen(buyer.locator(".pledge-progress .pledge-total").inner_text())

    # A gift order for three recipients, from a CSV file.
    buyer.locator(f"nav.coop-nav a[href$='/org/{organization_id}/gifts']").click()
    buyer.set_input_files("input[name=file]", files=[{"name": "recipients.csv", "mimeType": "text/csv",
                                                      "buffer": RECIPIENTS.encode("utf-8")}])
    buyer.locator("main form button").click()
    expect(buyer.locator("main")).to_contain_text("王三")
    buyer.screenshot(path=str(tmp_path / "gift-preview.png"), full_page=True)
    buyer.locator("form[action$='/confirm'] button").click()
    expect(buyer).to_have_url(re.compile(r"/orders/[\w-]+/pay$"))
    number = re.search(r"/orders/([\w-]+)/pay$", buyer.url).group(1)
    buyer.locator(f"form[action$='/orders/{number}/pay/bank-transfer'] button").click()
    reference = buyer.locator(".reference").inner_text()
    total = buyer.locator("dl.facts dd strong").first.inner_text()
    assert _fen(total) == 4 * 4580  # four bags of 柯坪红枣 at ¥45.80

    # Staff record the transfer when it arrives.
    staff_context, staff = _new_phone(browser)
    staff.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(staff, live_server, "staff@journey.example.cn")
    staff.goto(f"{live_server}/staff/payments")
    staff.fill("input[name=order]", reference)
    staff.fill("input[name=amount]", str(Decimal(_fen(total)) / 100))
    staff.fill("input[name=bank_serial]", "JOURNEY-0001")
    staff.fill("input[name=payer]", "湖州市总工会")
    staff.locator("form[action$='/staff/payments/bank-transfers'] button").click()
    expect(staff.locator(".flash.success")).to_be_visible()
    staff_context.close()

    # The pledge's progress moved by the order's total, and the year's certificate names the order.
    buyer.goto(f"{live_server}/org/{organization_id}/")
    after = _fen(buyer.locator(".pledge-progress .pledge-total").inner_text())
    assert after - before == _fen(total)
    buyer.locator(f"nav.coop-nav a[href$='/org/{organization_id}/certificates']").click()
    with buyer.expect_download() as download:
        buyer.locator("main a[href$='.pdf']").first.click()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(download.value.path().read_bytes())).pages)
    assert number in text and "湖州市总工会" in text
    assert page_width(buyer) <= 390
    context.close()
    assert errors == []

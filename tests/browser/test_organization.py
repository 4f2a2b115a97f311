"""Organizations in a phone's browser: the demo union's admin invites a purchaser by email, who creates an account
through the link and lands on the organization's pages; and the application's region picker filling itself."""
import re

from playwright.sync_api import expect
from sqlalchemy import select

from shop.accounts.models import OrganizationRole
from shop.demo.seed import DEMO_ORGANIZATION_PASSWORD, demo_member_email
from tests.web import log_in, page_width


def test_an_admin_invites_a_purchaser_who_accepts_and_sees_the_organization(
        app, live_server, browser, phone, tmp_path):
    from shop.extensions import db
    from shop.organizations.models import Organization
    from tests.org_factories import invitation_path, mails

    errors = []
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(phone, live_server, demo_member_email("zgh", OrganizationRole.ADMIN), DEMO_ORGANIZATION_PASSWORD)
    phone.get_by_role("link", name="单位后台").click()
    expect(phone).to_have_url(re.compile(r"/org/\d+/$"))
    expect(phone.locator("h1")).to_contain_text("湖州市总工会")
    phone.locator("nav.coop-nav a[href$='/members']").click()
    phone.fill(".invite-form input[name=email]", "new.buyer@example.com")
    phone.select_option(".invite-form select[name=role]", "purchaser")
    phone.locator(".invite-form button").click()
    expect(phone.locator(".flash.success")).to_contain_text("new.buyer@example.com")
    phone.screenshot(path=str(tmp_path / "invited.png"), full_page=True)

    with app.app_context():
        _to, _subject, body = mails("organization_invitation")[-1]
        organization_id = db.session.scalar(select(Organization.id).where(Organization.name == "湖州市总工会"))
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    newcomer = context.new_page()
    newcomer.on("pageerror", lambda exc: errors.append(str(exc)))
    newcomer.goto(live_server + invitation_path(body))
    expect(newcomer.locator("h1")).to_contain_text("湖州市总工会")
    newcomer.fill("input[name=name]", "新采购员")
    newcomer.fill("input[name=password]", "a long password")
    newcomer.fill("input[name=confirm]", "a long password")
    newcomer.check("input[name=agree]")
    newcomer.locator("main form button").click()
    expect(newcomer).to_have_url(re.compile(rf"/org/{organization_id}/$"))
    expect(newcomer.locator(".coop-bar")).to_contain_text("采购员")
    expect(newcomer.locator("main")).to_contain_text("新采购员")
    newcomer.screenshot(path=str(tmp_path / "joined.png"), full_page=True)
    assert page_width(newcomer) <= 390
    context.close()

    phone.reload()
    expect(phone.locator("table.members")).to_contain_text("new.buyer@example.com")
    assert errors == []


def test_the_region_picker_fills_itself_and_the_invoice_title_follows_the_name(live_server, phone, buyer_account):
    errors = []
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(phone, live_server, buyer_account)
    phone.goto(live_server + "/organizations/apply")
    expect(phone.locator("[data-region-step]")).to_be_hidden()
    phone.select_option("select[name=region_province]", "330000")
    expect(phone.locator("select[name=region_prefecture] option[value='330500']")).to_have_count(1)
    phone.select_option("select[name=region_prefecture]", "330500")
    expect(phone.locator("select[name=region_county] option[value='330502']")).to_have_text("吴兴区")
    phone.select_option("select[name=region_county]", "330502")
    phone.fill("input[name=name]", "湖州市吴兴区总工会")
    expect(phone.locator("input[name=invoice_title]")).to_have_value("湖州市吴兴区总工会")
    phone.fill("input[name=invoice_title]", "吴兴区总工会")
    phone.fill("input[name=name]", "湖州市吴兴区总工会（改）")
    expect(phone.locator("input[name=invoice_title]")).to_have_value("吴兴区总工会")  # edited: no longer follows
    phone.select_option("select[name=region_province]", "110000")
    expect(phone.locator("select[name=region_county]")).to_be_disabled()
    assert errors == []

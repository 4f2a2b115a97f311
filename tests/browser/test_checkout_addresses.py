"""Checkout addresses in Chromium: the region selects without JavaScript (the "next level" step), a saved address
picked the next time, and full-page screenshots of the checkout and the pay page at 390 and 1280 px in Chinese and
English, kept as artifacts."""
import re

import pytest
from playwright.sync_api import expect

from shop.extensions import db
from shop.orders.models import Address
from tests.web import fill_new_address, log_in, page_width


def add_jujube(page, live_server: str) -> None:
    page.goto(live_server + "/products?q=%E7%BA%A2%E6%9E%A3")  # 红枣
    page.locator(".product-card").first.click()
    page.get_by_role("button", name="加入购物车").first.click()
    expect(page).to_have_url(re.compile(r"/cart$"))


def fits(page, width: int) -> None:
    assert page_width(page) <= width


def test_without_javascript_the_regions_come_level_by_level_and_the_address_is_kept(
        live_server, browser, buyer_account):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, buyer_account)
    add_jujube(page, live_server)
    page.goto(live_server + "/checkout")
    page.fill("input[name=recipient]", "李买家")
    page.fill("input[name=mobile]", "138 0013 8000")
    page.fill("input[name=street]", "人民路 1 号")
    for name, value in [("province", "浙江省"), ("city", "湖州市")]:
        page.select_option(f"select[name={name}]", value)
        page.get_by_role("button", name="显示下一级").click()
        expect(page.locator("input[name=street]")).to_have_value("人民路 1 号")  # what was typed stays
    page.select_option("select[name=district]", "吴兴区")
    page.get_by_role("button", name="提交订单").click()
    expect(page).to_have_url(re.compile(r"/orders/BF\d{8}-\d{6}/pay$"))

    add_jujube(page, live_server)
    page.goto(live_server + "/checkout")
    saved = page.locator(".address-choice", has_text="湖州市 吴兴区 人民路 1 号").locator("input[name=address]")
    expect(saved).to_be_checked()
    page.get_by_role("button", name="提交订单").click()
    expect(page).to_have_url(re.compile(r"/orders/BF\d{8}-\d{6}/pay$"))
    context.close()


@pytest.fixture
def saved_address(app, buyer_account):
    with app.app_context():
        from shop.accounts.models import User
        user_id = db.session.query(User.id).filter_by(email=buyer_account).scalar()
        db.session.add(Address(user_id=user_id, recipient="李买家", mobile="13800138000", province="北京市",
                               city="北京市", district="朝阳区", street="建国路 88 号 2 号楼 1201"))
        db.session.commit()
    return buyer_account


@pytest.fixture
def card_only(localstripe):
    """The account takes cards only, as `make run`'s does."""
    localstripe.take_methods(["card"])
    yield
    localstripe.take_methods(["card", "alipay", "wechat_pay"])


@pytest.mark.parametrize("width", [390, 1280])
def test_checkout_and_pay_pages_in_both_languages(live_server, browser, saved_address, card_only, tmp_path, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN",
                                  is_mobile=width < 768, has_touch=width < 768)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, saved_address)
    add_jujube(page, live_server)
    page.goto(live_server + "/checkout")
    expect(page.locator(".address-choice input[name=address]").first).to_be_checked()
    expect(page.locator("input[name=recipient]")).to_be_hidden()  # a saved address is picked
    expect(page.get_by_role("button", name="显示下一级")).to_be_hidden()  # the script fills the selects
    fits(page, width)
    page.screenshot(path=str(tmp_path / f"checkout-{width}-zh.png"), full_page=True)

    page.locator(".lang-switch button").first.dispatch_event("click")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Use a new address").check()
    fill_new_address(page)
    fits(page, width)
    page.screenshot(path=str(tmp_path / f"checkout-{width}-en.png"), full_page=True)
    page.get_by_role("button", name="Place order").click()
    expect(page).to_have_url(re.compile(r"/orders/BF\d{8}-\d{6}/pay$"))
    expect(page.locator(".pay-methods li")).to_have_count(1)  # a public buyer, an account that takes cards
    expect(page.locator(".pay-methods .icon-card")).to_be_visible()
    fits(page, width)
    page.screenshot(path=str(tmp_path / f"pay-{width}-en.png"), full_page=True)

    page.locator(".lang-switch button").first.dispatch_event("click")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    fits(page, width)
    page.screenshot(path=str(tmp_path / f"pay-{width}-zh.png"), full_page=True)
    assert errors == []
    context.close()

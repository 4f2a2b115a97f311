"""On a phone: the tab bar, the category page, the product gallery and stepper, the cart grouped by cooperative;
a header that fits 360 px, targets big enough to tap, tab strips that show they scroll."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.web import log_in, page_width

# Interactive elements the checks below measure, wherever a page has them.
CONTROLS = (".site-header a, .site-header button, .site-header input, .tabbar a, .buy-bar a, .buy-bar button, "
            ".buy-bar input, .cart-lines button, .cart-lines input, .checkout-bar a, .tabs a, .chips a, .pager a, "
            ".filters select, .filters button, .category-tile, .back-link a")
MEASURE = """selector => [...document.querySelectorAll(selector)]
  .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
  .map(e => { const r = e.getBoundingClientRect();
              return {what: e.outerHTML.slice(0, 80), left: r.left, right: r.right, width: r.width,
                      height: r.height, clipped: e.scrollWidth > e.clientWidth + 1 && e.tagName !== 'INPUT'}; })"""


def watch_errors(page) -> list:
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


def test_phone_journey_home_category_product_stepper_cart_checkout(live_server, phone, buyer_account, tmp_path):
    errors = watch_errors(phone)
    phone.goto(live_server + "/")
    tabbar = phone.locator("nav.tabbar")
    expect(tabbar).to_be_visible()
    expect(tabbar.get_by_role("link", name="首页")).to_have_attribute("aria-current", "page")
    phone.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    tabbar.get_by_role("link", name="分类").click()
    expect(phone).to_have_url(re.compile(r"/categories$"))
    expect(phone.locator(".category-tile img").first).to_be_visible()
    phone.screenshot(path=str(tmp_path / "categories.png"), full_page=True)
    phone.locator(".category-tile", has_text="干果坚果").click()
    expect(phone).to_have_url(re.compile(r"/products\?category=nuts-dried-fruit$"))
    phone.locator(".product-card", has_text="柯坪红枣").first.click()

    # The gallery swipes (scroll-snap) and its counter follows; the buy bar stays on screen.
    track = phone.locator(".gallery-track")
    assert track.evaluate("t => t.querySelectorAll('img').length >= 3 && t.scrollWidth > t.clientWidth")
    track.evaluate("t => t.scrollTo({left: t.clientWidth, behavior: 'instant'})")
    expect(phone.locator(".gallery-count [data-current]")).to_have_text("2")
    bar = phone.locator(".buy-bar").bounding_box()
    assert abs(bar["y"] + bar["height"] - 844) <= 1  # at the bottom of the screen, where the tab bar was
    expect(phone.locator("nav.tabbar")).to_have_count(0)

    # The stepper adds and removes one at a time and stops at the stock.
    quantity = phone.locator("input[name=quantity]")
    more, fewer = phone.get_by_role("button", name="增加一件"), phone.get_by_role("button", name="减少一件")
    expect(fewer).to_be_disabled()
    more.click()
    more.click()
    expect(quantity).to_have_value("3")
    fewer.click()
    expect(quantity).to_have_value("2")
    stock = quantity.get_attribute("max")
    quantity.fill(stock)
    expect(more).to_be_disabled()
    quantity.fill("2")
    expect(more).to_be_enabled()
    phone.screenshot(path=str(tmp_path / "product.png"), full_page=True)
    phone.get_by_role("button", name="加入购物车").click()

    # The cart groups the line under its cooperative; its stepper sends the new quantity by itself.
    expect(phone).to_have_url(re.compile(r"/cart$"))
    group = phone.locator(".cart-group")
    expect(group).to_have_count(1)
    expect(group.locator(".group-head")).to_contain_text("柯坪县恰玛古果蔬农民专业合作社")
    expect(group.locator(".line-name")).to_contain_text("柯坪红枣")
    expect(phone.locator(".tabbar .tab-badge")).to_have_text("2")
    group.get_by_role("button", name="增加一件").click()
    expect(phone.locator(".tabbar .tab-badge")).to_have_text("3")  # the page came back with the new count
    expect(group.locator("input[name=quantity]")).to_have_value("3")
    expect(phone.locator(".flash.error")).to_have_count(0)
    phone.screenshot(path=str(tmp_path / "cart.png"), full_page=True)

    phone.get_by_role("link", name="去结算").click()
    phone.fill("input[name=identifier]", buyer_account)
    phone.fill("input[name=password]", "correct horse battery")
    phone.locator("main form button").last.click()
    expect(phone).to_have_url(re.compile(r"/checkout$"))
    expect(phone.locator(".summary-lines")).to_contain_text("柯坪红枣")
    expect(phone.locator(".summary-lines")).to_contain_text("× 3")
    assert page_width(phone) <= 390
    assert errors == []


@pytest.fixture
def busy_account(app, live_server):
    """A user with every role the header can show: staff, and a member of a cooperative."""
    from shop.cooperatives.models import Cooperative
    from shop.extensions import db
    from tests.factories import add_to_cooperative, make_user

    with app.app_context():
        user = make_user(email="busy@example.cn", name="欧阳买买提江", is_staff=True)
        add_to_cooperative(user, db.session.scalar(select(Cooperative).order_by(Cooperative.id)))
    return "busy@example.cn"


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_header_fits_a_360px_phone_in_both_languages(live_server, browser, busy_account, signed_in):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="zh-CN",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    if signed_in:
        log_in(page, live_server, busy_account)
    for language in ("English", "中文"):
        page.goto(live_server + "/orders" if signed_in else live_server + "/")
        for control in page.evaluate(MEASURE, ".site-header a, .site-header button, .site-header input"):
            assert control["left"] >= 0 and control["right"] <= 360, control
            assert not control["clipped"], control
        if signed_in:
            expect(page.locator(".site-header").get_by_role("link", name=re.compile("合作社后台|Cooperative"))) \
                .to_be_visible()
        assert page_width(page) <= 360
        page.locator(".lang-switch button").click()
    context.close()


def test_targets_are_at_least_44px_and_tab_strips_show_they_scroll(live_server, browser, busy_account):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="zh-CN",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = watch_errors(page)
    log_in(page, live_server, busy_account)
    page.goto(live_server + "/products?q=%E7%BA%A2%E6%9E%A3")
    page.locator(".product-card").first.click()
    product = page.url
    page.get_by_role("button", name="加入购物车").click()
    for url in [live_server + "/", live_server + "/categories", live_server + "/products", product,
                live_server + "/cart", live_server + "/orders"]:
        page.goto(url)
        for control in page.evaluate(MEASURE, CONTROLS):
            assert control["width"] >= 44 and control["height"] >= 44, (url, control)
    tabs = page.locator("nav.tabs")
    assert tabs.evaluate("t => t.scrollWidth > t.clientWidth")  # more tabs than fit: the strip scrolls
    style = tabs.evaluate("t => { const s = getComputedStyle(t); return [s.overflowX, s.backgroundAttachment]; }")
    assert style[0] == "auto" and "local" in style[1] and "scroll" in style[1]  # edge shadows while there is more
    assert errors == []
    context.close()

"""The back office in a browser: on a 390 px phone the menu opens without overflowing; at 1280 px the side
navigation shows. Full-page screenshots of both dashboards in both languages are kept as artifacts."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.web import log_in, page_width

MEASURE = """selector => [...document.querySelectorAll(selector)]
  .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
  .map(e => { const r = e.getBoundingClientRect();
              return {what: e.outerHTML.slice(0, 80), left: r.left, right: r.right, height: r.height}; })"""
PAGES = {"staff": ("/staff/", "/staff/orders/", "订单管理"), "coop": ("/coop/", "/coop/products", "商品管理")}


@pytest.fixture
def office_people(app, live_server):
    """A staff member, and a member of the demo's 柯坪 cooperative with a paid order to ship."""
    from shop.catalog.models import Product
    from shop.cooperatives.models import Cooperative
    from shop.extensions import db
    from shop.orders import lifecycle
    from tests.factories import add_to_cooperative, make_user
    from tests.order_factories import make_order

    with app.app_context():
        make_user(email="staff@example.cn", name="欧阳运营", is_staff=True)
        cooperative = db.session.scalar(select(Cooperative).where(Cooperative.county_code == "652929")
                                        .order_by(Cooperative.id))
        add_to_cooperative(make_user(email="coop@example.cn", name="艾力"), cooperative)
        product = db.session.scalar(select(Product).where(Product.cooperative_id == cooperative.id)
                                    .order_by(Product.id))
        lifecycle.mark_paid(make_order(make_user(), (product, 1)).id)
    return {"staff": "staff@example.cn", "coop": "coop@example.cn"}


def _fits(page, width: int) -> None:
    assert page_width(page) <= width
    for control in page.evaluate(MEASURE, ".bo-header a, .bo-header button, .bo-header summary, .dash-card"):
        assert control["left"] >= 0 and control["right"] <= width, control
        assert control["height"] >= 44, control


@pytest.mark.parametrize("family", ["staff", "coop"])
def test_the_menu_opens_on_a_phone_and_nothing_overflows(live_server, phone, office_people, family, tmp_path):
    errors = []
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    home, other, label = PAGES[family]
    log_in(phone, live_server, office_people[family])
    phone.goto(live_server + home)
    expect(phone.locator(".bo-side")).to_be_hidden()
    expect(phone.locator(".tabbar, .site-header, form[role=search]")).to_have_count(0)
    menu = phone.locator("details.bo-menu")
    link = menu.get_by_role("link", name=label)
    expect(link).to_be_hidden()
    _fits(phone, 390)
    phone.screenshot(path=str(tmp_path / f"{family}-390-zh.png"), full_page=True)
    menu.locator("summary").click()
    expect(link).to_be_visible()
    expect(menu.get_by_role("button", name="退出登录")).to_be_visible()
    for control in phone.evaluate(MEASURE, "details.bo-menu .bo-drop a, details.bo-menu .bo-drop button"):
        assert control["left"] >= 0 and control["right"] <= 390 and control["height"] >= 44, control
    assert page_width(phone) <= 390
    phone.screenshot(path=str(tmp_path / f"{family}-390-menu.png"))
    link.click()
    expect(phone).to_have_url(live_server + other)
    _fits(phone, 390)
    phone.goto(live_server + home)
    phone.locator(".bo-header .lang-switch button").click()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    _fits(phone, 390)
    phone.screenshot(path=str(tmp_path / f"{family}-390-en.png"), full_page=True)
    assert errors == []


@pytest.mark.parametrize("family", ["staff", "coop"])
def test_the_side_navigation_shows_on_a_wide_screen(live_server, browser, office_people, family, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    home, _other, label = PAGES[family]
    log_in(page, live_server, office_people[family])
    page.goto(live_server + home)
    side = page.locator("nav.bo-side")
    expect(side).to_be_visible()
    expect(side.get_by_role("link", name=label)).to_be_visible()
    expect(page.locator("details.bo-menu")).to_be_hidden()
    _fits(page, 1280)
    page.screenshot(path=str(tmp_path / f"{family}-1280-zh.png"), full_page=True)
    page.locator(".bo-header .lang-switch button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.screenshot(path=str(tmp_path / f"{family}-1280-en.png"), full_page=True)
    context.close()

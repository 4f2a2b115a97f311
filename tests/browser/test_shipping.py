"""Shipping in a browser: the cart, checkout and order pages show each cooperative's shipping (a fee, or 包邮) and
a total that includes it, fitting 390 and 1280 px in Chinese and English. Full-page screenshots are kept."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.web import fill_new_address, log_in, page_width

# Demo sellers: 柯坪驼奶 ¥12 (包邮 from ¥299), 乌什核桃 ¥8 (from ¥99), 柯坪果蔬 ships free.
SKUS = {"KP-TN-300": 1, "WS-HT-25": 1, "KP-HZ-1": 2}
GOODS = 16800 + 9800 + 2 * 4580
SHIPPING = 1200 + 800


@pytest.fixture
def shopper(app, live_server, buyer_account):
    """The buyer's cart holding a product of three demo sellers."""
    from shop.catalog.models import Product
    from shop.extensions import db
    from tests.order_factories import fill_cart

    with app.app_context():
        from shop.accounts.models import User
        user = db.session.scalar(select(User).where(User.email == buyer_account))
        fill_cart(user.id, *[(db.session.scalar(select(Product).where(Product.sku == sku)), quantity)
                             for sku, quantity in SKUS.items()])
    return buyer_account


def _switch_language(page, lang: str) -> None:
    """Press the header's language button (the other language) and wait for the page in `lang`."""
    page.locator("form.lang-switch").first.evaluate("form => form.requestSubmit(form.querySelector('button'))")
    expect(page.locator("html")).to_have_attribute("lang", lang)


def _shoot(page, tmp_path, name: str, width: int) -> None:
    assert page_width(page) <= width
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_cart_checkout_and_order_show_shipping_per_cooperative(live_server, browser, shopper, width, tmp_path):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN",
                                  is_mobile=width < 768, has_touch=width < 768)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, shopper)
    page.goto(live_server + "/cart")
    shipping = page.locator(".group-shipping")
    expect(shipping).to_have_count(3)
    expect(shipping.nth(0)).to_contain_text("¥12.00")
    expect(page.locator(".cart-lines")).to_contain_text("包邮")
    expect(page.locator(".cart-lines")).to_contain_text("再买¥131.00即可包邮")
    expect(page.locator(".bar-total")).to_contain_text(f"¥{(GOODS + SHIPPING) / 100:,.2f}")
    _shoot(page, tmp_path, f"cart-{width}-zh", width)
    _switch_language(page, "en")
    expect(page.locator(".cart-lines")).to_contain_text("Free shipping")
    _shoot(page, tmp_path, f"cart-{width}-en", width)

    page.goto(live_server + "/checkout")
    expect(page.locator(".shipping-line")).to_have_count(3)
    expect(page.locator(".checkout-bar")).to_contain_text(f"¥{(GOODS + SHIPPING) / 100:,.2f}")
    _shoot(page, tmp_path, f"checkout-{width}-en", width)
    _switch_language(page, "zh-CN")
    _shoot(page, tmp_path, f"checkout-{width}-zh", width)
    fill_new_address(page)
    page.get_by_role("button", name="提交订单").click()
    expect(page).to_have_url(re.compile(r"/orders/BF\d{8}-\d{6}/pay$"))
    number = re.search(r"BF\d{8}-\d{6}", page.url).group()
    expect(page.locator(".pay-total")).to_contain_text(f"¥{(GOODS + SHIPPING) / 100:,.2f}")
    page.goto(live_server + f"/orders/{number}")
    expect(page.locator(".parcel .group-shipping")).to_have_count(3)
    expect(page.locator(".summary-lines")).to_contain_text(f"¥{GOODS / 100:,.2f}")
    expect(page.locator(".summary-lines")).to_contain_text(f"¥{SHIPPING / 100:,.2f}")
    _shoot(page, tmp_path, f"order-{width}-zh", width)
    _switch_language(page, "en")
    _shoot(page, tmp_path, f"order-{width}-en", width)
    assert errors == []
    context.close()

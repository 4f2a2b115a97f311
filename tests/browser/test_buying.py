"""The buyer's main journey on a phone: cart as a visitor, log in, check out, see the order."""
import re

from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.web import fill_new_address, page_width


def test_cart_login_checkout_and_order_page(live_server, phone, buyer_account, tmp_path):
    errors = []
    phone.on("pageerror", lambda exc: errors.append(str(exc)))

    phone.goto(live_server + "/products?q=%E7%BA%A2%E6%9E%A3")  # 红枣
    phone.locator(".product-card").first.click()
    name = phone.locator("h1").inner_text()
    phone.fill("input[name=quantity]", "2")
    phone.get_by_role("button", name="加入购物车").click()
    expect(phone).to_have_url(re.compile(r"/cart$"))
    expect(phone.locator(".cart-lines")).to_contain_text(name)

    phone.get_by_role("link", name="去结算").click()
    expect(phone).to_have_url(re.compile(r"/account/login"))
    phone.fill("input[name=identifier]", buyer_account)
    phone.fill("input[name=password]", PASSWORD)
    phone.locator("form button[type=submit], form input[type=submit]").last.click()
    expect(phone).to_have_url(re.compile(r"/checkout$"))
    expect(phone.locator(".summary-lines")).to_contain_text(name)  # the visitor's cart followed the login

    fill_new_address(phone)
    phone.screenshot(path=str(tmp_path / "checkout.png"), full_page=True)
    phone.get_by_role("button", name="提交订单").click()

    expect(phone).to_have_url(re.compile(r"/orders/BF\d{8}-\d{6}/pay$"))
    number = re.search(r"BF\d{8}-\d{6}", phone.url).group()
    expect(phone.locator("h1")).to_contain_text(number)
    phone.locator(f"main a[href='/orders/{number}']").click()
    expect(phone.locator("h1")).to_contain_text(number)
    expect(phone.locator(".badge.status-pending_payment")).to_contain_text("待付款")
    expect(phone.locator(".timeline")).to_contain_text("待付款")
    phone.screenshot(path=str(tmp_path / "order.png"), full_page=True)

    phone.get_by_role("link", name="我的订单").click()
    expect(phone.locator(".order-list")).to_contain_text(number)
    assert page_width(phone) <= 390
    assert errors == []

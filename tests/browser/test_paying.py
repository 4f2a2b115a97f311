"""Paying on a phone with Stripe.js as localstripe serves it: the test card, and a card that asks for
3-D Secure. localstripe delivers the signed webhook to the live server; the waiting page then shows it."""
import re

import pytest
from playwright.sync_api import expect

from tests.web import fill_new_address, log_in, page_width


@pytest.fixture
def webhooks_to_live_server(live_server, localstripe):
    localstripe.flush()
    localstripe.deliver_webhooks_to(live_server + "/payments/stripe/webhook")
    yield live_server
    localstripe.deliver_webhooks_to(None)


def check_out(phone, live_server, buyer_account) -> str:
    log_in(phone, live_server, buyer_account)
    phone.goto(live_server + "/products?q=%E7%BA%A2%E6%9E%A3")  # 红枣
    phone.locator(".product-card").first.click()
    phone.get_by_role("button", name="加入购物车").click()
    phone.get_by_role("link", name="去结算").click()
    fill_new_address(phone)
    phone.get_by_role("button", name="提交订单").click()
    expect(phone).to_have_url(re.compile(r"/orders/BF\d{8}-\d{6}/pay$"))
    return re.search(r"BF\d{8}-\d{6}", phone.url).group()


def fill_card(phone, number: str) -> None:
    """localstripe's card element: plain inputs named by their placeholders."""
    element = phone.locator("#card-element")
    for placeholder, value in [("number", number), ("exp_month", "12"), ("exp_year", "34"), ("cvc", "123"),
                               ("postal_code", "313000")]:
        element.locator(f"input[placeholder={placeholder}]").fill(value)


@pytest.mark.parametrize("card, three_d_secure", [("4242424242424242", False), ("4000002760003184", True)])
def test_pay_by_card_on_a_phone(webhooks_to_live_server, phone, buyer_account, tmp_path, card, three_d_secure):
    live_server = webhooks_to_live_server
    errors = []
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    number = check_out(phone, live_server, buyer_account)
    phone.screenshot(path=str(tmp_path / "pay.png"), full_page=True)

    phone.locator("button.pay-card").click()
    expect(phone).to_have_url(re.compile(r"/pay/attempts/\d+$"))
    fill_card(phone, card)
    phone.screenshot(path=str(tmp_path / "card.png"), full_page=True)
    phone.locator("#pay-button").click()
    if three_d_secure:
        phone.get_by_role("button", name="Complete authentication").click()  # the bank's 3-D Secure step

    expect(phone).to_have_url(re.compile(r"/pay/done\?attempt=\d+$"))
    expect(phone.locator(".pay-state.paid")).to_be_visible(timeout=20_000)  # after the webhook, by itself
    phone.screenshot(path=str(tmp_path / "done.png"), full_page=True)
    phone.goto(f"{live_server}/orders/{number}")
    expect(phone.locator(".badge.status-paid")).to_contain_text("待发货")
    assert page_width(phone) <= 390
    assert errors == []


def test_a_declined_card_says_so(webhooks_to_live_server, phone, buyer_account):
    live_server = webhooks_to_live_server
    check_out(phone, live_server, buyer_account)
    phone.locator("button.pay-card").click()
    fill_card(phone, "4000000000000002")
    phone.locator("#pay-button").click()
    expect(phone.locator("#pay-error")).to_be_visible()
    expect(phone.locator("#pay-error")).to_contain_text("declined")
    expect(phone.locator("#pay-button")).to_be_enabled()

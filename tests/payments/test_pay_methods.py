"""The pay page offers the methods the Stripe account can take (asked of localstripe through the stripe library),
as a list with icons, plus bank transfer for organizations; Stripe's answer is kept per process for a while."""
import re

import pytest

from shop.core import caching
from shop.payments.attempts import stripe_methods
from tests.payments.conftest import order_for
from tests.web import english, post

ALL = ["card", "alipay", "wechat_pay"]


@pytest.fixture
def account(localstripe):
    """The localstripe account; whatever a test makes it take, it takes every method again afterwards."""
    yield localstripe
    localstripe.take_methods(ALL)
    caching.forget()


def offered(client, number: str) -> list[str]:
    """The methods on the pay page, in order: the ends of the buttons' form actions."""
    page = client.get(f"/orders/{number}/pay").get_data(as_text=True)
    return re.findall(rf'action="/orders/{number}/pay/([a-z_-]+)"', page)


@pytest.mark.parametrize("takes, listed", [
    (["card"], ["card"]),
    (["card", "wechat_pay", "link"], ["card", "wechat_pay"]),
    (["alipay", "card"], ["card", "alipay"]),  # in the shop's configured order
    (None, ALL),  # an API without payment method configurations (plain localstripe): the configured methods
])
def test_only_the_methods_the_account_can_take_are_listed(app, shop, buyer_client, account, takes, listed):
    account.take_methods(takes)
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    assert offered(buyer_client, number) == listed


def test_a_method_the_account_cannot_take_is_refused_when_started(app, shop, buyer_client, account):
    account.take_methods(["card"])
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    english(buyer_client)
    response = post(buyer_client, f"/orders/{number}/pay/alipay", token_from=f"/orders/{number}/pay")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/orders/{number}/pay")
    assert "This payment method is not available." in buyer_client.get(f"/orders/{number}/pay").get_data(as_text=True)
    assert account.intents_for(number) == []


def test_an_organization_also_gets_bank_transfer_with_its_icon(app, shop, member_client, account):
    account.take_methods(["card"])
    number = order_for(app, shop.member, (shop.jujube, 1), organization_id=shop.organization)
    assert offered(member_client, number) == ["card", "bank-transfer"]
    page = member_client.get(f"/orders/{number}/pay").get_data(as_text=True)
    items = re.findall(r"<li>.*?</li>", page.split('class="pay-methods"')[1], re.S)
    assert [re.search(r'class="icon icon-([a-z-]+)"', item).group(1) for item in items] == ["card", "bank"]


def test_nothing_to_take_says_so(app, shop, buyer_client, account):
    account.take_methods([])
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    english(buyer_client)
    page = buyer_client.get(f"/orders/{number}/pay").get_data(as_text=True)
    assert "Online payment is not available at the moment." in page and offered(buyer_client, number) == []


def test_stripes_answer_is_kept_for_a_while(app, shop, account):
    app.config["STRIPE_METHODS_CACHE_SECONDS"] = 600
    try:
        with app.app_context():
            account.take_methods(["card"])
            assert [m.value for m in stripe_methods()] == ["card"]
            account.take_methods(ALL)
            assert [m.value for m in stripe_methods()] == ["card"]  # kept: Stripe is not asked again
            caching.forget()
            assert [m.value for m in stripe_methods()] == ALL
    finally:
        app.config["STRIPE_METHODS_CACHE_SECONDS"] = 0


def test_no_stripe_no_methods(app, shop):
    key = app.config["STRIPE_SECRET_KEY"]
    app.config["STRIPE_SECRET_KEY"] = None
    app.extensions.pop("stripe_gateway", None)
    try:
        with app.app_context():
            assert stripe_methods() == []
    finally:
        app.config["STRIPE_SECRET_KEY"] = key

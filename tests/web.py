"""Helpers for driving the site through the test client like a person: tokens, logging in, posting forms."""
from __future__ import annotations

import re

from tests.factories import PASSWORD

CSRF_RE = re.compile(r'name="csrf_token"[^>]* value="([^"]+)"')


def csrf_token(client, url: str = "/") -> str:
    """The CSRF token from a page's first form."""
    return CSRF_RE.search(client.get(url).get_data(as_text=True)).group(1)


def login(client, identifier: str, password: str = PASSWORD):
    return client.post("/account/login", data={"identifier": identifier, "password": password,
                                               "csrf_token": csrf_token(client, "/account/login")})


def post(client, url: str, data: dict | None = None, token_from: str = "/", **kwargs):
    """POST a form with a valid CSRF token."""
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client, token_from)}, **kwargs)


def english(client):
    """Switch the client's session to English, so assertions read the source messages."""
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client


def log_in(page, live_server: str, email: str, password: str = PASSWORD) -> None:
    """Log in through the login form in a Playwright page."""
    page.goto(live_server + "/account/login")
    page.fill("input[name=identifier]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button").last.click()


def fill_new_address(page, province: str = "浙江省", city: str = "湖州市", district: str = "吴兴区") -> None:
    """Type a new delivery address at checkout in a Playwright page, picking each region select once the page's
    script has filled it from the level above."""
    page.fill("input[name=recipient]", "李买家")
    page.fill("input[name=mobile]", "13800138000")
    page.select_option("select[name=province]", province)
    page.locator(f"select[name=city] option[value='{city}']").wait_for(state="attached")
    page.select_option("select[name=city]", city)
    page.locator(f"select[name=district] option[value='{district}']").wait_for(state="attached")
    page.select_option("select[name=district]", district)
    page.fill("input[name=street]", "人民路 1 号")


def page_width(page) -> int:
    """The page's scroll width once its document has finished loading: measured while a stylesheet is still on its
    way, a page lays out unstyled and reads wider (or its controls shorter) than the buyer ever sees."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth")

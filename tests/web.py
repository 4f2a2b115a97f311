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

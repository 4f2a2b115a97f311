"""Storefront pages kept rendered for visitors, never stale.

A page is kept under its endpoint, path and query, language, the day in China and the catalogue version (which every
catalogue write moves in its own transaction), so a kept page is dropped the moment anything it shows changes,
whichever worker or host changed it. Pages that also show sales (a county's figures, the impact board) are kept no
longer than the impact figures themselves (IMPACT_CACHE_SECONDS).

Only visitors without state of their own are served kept pages: no login (session or remember-me cookie), no bearer
token, no cart, no flashed message; a session holding only a language and a CSRF token qualifies. Every page carries
the visitor's own CSRF token (the language switch, add-to-cart): a page is rendered for keeping with a marker in its
place, and each visitor's copy gets their own token, so no token, cart badge or name reaches another visitor. Pages
carry a weak ETag (the same for everyone, as the token is not part of it) and answer If-None-Match with 304.

These pages only read, whoever asks: a GET of one that is not served kept reads outside a transaction on
PostgreSQL, and may write only through write_transaction() (core.database.read_without_transaction).
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, g, request, session
from flask_wtf.csrf import generate_csrf

from shop.core.caching import LimitedStore, RedisStore
from shop.core.timezones import today_in_china
from shop.web.i18n import select_locale

# Endpoint -> the setting saying how long its pages may be kept.
KEPT_PAGES = {
    # The home page shows the impact board's headline too, but only as a teaser linking to /impact: kept as long
    # as the catalogue pages, its figures may be that much older than the board's.
    "catalog.home": "PAGE_CACHE_SECONDS",
    "catalog.category_list": "PAGE_CACHE_SECONDS",
    "catalog.product_list": "PAGE_CACHE_SECONDS",
    "catalog.product_detail": "PAGE_CACHE_SECONDS",
    "cooperatives.cooperative_detail": "PAGE_CACHE_SECONDS",
    "catalog.county_detail": "IMPACT_CACHE_SECONDS",  # shows the county's sales
    "reports.board": "IMPACT_CACHE_SECONDS",
}
# What a visitor's session may hold for them to get kept pages: nothing that shows on a page but the token
# (Flask-Login marks any session it finds without a login "not fresh").
VISITOR_KEYS = frozenset({"lang", "csrf_token", "_fresh"})
REVALIDATE = "private, max-age=0, must-revalidate"


@dataclass(frozen=True)
class PageCache:
    """One app's kept pages: where they are kept, and how to read the catalogue version."""

    store: Any  # LimitedStore or RedisStore: get(key) / put(key, value, seconds)
    version: Callable[[], int | None]
    read_only: Callable[[], None]  # the request's database session only reads from now on


@dataclass
class Rendering:
    """A page being rendered for keeping (in `g`): its key, how long to keep it, the marker standing for the token."""

    key: str
    seconds: int
    marker: str


def register_page_cache(app: Flask, version: Callable[[], int | None], read_only: Callable[[], None]) -> None:
    """Serve kept pages to visitors without state, and keep the pages rendered for them; `version()` reads the
    committed catalogue version (None: keep nothing); `read_only()` is called when one of these pages is rendered."""
    url = app.config["CACHE_REDIS_URL"]
    store = RedisStore(url, app.config["PAGE_CACHE_PREFIX"]) if url else LimitedStore(app.config["PAGE_CACHE_ENTRIES"])
    app.extensions["page_cache"] = PageCache(store, version, read_only)
    # First of all the hooks: a kept page needs none of the others (CSRF checks of GETs, rate limits, NUL checks of
    # a query that was answered before, so cannot hold one). Next, before any other hook reads the database, a page
    # to render says it only reads.
    app.before_request_funcs.setdefault(None, [])[0:0] = [_serve_kept_page, _read_only]
    app.after_request(_keep_page)
    # Flask-WTF offers csrf_token() both as a global and from a context processor: replace both.
    app.jinja_env.globals["csrf_token"] = _token_or_marker
    app.context_processor(lambda: {"csrf_token": _token_or_marker})


def _token_or_marker() -> str:
    rendering = g.get("page_rendering")
    return rendering.marker if rendering is not None else generate_csrf()


def _seconds_kept() -> int:
    setting = KEPT_PAGES.get(request.endpoint or "")
    return current_app.config[setting] if setting else 0


def visitor_without_state() -> bool:
    """Whether the request comes from a visitor with nothing of their own on the page (see the module's doc)."""
    cookies = request.cookies
    config = current_app.config
    if "Authorization" in request.headers or config["REMEMBER_COOKIE_NAME"] in cookies:
        return False
    return config["SESSION_COOKIE_NAME"] not in cookies or session.keys() <= VISITOR_KEYS


def _read_only() -> None:
    if request.endpoint in KEPT_PAGES and request.method in ("GET", "HEAD"):
        current_app.extensions["page_cache"].read_only()


def _serve_kept_page() -> Response | None:
    seconds = _seconds_kept()
    if not seconds or request.method not in ("GET", "HEAD") or not visitor_without_state():
        return None
    cache: PageCache = current_app.extensions["page_cache"]
    version = cache.version()
    if version is None:
        return None
    query = request.query_string.decode("latin-1")
    key = hashlib.sha256(f"{request.endpoint}\n{request.path}?{query}\n{select_locale()}\n{today_in_china()}\n"
                         f"{version}".encode()).hexdigest()
    kept = cache.store.get(key)
    if kept is None:
        g.page_rendering = Rendering(key, seconds, f"csrf-{secrets.token_hex(12)}")
        return None
    etag, marker, body = kept
    return _not_modified(etag) or _revalidated(
        current_app.response_class(body.replace(marker, generate_csrf()), mimetype="text/html"), etag)


def _not_modified(etag: str) -> Response | None:
    """A 304 if the visitor has the page already; never to one without a session, whose copy's token is void."""
    if "csrf_token" in session and request.if_none_match.contains_weak(etag):
        return _revalidated(current_app.response_class(status=304), etag)
    return None


def _revalidated(response: Response, etag: str) -> Response:
    response.set_etag(etag, weak=True)
    response.headers["Cache-Control"] = REVALIDATE
    g.page_kept = True
    return response


def _keep_page(response: Response) -> Response:
    rendering: Rendering | None = g.pop("page_rendering", None)
    if rendering is None:
        return response
    body = response.get_data(as_text=True)
    # Kept only if nothing of this visitor's went into it: no cookie set, nothing put in the session but what a
    # visitor without state may have, no real CSRF token rendered (a form's own csrf_token field).
    if (response.status_code == 200 and response.mimetype == "text/html" and "Set-Cookie" not in response.headers
            and session.keys() <= VISITOR_KEYS and "csrf_token" not in g):
        etag = hashlib.sha256(body.replace(rendering.marker, "").encode()).hexdigest()[:32]
        current_app.extensions["page_cache"].store.put(rendering.key, (etag, rendering.marker, body),
                                                       rendering.seconds)
        not_modified = _not_modified(etag)  # the catalogue changed, but not this page
        if not_modified is not None:
            return not_modified
        _revalidated(response, etag)
    if rendering.marker in body:
        response.set_data(body.replace(rendering.marker, generate_csrf()))
    return response

"""Per-address request limits (Flask-Limiter) on the pages worth hammering: accounts, search and the API.

Each limit is a setting (RATELIMIT_LOGIN = "10 per minute", ...), counted per client address in
RATELIMIT_STORAGE_URI: memory:// per process, or a shared store (redis://...) for every worker and host.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def _searching() -> bool:
    return bool(request.args.get("q", "").strip())


@dataclass(frozen=True)
class EndpointLimit:
    """A limit setting applied to an endpoint, optionally only to some methods or some requests."""

    endpoint: str
    setting: str
    methods: tuple[str, ...] | None = None
    only_when: Callable[[], bool] | None = None


# Endpoints sharing a setting share one count per address (both halves of a password reset, for instance).
LIMITS = (
    EndpointLimit("accounts.register", "RATELIMIT_REGISTER", ("POST",)),
    EndpointLimit("accounts.login", "RATELIMIT_LOGIN", ("POST",)),
    EndpointLimit("accounts.reset_request", "RATELIMIT_PASSWORD_RESET", ("POST",)),
    EndpointLimit("accounts.reset_password", "RATELIMIT_PASSWORD_RESET", ("POST",)),
    # Browsing the catalogue is free; a text search costs a query per term, so it is counted.
    EndpointLimit("catalog.product_list", "RATELIMIT_SEARCH", only_when=_searching),
    EndpointLimit("api.tallies", "RATELIMIT_API"),
    # A certificate's code is unguessable; counting lookups keeps anyone from trying codes in bulk anyway.
    EndpointLimit("reports.verify", "RATELIMIT_VERIFY"),
)


def _setting(name: str) -> Callable[[], str]:
    # Read on each request from the app serving it, so each app (and test) keeps its own limits.
    return lambda: current_app.config[name]


def _unless(condition: Callable[[], bool]) -> Callable[[], bool]:
    return lambda: not condition()


def register_rate_limits(app: Flask) -> Limiter:
    """Give `app` its own Limiter and wrap the limited views; call after the blueprints are registered.

    The client address is request.remote_addr, which shop.web.security rewrites from X-Forwarded-For
    only for TRUSTED_PROXIES. Over a limit, Flask-Limiter raises a 429, rendered as the site's error page
    with Retry-After.
    """
    limiter = Limiter(key_func=get_remote_address, app=app)
    for rule in LIMITS:
        decorate = limiter.shared_limit(
            _setting(rule.setting), scope=rule.setting.lower(),
            methods=list(rule.methods) if rule.methods else None,
            exempt_when=_unless(rule.only_when) if rule.only_when else None,
        )
        # Flask-Limiter checks decorated limits when the wrapped view runs; views live in their own
        # packages, so the limits are applied here, to this app's view table, rather than by decorators there.
        app.view_functions[rule.endpoint] = decorate(app.view_functions[rule.endpoint])  # type: ignore[assignment]

    @app.after_request
    def _retry_after(response):
        breached = limiter.current_limit if response.status_code == 429 else None
        if breached is not None and breached.breached:
            reset = breached.window[0]  # when the window the address used up ends (epoch seconds)
            response.headers["Retry-After"] = str(max(1, math.ceil(reset - time.time())))
        return response

    return limiter

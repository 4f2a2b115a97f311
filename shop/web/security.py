"""Request and response hygiene applied to every page: bounded form bodies, no NUL bytes, the client address
behind trusted proxies, protective headers, and no caching of anything that depends on the visitor."""
from __future__ import annotations

from urllib.parse import parse_qsl

from flask import Flask, Request, abort, current_app, g, request, session
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'"
)
HSTS = "max-age=31536000; includeSubDomains"
NO_STORE = "private, no-store"
# The same bytes for everyone, whoever asks: cacheable even for a logged-in visitor.
PUBLIC_ENDPOINTS = frozenset({"static", "catalog.media"})


class LimitedFormDataParser(FormDataParser):
    """Werkzeug applies MAX_FORM_MEMORY_SIZE and MAX_FORM_PARTS to multipart bodies only; apply them to
    application/x-www-form-urlencoded bodies too, so a 5 MB field or 5,000 fields are a 413, not parsed."""

    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        limit = self.max_form_memory_size
        if limit is not None and content_length is not None and content_length > limit:
            raise _form_too_large()
        body = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(body) > limit:
            raise _form_too_large()  # a chunked body without Content-Length
        # parse_qsl splits on "&" only, so this is its number of fields (empty ones included).
        if self.max_form_parts is not None and body.count(b"&") + 1 > self.max_form_parts:
            raise _form_too_large()
        items = parse_qsl(body.decode(), keep_blank_values=True, errors="werkzeug.url_quote")
        return stream, self.cls(items), self.cls()


def _form_too_large() -> RequestEntityTooLarge:
    return RequestEntityTooLarge(description=_("The form has too many fields or too much text."))


class ShopRequest(Request):
    """Flask's request with the bounded urlencoded parser."""

    form_data_parser_class = LimitedFormDataParser


def _has_nul(values) -> bool:
    return any("\x00" in key or any("\x00" in v for v in items) for key, items in values.lists())


def _depends_on_visitor() -> bool:
    """Whether the response may differ by visitor: the request came with a session (login, cart, language),
    the response starts one (a CSRF token), or a bearer token authorised it."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return False
    if g.get("page_kept"):
        # A kept page (shop.web.pagecache): the same for every visitor without state but for their own CSRF token,
        # so their browser may keep it and revalidate; unless this response starts their session.
        return session.modified
    # Not session.accessed: Flask sets it on any use of the proxy, and Flask-Login reads it on every response.
    return (current_app.config["SESSION_COOKIE_NAME"] in request.cookies or session.modified
            or "Authorization" in request.headers)


def register_security(app: Flask) -> None:
    """Hook the request guards, the proxy settings and the response headers into `app`."""
    app.request_class = ShopRequest
    if app.config.get("TRUSTED_PROXIES"):
        hops = app.config["TRUSTED_PROXIES"]
        # Only the last `hops` entries of X-Forwarded-For were written by our proxies; earlier ones are the
        # client's word and would let anyone pick their own address (and dodge the rate limits).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    production = app.config.get("SHOP_ENV") == "production"

    @app.before_request
    def _refuse_nul_bytes():
        # No text field takes a NUL byte, and PostgreSQL cannot store one: refuse it at the door.
        if _has_nul(request.args) or (request.mimetype != "multipart/form-data" and _has_nul(request.form)):
            abort(400, description=_("The request contains a NUL character."))

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if production:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        # A shared cache must never hand one visitor's page (name, cart, CSRF token) to another.
        if "no-store" not in response.headers.get("Cache-Control", "") and _depends_on_visitor():
            response.headers["Cache-Control"] = NO_STORE
        return response

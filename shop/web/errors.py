"""Error pages in the site's layout (JSON for the partner API and JSON posts such as Stripe's webhook), and the
503 for a database that cannot be reached."""
from __future__ import annotations

from flask import current_app, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_limiter import RateLimitExceeded
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from shop.extensions import login_manager

TITLES = {
    400: _l("Bad request"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    413: _l("Upload too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
    503: _l("Service unavailable"),
}
HINTS = {
    400: _l("The request had a value we could not use."),
    403: _l("You do not have access to this page."),
    404: _l("The page or item you asked for does not exist, or is no longer on sale."),
    405: _l("This address does not accept that kind of request."),
    413: _l("The file is larger than the shop accepts."),
    429: _l("Too many requests came from your network in a short time. Please wait a moment and try again."),
    500: _l("The error has been logged. Please try again in a moment."),
    503: _l("The shop is busy or under maintenance. Please try again in a moment."),
}
# Seconds a client is asked to wait when the database is unreachable or busy.
UNAVAILABLE_RETRY_AFTER = 30
# SQLite result codes (the low byte of the extended code) that mean "busy or cannot be reached", not a bug:
# BUSY, LOCKED, IOERR, FULL, CANTOPEN. SQLITE_ERROR (no such table, syntax error) is a bug and stays a 500.
SQLITE_UNAVAILABLE = {5, 6, 10, 13, 14}
# PostgreSQL SQLSTATE classes and codes of the same kind: connection exception, insufficient resources,
# operator intervention (shutdown, statement or idle timeout), system error; lock_not_available.
POSTGRES_UNAVAILABLE_CLASSES = {"08", "53", "57", "58"}
POSTGRES_UNAVAILABLE_STATES = {"55P03"}


def _wants_json() -> bool:
    # Machines: the partner API, and JSON posts (Stripe's webhook), which only read the status.
    return request.blueprint == "api" or request.is_json


def _render(error: HTTPException):
    code = error.code or 500
    # Werkzeug's default descriptions are English boilerplate, and a rate limit's is its limit string;
    # show our own unless a view set one.
    custom = error.description if error.description != type(error).description else None
    if isinstance(error, RateLimitExceeded):
        custom = None
    # Allow (405), WWW-Authenticate, Retry-After... but our own Content-Type.
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    if _wants_json():
        body = jsonify(error={"code": (error.name or "error").lower().replace(" ", "_"),
                              "message": custom or error.name})
        return body, code, headers
    page = render_template("errors/error.html", code=code, title=TITLES.get(code, error.name),
                           hint=HINTS.get(code, ""), detail=custom)
    return page, code, headers


def database_unavailable(error: Exception) -> bool:
    """Whether a database error means the database is unreachable or too busy (503), rather than a bug."""
    if isinstance(error, (sa_exc.TimeoutError, sa_exc.DisconnectionError)):
        return True  # no pooled connection came free in time; the server went away
    if not isinstance(error, sa_exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, sa_exc.OperationalError):
        return False
    original = error.orig
    if hasattr(original, "sqlite_errorcode"):  # sqlite3
        return (getattr(original, "sqlite_errorcode") or 0) & 0xFF in SQLITE_UNAVAILABLE
    if hasattr(original, "sqlstate"):  # psycopg
        state = getattr(original, "sqlstate")  # None: no answer from the server (refused, timed out, dropped)
        return state is None or state[:2] in POSTGRES_UNAVAILABLE_CLASSES or state in POSTGRES_UNAVAILABLE_STATES
    return False


def _database_error(error: Exception):
    if not database_unavailable(error):
        raise error  # a bug: Flask logs it and answers 500
    current_app.logger.warning("database unavailable on %s %s: %s", request.method, request.path, error)
    # The layout shows who is logged in, which would need the database again: show the page as to a visitor.
    g._login_user = login_manager.anonymous_user()
    return _render(ServiceUnavailable(retry_after=UNAVAILABLE_RETRY_AFTER))


def register_error_handlers(app) -> None:
    """Render every HTTP error through errors/error.html, and an unreachable database as a 503.

    An unexpected exception reaches Flask's own handler, which logs it and renders it as a 500
    through this same handler (and re-raises it under testing, so tests see the traceback).
    """
    app.register_error_handler(HTTPException, _render)
    app.register_error_handler(sa_exc.DBAPIError, _database_error)
    app.register_error_handler(sa_exc.TimeoutError, _database_error)
    app.register_error_handler(sa_exc.DisconnectionError, _database_error)

"""Error pages in the site's layout."""
from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

TITLES = {
    400: _l("Bad request"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    413: _l("Upload too large"),
    500: _l("Something went wrong"),
    503: _l("Service unavailable"),
}
HINTS = {
    400: _l("The request had a value we could not use."),
    403: _l("You do not have access to this page."),
    404: _l("The page or item you asked for does not exist, or is no longer on sale."),
    405: _l("This address does not accept that kind of request."),
    413: _l("The file is larger than the shop accepts."),
    500: _l("The error has been logged. Please try again in a moment."),
    503: _l("The shop is busy or under maintenance. Please try again in a moment."),
}


def _render(error: HTTPException):
    code = error.code or 500
    # Werkzeug's default descriptions are English boilerplate; show our own unless a view set one.
    custom = error.description if error.description != type(error).description else None
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=TITLES.get(code, error.name),
            hint=HINTS.get(code, ""),
            detail=custom,
        ),
        code,
    )


def register_error_handlers(app) -> None:
    """Render every HTTP error through errors/error.html.

    An unexpected exception reaches Flask's own handler, which logs it and renders it as a 500
    through this same handler (and re-raises it under testing, so tests see the traceback).
    """
    app.register_error_handler(HTTPException, _render)

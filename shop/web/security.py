"""Request and response hygiene applied to every page: refuse NUL bytes, send protective headers."""
from __future__ import annotations

from flask import Flask, abort, request
from flask_babel import gettext as _

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def _has_nul(values) -> bool:
    return any("\x00" in key or any("\x00" in v for v in items) for key, items in values.lists())


def register_security(app: Flask) -> None:
    """Hook the request guard and the response headers into `app`."""

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
        return response

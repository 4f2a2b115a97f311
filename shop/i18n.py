"""Language choice: Chinese by default, English on request, remembered in the session."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, has_request_context, redirect, request, session

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The visitor's chosen language, else the shop's default (zh_CN); the default outside requests."""
    chosen = session.get("lang") if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def safe_next(target: str | None) -> str:
    """Only same-site paths; anything else sends the visitor home."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@bp.post("/language")
def set_language():
    """Remember the language picked in the header switch, then go back to the page."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next")))

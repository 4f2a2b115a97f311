"""Language choice: Chinese by default, English on request, remembered in the session."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, session


def select_locale() -> str:
    """The visitor's chosen language, else the shop's default (zh_CN); the default outside requests."""
    chosen = session.get("lang") if has_request_context() else None
    if isinstance(chosen, str) and chosen in current_app.config["LANGUAGES"]:
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

"""Pieces of the page layout that read nothing of the visitor: rendered once per language and key, then reused.

The footer, the tab bar and the site navigation of a visitor who is not signed in are the same on every page
but for which tab is current: about forty translated labels, twenty URLs and five icons that a catalogue page
used to build on every request (a third of its rendering time). `layout_fragment(name, **key)` renders the
template `name` with only `key` in its context (the Jinja globals, `_()`, `url_for()` and `config`, are there;
request, session and the signed-in user are not, so a fragment cannot depend on them by mistake) and keeps the
HTML per app, language, script root and key. Keys are small closed sets (the current tab), so the store stays a
few dozen entries; it is left alone while templates reload (development), where the HTML must follow edits.
"""
from __future__ import annotations

from flask import current_app, request
from flask_babel import get_locale
from markupsafe import Markup

MAX_FRAGMENTS = 256  # a bound in case a key ever takes open-ended values: past it, fragments render every time


def layout_fragment(name: str, **key: str | bool) -> Markup:
    """The HTML of the layout template `name` rendered with `key` as its context, kept per language and key."""
    env = current_app.jinja_env
    if env.auto_reload:
        return Markup(env.get_template(name).render(**key))
    kept: dict[tuple, Markup] = current_app.extensions.setdefault("layout_fragments", {})
    cache_key = (name, str(get_locale()), request.script_root, *sorted(key.items()))
    html = kept.get(cache_key)
    if html is None:
        html = Markup(env.get_template(name).render(**key))
        if len(kept) < MAX_FRAGMENTS:
            kept[cache_key] = html
    return html

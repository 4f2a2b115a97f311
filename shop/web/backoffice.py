"""The back-office layout (staff and cooperative portal): which family a request belongs to, and its side navigation.

Each family registers one table of entries in create_app. base.html asks `back_office()` for the current request's
family and switches layout, so a page added to /staff or /coop gets the layout without naming it.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from flask import Flask, current_app, request, url_for
from flask_babel import LazyString

EXTENSION = "shop.back_office"


@dataclass(frozen=True)
class NavEntry:
    """One side-navigation entry: its label, its endpoint, and optionally a badge (a count; 0 or None shows none)."""

    label: LazyString | str
    endpoint: str
    badge: Callable[[], int | None] | None = None


@dataclass(frozen=True)
class Family:
    """A back-office family: the endpoint prefix ("staff"), its title, its entries and who gets the layout."""

    name: str
    title: LazyString | str
    entries: Sequence[NavEntry]
    allowed: Callable[[], bool]
    home: str = ""


@dataclass(frozen=True)
class NavItem:
    """An entry as shown: label, address, badge count, and whether it is the current page's."""

    label: str
    url: str
    badge: int
    current: bool


@dataclass
class BackOffice:
    """What base.html needs to draw the back-office layout of one request."""

    family: str
    title: str
    home_url: str
    items: list[NavItem] = field(default_factory=list)


def _current(entries: list[NavEntry], endpoint: str) -> NavEntry | None:
    """The entry for this page: its own endpoint, else the first one of the same blueprint (a detail page)."""
    for entry in entries:
        if entry.endpoint == endpoint:
            return entry
    blueprint = endpoint.rpartition(".")[0]
    return next((entry for entry in entries if entry.endpoint.rpartition(".")[0] == blueprint), None)


def back_office() -> BackOffice | None:
    """The back office of the current request (None on shop pages or when the user is not one of its people).

    Entries whose endpoint does not exist (a page not built yet) are left out rather than failing."""
    endpoint = request.endpoint or ""
    family = current_app.extensions.get(EXTENSION, {}).get(endpoint.partition(".")[0])
    if family is None or not family.allowed():
        return None
    views = current_app.view_functions
    entries = [entry for entry in family.entries if entry.endpoint in views]
    here = _current(entries, endpoint)
    items = [NavItem(str(entry.label), url_for(entry.endpoint), (entry.badge() or 0) if entry.badge else 0,
                     entry is here) for entry in entries]
    home_url = url_for(family.home) if family.home in views else items[0].url if items else "/"
    return BackOffice(family.name, str(family.title), home_url, items)


def register_back_office(app: Flask, families: Sequence[Family]) -> None:
    """Register the back-office families and the `back_office()` template global."""
    app.extensions[EXTENSION] = {family.name: family for family in families}
    app.jinja_env.globals["back_office"] = back_office

"""Which cooperative a portal request works for, and the decorator that requires one."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec

from flask import g, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from shop.accounts.acting import acting_for
from shop.cooperatives.models import Cooperative
from shop.extensions import db, login_manager

P = ParamSpec("P")


def current_cooperative() -> Cooperative | None:
    """The cooperative the user acts for; their only one when they belong to exactly one."""
    if not current_user.is_authenticated:
        return None
    party = acting_for()
    if party.kind == "cooperative":
        return db.session.get(Cooperative, party.id)
    memberships = current_user.cooperative_memberships
    if len(memberships) == 1:
        return memberships[0].cooperative
    return None


def coop_required(view: Callable[P, ResponseReturnValue]) -> Callable[P, ResponseReturnValue]:
    """Signed-in members of a cooperative; the cooperative is `g.cooperative`. Everything a view looks up
    must be filtered by it, so another cooperative's ids are simply not found (404)."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        cooperative = current_cooperative()
        if cooperative is None:
            several = len(current_user.cooperative_memberships) > 1
            return render_template("coop/no_cooperative.html", several=several), 403
        g.cooperative = cooperative
        return view(*args, **kwargs)

    return wrapped

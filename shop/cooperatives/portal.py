"""Which cooperative a portal request works for, and the decorators that require one."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec

from flask import abort, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from shop.accounts.acting import acting_for
from shop.cooperatives.exceptions import NotSelling
from shop.cooperatives.models import Cooperative
from shop.extensions import db, login_manager

P = ParamSpec("P")

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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


def fulfils_orders(view: Callable[P, ResponseReturnValue]) -> Callable[P, ResponseReturnValue]:
    """Mark a portal view that only fulfils orders already paid: every cooperative may use it, whatever its
    status. Put it below @coop_required."""
    view.fulfils_orders = True  # type: ignore[attr-defined]
    return view


def coop_required(view: Callable[P, ResponseReturnValue]) -> Callable[P, ResponseReturnValue]:
    """Signed-in members of a cooperative; the cooperative is `g.cooperative`. Everything a view looks up
    must be filtered by it, so another cooperative's ids are simply not found (404).

    A cooperative that is not verified may read its portal but not change anything: every request other
    than a read is refused with 403 and the reason, unless the view is marked @fulfils_orders. The services
    check again inside their transactions (NotSelling), which is shown the same way.
    """
    fulfils = getattr(view, "fulfils_orders", False)

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        cooperative = current_cooperative()
        if cooperative is None:
            several = len(current_user.cooperative_memberships) > 1
            return render_template("coop/no_cooperative.html", several=several), 403
        g.cooperative = cooperative
        if request.method not in READ_METHODS and not fulfils and cooperative.selling_refusal:
            abort(403, description=cooperative.selling_refusal)
        try:
            return view(*args, **kwargs)
        except NotSelling as exc:  # the status changed since the check above
            abort(403, description=str(exc))

    return wrapped

"""Access rules for views: login_required (from Flask-Login) and staff_required."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

import flask_login
from flask import abort
from flask.typing import ResponseReturnValue
from flask_login import current_user

from shop.extensions import login_manager

__all__ = ["login_required", "staff_required"]

P = ParamSpec("P")
R = TypeVar("R")


def login_required(view: Callable[P, R]) -> Callable[P, R]:
    """Signed-in users only: Flask-Login's login_required, with the view's type kept."""
    decorated: Callable[P, R] = flask_login.login_required(view)
    return decorated


def staff_required(view: Callable[P, ResponseReturnValue]) -> Callable[P, ResponseReturnValue]:
    """Platform staff only: visitors are sent to log in, other users get 403."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_staff:
            abort(403)
        return view(*args, **kwargs)

    return wrapped

"""Access rules for views: login_required (from Flask-Login) and staff_required."""
from __future__ import annotations

from functools import wraps

from flask import abort, current_app
from flask_login import current_user, login_required

__all__ = ["login_required", "staff_required"]


def staff_required(view):
    """Platform staff only: visitors are sent to log in, other users get 403."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if not current_user.is_staff:
            abort(403)
        return view(*args, **kwargs)

    return wrapped

"""Who may open an organization's own pages (`/org/<id>/...`): its members, each as their role allows.

Anyone else (a visitor, a public buyer, another organization's member, staff) is told nothing: 404, the same as
for an organization that does not exist. A member whose role does not allow a page or action gets 403.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, g
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from shop.accounts.models import OrganizationRole
from shop.organizations.exceptions import NotAnAdmin
from shop.organizations.members import membership

View = Callable[..., ResponseReturnValue]

EVERYONE = tuple(OrganizationRole)
ADMINS = (OrganizationRole.ADMIN,)


def org_member_required(*roles: OrganizationRole) -> Callable[[View], View]:
    """A view of `/org/<organization_id>/...` for members with one of `roles` (every role when none are given).

    The view gets no organization_id: the organization is `g.organization`, the membership `g.membership`.
    """
    allowed = roles or EVERYONE

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(organization_id: int, **kwargs: Any) -> ResponseReturnValue:
            found = membership(organization_id, current_user.id) if current_user.is_authenticated else None
            if found is None:
                abort(404)
            g.organization, g.membership = found.organization, found
            if found.role not in allowed:
                abort(403, description=_("Your role in “%(name)s” (%(role)s) does not allow this. Ask one of its "
                                         "admins.", name=found.organization.name, role=found.role.label))
            try:
                return view(**kwargs)
            except NotAnAdmin as exc:  # the role changed since the check above
                abort(403, description=str(exc))

        return wrapped

    return decorator

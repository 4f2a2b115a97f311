"""Whom the current user acts for on this request: themselves, an organization or a cooperative."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from flask import g, has_request_context, session
from flask_login import current_user

from shop.accounts.exceptions import ActingForRefused

SESSION_KEY = "acting_for"
Kind = Literal["self", "organization", "cooperative"]
KINDS = ("self", "organization", "cooperative")


@dataclass(frozen=True)
class ActingFor:
    """The party a request acts for; id is None when acting for oneself."""

    kind: Kind
    id: int | None
    name: str

    @property
    def is_self(self) -> bool:
        return self.kind == "self"


def _yourself() -> ActingFor:
    name = current_user.display_name if current_user.is_authenticated else ""
    return ActingFor("self", None, name)


def _membership_party(kind: object, party_id: object) -> ActingFor | None:
    """The organization or cooperative `party_id` if the current user is a member of it now (an organization only
    while it is verified: `is_active`)."""
    if not current_user.is_authenticated or not isinstance(party_id, int):
        return None
    if kind == "organization":
        for membership in current_user.organization_memberships:
            org = membership.organization
            if membership.organization_id == party_id and org.is_active:
                return ActingFor("organization", org.id, org.name)
    elif kind == "cooperative":
        for membership in current_user.cooperative_memberships:
            if membership.cooperative_id == party_id:
                return ActingFor("cooperative", membership.cooperative.id, membership.cooperative.name)
    return None


def acting_for() -> ActingFor:
    """The session's choice, checked against the user's current memberships (else the user themselves)."""
    if not has_request_context():  # e.g. an email rendered by a command
        return ActingFor("self", None, "")
    chosen = session.get(SESSION_KEY)
    # Cached per request, keyed so a login, logout or switch within the request is seen.
    key = (current_user.get_id(), repr(chosen))
    cached = g.get("_acting_for")
    if cached is not None and cached[0] == key:
        return cached[1]
    result = None
    if isinstance(chosen, dict):
        result = _membership_party(chosen.get("kind"), chosen.get("id"))
    result = result or _yourself()
    g._acting_for = (key, result)
    return result


def set_acting_for(kind: str, party_id: int | None = None) -> ActingFor:
    """Act for yourself, or for an organization or cooperative you belong to; else ActingForRefused."""
    if kind == "self":
        session.pop(SESSION_KEY, None)
        return acting_for()
    party = _membership_party(kind, party_id)
    if party is None:
        raise ActingForRefused()
    session[SESSION_KEY] = {"kind": party.kind, "id": party.id}
    return acting_for()


def acting_organization_id() -> int | None:
    """The organization this request acts for, if any."""
    party = acting_for()
    return party.id if party.kind == "organization" else None


def acting_cooperative_id() -> int | None:
    """The cooperative this request acts for, if any."""
    party = acting_for()
    return party.id if party.kind == "cooperative" else None

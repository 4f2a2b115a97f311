"""An organization's admins manage its members: change roles and remove members, never leaving it without an
admin. Each change is audited, in its own transaction, with the organization's row locked so that two admins
demoting each other at once cannot both succeed."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from shop.accounts.models import OrganizationMembership, OrganizationRole
from shop.audit.services import record
from shop.core.database import write_transaction
from shop.extensions import db
from shop.organizations.exceptions import MembershipError, NotAnAdmin
from shop.organizations.models import Organization


def lock_organization(organization_id: int) -> Organization:
    """Inside a write transaction: the organization, its row locked until the transaction ends."""
    # The row alone: the model joins its region, and PostgreSQL cannot lock the nullable side of an outer join.
    db.session.execute(select(Organization.id).where(Organization.id == organization_id).with_for_update())
    organization = db.session.get(Organization, organization_id, populate_existing=True)
    if organization is None:
        raise MembershipError(_("No such organization"))
    return organization


def membership(organization_id: int, user_id: int | None) -> OrganizationMembership | None:
    """The user's membership of the organization, read afresh, or None."""
    if user_id is None:
        return None
    return db.session.scalar(select(OrganizationMembership).filter_by(
        organization_id=organization_id, user_id=user_id).execution_options(populate_existing=True))


def require_admin(user_id: int, organization_id: int) -> None:
    """NotAnAdmin unless the user is an admin of the organization now (checked inside the caller's transaction)."""
    found = membership(organization_id, user_id)
    if found is None or found.role != OrganizationRole.ADMIN:
        raise NotAnAdmin(_("Only an admin of the organization can do this."))


def _other_admins(organization_id: int, user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(OrganizationMembership).where(
        OrganizationMembership.organization_id == organization_id, OrganizationMembership.user_id != user_id,
        OrganizationMembership.role == OrganizationRole.ADMIN)) or 0


def _member_to_change(actor_id: int, organization_id: int, user_id: int,
                      stays_admin: bool) -> OrganizationMembership:
    """The membership an admin is changing, after the checks every change shares."""
    organization = lock_organization(organization_id)
    require_admin(actor_id, organization_id)
    found = membership(organization_id, user_id)
    if found is None:
        raise MembershipError(_("That person is not a member."))
    if found.role == OrganizationRole.ADMIN and not stays_admin and not _other_admins(organization_id, user_id):
        raise MembershipError(_("“%(name)s” needs at least one admin: make another member an admin first.",
                                name=organization.name))
    return found


def change_role(actor_id: int, organization_id: int, user_id: int, role: OrganizationRole | str) -> None:
    """Give a member another role (admins only); the last admin cannot be demoted."""
    role = OrganizationRole(role)
    with write_transaction(db.session):
        found = _member_to_change(actor_id, organization_id, user_id, stays_admin=role == OrganizationRole.ADMIN)
        if found.role == role:
            return
        before, found.role = found.role, role
        record(actor_id, "organization.change_role", "organization", organization_id,
               before={"user_id": user_id, "role": before.value}, after={"user_id": user_id, "role": role.value})


def remove_member(actor_id: int, organization_id: int, user_id: int) -> None:
    """End a membership (admins only); the last admin cannot be removed. Past orders stay with the organization."""
    with write_transaction(db.session):
        found = _member_to_change(actor_id, organization_id, user_id, stays_admin=False)
        db.session.delete(found)
        record(actor_id, "organization.remove_member", "organization", organization_id,
               before={"user_id": user_id, "role": found.role.value})

"""Read-side queries about organizations, their members and invitations."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from shop.accounts.models import OrganizationMembership, OrganizationRole, User
from shop.core.database import utcnow
from shop.extensions import db
from shop.organizations.models import Organization, OrganizationInvitation, OrganizationStatus

ROLE_ORDER = case({OrganizationRole.ADMIN: 0, OrganizationRole.PURCHASER: 1}, value=OrganizationMembership.role,
                  else_=2)


def all_organizations(status: OrganizationStatus | None = None) -> list[Organization]:
    """Every organization by name, or those with `status` (applications first come first)."""
    query = select(Organization)
    if status is None:
        return list(db.session.scalars(query.order_by(Organization.name)))
    return list(db.session.scalars(query.where(Organization.status == status)
                                   .order_by(Organization.submitted_at, Organization.id)))


def organization_with_members(organization_id: int) -> Organization | None:
    """An organization with its memberships and their users, or None."""
    return db.session.scalar(
        select(Organization).where(Organization.id == organization_id)
        .options(selectinload(Organization.memberships).selectinload(OrganizationMembership.user))
    )


def members(organization_id: int) -> list[OrganizationMembership]:
    """The organization's memberships with their users: admins first, then purchasers, then viewers."""
    return list(db.session.scalars(
        select(OrganizationMembership).join(User, User.id == OrganizationMembership.user_id)
        .where(OrganizationMembership.organization_id == organization_id)
        .order_by(ROLE_ORDER, User.name, User.id).options(selectinload(OrganizationMembership.user))))


def open_invitations(organization_id: int, now: datetime | None = None) -> list[OrganizationInvitation]:
    """The invitations still waiting to be accepted, newest first."""
    now = now or utcnow()
    return list(db.session.scalars(select(OrganizationInvitation).where(
        OrganizationInvitation.organization_id == organization_id, OrganizationInvitation.used_at.is_(None),
        OrganizationInvitation.cancelled_at.is_(None), OrganizationInvitation.expires_at > now)
        .order_by(OrganizationInvitation.id.desc())))


def memberships_of(user_id: int) -> list[OrganizationMembership]:
    """The user's organization memberships, by organization name."""
    return list(db.session.scalars(
        select(OrganizationMembership).join(Organization, Organization.id == OrganizationMembership.organization_id)
        .where(OrganizationMembership.user_id == user_id).order_by(Organization.name)))


def count_with_status(status: OrganizationStatus) -> int:
    """How many organizations have this status (the staff dashboard's "waiting for review")."""
    return db.session.scalar(select(func.count()).select_from(Organization)
                             .where(Organization.status == status)) or 0

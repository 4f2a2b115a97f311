"""Read-side queries about organizations."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shop.accounts.models import OrganizationMembership
from shop.extensions import db
from shop.organizations.models import Organization


def all_organizations() -> list[Organization]:
    return list(db.session.scalars(select(Organization).order_by(Organization.name)))


def organization_with_members(organization_id: int) -> Organization | None:
    return db.session.scalar(
        select(Organization).where(Organization.id == organization_id)
        .options(selectinload(Organization.memberships).selectinload(OrganizationMembership.user))
    )

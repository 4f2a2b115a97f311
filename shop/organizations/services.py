"""Staff actions on organizations, audited: registering one, adding and removing members, suspending and
reactivating (see review.py for the decisions themselves)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from shop.accounts.identifiers import normalize_email, normalize_mobile
from shop.accounts.models import OrganizationMembership, OrganizationRole, User
from shop.audit.services import record
from shop.core import credit_code
from shop.core.database import write_transaction
from shop.extensions import db
from shop.organizations.exceptions import OrganizationError
from shop.organizations.models import Organization, OrganizationKind, OrganizationStatus
from shop.organizations.review import decide
from shop.regions.models import Region

TAX_NUMBER_LENGTHS = (15, 18, 20)


def normalize_tax_number(value: str) -> str:
    """Upper-case without spaces; OrganizationError unless it has 15, 18 or 20 letters and digits."""
    tax_number = "".join(value.split()).upper()
    if len(tax_number) not in TAX_NUMBER_LENGTHS or not tax_number.isascii() or not tax_number.isalnum():
        raise OrganizationError(_("Tax number must be 15, 18 or 20 letters and digits"))
    return tax_number


def create_organization(actor_id: int | None, *, name: str, kind: OrganizationKind | str, code: str,
                        region_code: str, invoice_title: str, tax_number: str) -> Organization:
    """Register an organization, verified (staff vouch for it); the credit code must be valid and not already
    registered."""
    code = credit_code.normalize(code)
    error = credit_code.validation_error(code)
    if error:
        raise OrganizationError(_("Credit code: %(error)s", error=error))
    tax_number = normalize_tax_number(tax_number)
    if not name.strip() or not invoice_title.strip():
        raise OrganizationError(_("Name and invoice title are required"))
    with write_transaction(db.session):
        if db.session.get(Region, region_code) is None:
            raise OrganizationError(_("Unknown region code %(code)s", code=region_code))
        if db.session.scalar(select(Organization.id).where(Organization.credit_code == code)):
            raise OrganizationError(_("An organization with credit code %(code)s is already registered",
                                      code=code))
        organization = Organization(name=name.strip(), kind=OrganizationKind(kind), credit_code=code,
                                    region_code=region_code, invoice_title=invoice_title.strip(),
                                    tax_number=tax_number, status=OrganizationStatus.VERIFIED)
        db.session.add(organization)
        db.session.flush()
        record(actor_id, "organization.create", "organization", organization.id,
               after={"name": organization.name, "kind": organization.kind.value, "credit_code": code})
    return organization


def find_organization(key: str) -> Organization | None:
    """An organization by id or by credit code."""
    key = key.strip()
    if key.isdigit() and len(key) < 18:
        return db.session.get(Organization, int(key))
    return db.session.scalar(select(Organization).where(Organization.credit_code == credit_code.normalize(key)))


def find_user(identifier: str) -> User | None:
    """A user by email (case-insensitive) or mobile number."""
    if "@" in identifier:
        return db.session.scalar(select(User).where(User.email == normalize_email(identifier)))
    return db.session.scalar(select(User).where(User.mobile == normalize_mobile(identifier)))


def add_member(actor_id: int | None, organization_id: int, identifier: str,
               role: OrganizationRole | str = OrganizationRole.PURCHASER) -> OrganizationMembership:
    """Make the user with this email or mobile a member with `role`; adding an existing member changes nothing."""
    role = OrganizationRole(role)
    with write_transaction(db.session):
        organization = db.session.get(Organization, organization_id)
        if organization is None:
            raise OrganizationError(_("No such organization"))
        user = find_user(identifier)
        if user is None:
            raise OrganizationError(_("No account uses %(who)s; ask them to register first", who=identifier))
        membership = db.session.scalar(select(OrganizationMembership).filter_by(
            organization_id=organization_id, user_id=user.id))
        if membership is None:
            membership = OrganizationMembership(organization=organization, user=user, role=role)
            db.session.add(membership)
            record(actor_id, "organization.add_member", "organization", organization_id,
                   after={"user_id": user.id, "role": role.value})
    return membership


def remove_member(actor_id: int | None, organization_id: int, user_id: int) -> None:
    """End a membership (staff may remove anyone, even the last admin); past orders stay with the organization."""
    with write_transaction(db.session):
        membership = db.session.scalar(select(OrganizationMembership).filter_by(
            organization_id=organization_id, user_id=user_id))
        if membership is None:
            raise OrganizationError(_("That person is not a member"))
        db.session.delete(membership)
        record(actor_id, "organization.remove_member", "organization", organization_id,
               before={"user_id": user_id, "role": membership.role.value})


def set_active(actor_id: int | None, organization_id: int, active: bool, reason: str = "") -> Organization:
    """Suspend (active False, with a reason) or reactivate an organization. While it is suspended its members
    cannot order for it; its orders, invoices and members stay as they are."""
    return decide(actor_id, organization_id, "reactivate" if active else "suspend", reason)

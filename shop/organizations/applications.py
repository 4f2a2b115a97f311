"""Becoming a buying organization: a person applies (and becomes its first admin); its admins may correct the
application while it waits for review, or after a rejection, which sends it back to review. Staff decide in
review.py. Everything that needs no decoding is checked before the proof document is stored."""
from __future__ import annotations

from dataclasses import dataclass, fields

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from shop.accounts.identifiers import is_mobile, normalize_mobile
from shop.accounts.models import OrganizationMembership, OrganizationRole
from shop.audit.services import record
from shop.core import credit_code
from shop.core.database import utcnow, write_transaction
from shop.extensions import db
from shop.organizations.exceptions import ApplicationError, OrganizationError
from shop.organizations.members import lock_organization, require_admin
from shop.organizations.models import Organization, OrganizationKind, OrganizationStatus
from shop.organizations.proofs import MAX_PROOF_BYTES, delete_proof, store_proof
from shop.organizations.services import normalize_tax_number
from shop.regions.models import Region
from shop.regions.queries import has_children

# One person's applications waiting for review or for a correction: plenty for real use, and a bound on what a
# single account can make staff read and the server store.
MAX_OPEN_APPLICATIONS = 3


@dataclass(frozen=True)
class Application:
    """What an organization's application says about it, as typed (blank invoice details follow name and code)."""

    name: str
    kind: str
    credit_code: str
    region_code: str
    invoice_title: str
    tax_number: str
    contact_name: str
    contact_mobile: str


def _checked(application: Application) -> Application:
    """The application normalised, or ApplicationError naming the field that is wrong."""
    name = application.name.strip()
    if not name:
        raise ApplicationError(_("Enter the organization's name."), "name")
    if application.kind not in {kind.value for kind in OrganizationKind}:
        raise ApplicationError(_("Choose a kind of organization."), "kind")
    code = credit_code.normalize(application.credit_code)
    error = credit_code.validation_error(code)
    if error:
        raise ApplicationError(_("Credit code: %(error)s", error=error), "credit_code")
    region = db.session.get(Region, application.region_code) if application.region_code else None
    if region is None:
        raise ApplicationError(_("Choose the organization's region."), "region_county")
    if has_children(region.code):
        raise ApplicationError(_("Choose down to the county or district in %(name)s.", name=region.name),
                               "region_county")
    try:
        tax_number = normalize_tax_number(application.tax_number or code)
    except OrganizationError as exc:
        raise ApplicationError(str(exc), "tax_number") from exc
    mobile = normalize_mobile(application.contact_mobile)
    if not is_mobile(mobile):
        raise ApplicationError(_("Enter an 11-digit mainland China mobile number."), "contact_mobile")
    contact = application.contact_name.strip()
    if not contact:
        raise ApplicationError(_("Enter a contact person."), "contact_name")
    return Application(name=name, kind=application.kind, credit_code=code, region_code=region.code,
                       invoice_title=application.invoice_title.strip() or name, tax_number=tax_number,
                       contact_name=contact, contact_mobile=mobile)


def _refuse_registered(code: str, except_id: int | None = None) -> None:
    query = select(Organization.id).where(Organization.credit_code == code)
    if except_id is not None:
        query = query.where(Organization.id != except_id)
    if db.session.scalar(query):
        raise ApplicationError(_("An organization with this credit code is already registered. If it is yours, ask "
                                 "its admins to invite you, or write to the platform staff."), "credit_code")


def _refuse_too_many(user_id: int) -> None:
    open_ones = db.session.scalar(
        select(func.count()).select_from(Organization)
        .join(OrganizationMembership, OrganizationMembership.organization_id == Organization.id)
        .where(OrganizationMembership.user_id == user_id, OrganizationMembership.role == OrganizationRole.ADMIN,
               Organization.status.in_((OrganizationStatus.APPLIED, OrganizationStatus.REJECTED)))) or 0
    if open_ones >= MAX_OPEN_APPLICATIONS:
        raise ApplicationError(_("You already have %(count)d applications waiting for review or for a correction. "
                                 "Finish those first, or ask the platform staff.", count=open_ones))


def _proof(data: bytes) -> str:
    if len(data) > MAX_PROOF_BYTES:
        raise ApplicationError(_("The proof document cannot be used: it is larger than %(mb)d MB.",
                                 mb=MAX_PROOF_BYTES // 2**20), "proof")
    return store_proof(data)


def apply(user_id: int, application: Application, proof: bytes) -> Organization:
    """Create the organization (status applied) with the applicant as its first admin."""
    checked = _checked(application)
    _refuse_registered(checked.credit_code)
    _refuse_too_many(user_id)
    filename = _proof(proof)
    try:
        with write_transaction(db.session):
            _refuse_registered(checked.credit_code)
            _refuse_too_many(user_id)
            organization = Organization(**{**vars(checked), "kind": OrganizationKind(checked.kind)},
                                        status=OrganizationStatus.APPLIED, proof_filename=filename,
                                        submitted_at=utcnow())
            db.session.add(organization)
            db.session.flush()
            db.session.add(OrganizationMembership(organization_id=organization.id, user_id=user_id,
                                                  role=OrganizationRole.ADMIN))
            record(user_id, "organization.apply", "organization", organization.id,
                   after={"name": checked.name, "credit_code": checked.credit_code})
    except IntegrityError:
        delete_proof(filename)
        _refuse_registered(checked.credit_code)  # another application with the code committed meanwhile
        raise
    except BaseException:
        delete_proof(filename)
        raise
    return organization


def correct(user_id: int, organization_id: int, application: Application, proof: bytes | None) -> Organization:
    """An admin changes the application (and optionally the proof); a rejected one goes back to review."""
    checked = _checked(application)
    _refuse_registered(checked.credit_code, except_id=organization_id)
    filename = _proof(proof) if proof else None
    try:
        with write_transaction(db.session):
            organization = lock_organization(organization_id)
            require_admin(user_id, organization_id)
            if not organization.can_be_corrected:
                raise ApplicationError(_("Only an application that waits for review or was rejected can be changed. "
                                         "Ask the platform staff to change a verified organization's details."))
            _refuse_registered(checked.credit_code, except_id=organization_id)
            old_proof, changed = _update(organization, checked, filename)
            resubmitted = organization.status == OrganizationStatus.REJECTED
            organization.status = OrganizationStatus.APPLIED
            organization.submitted_at = utcnow()
            record(user_id, "organization.resubmit" if resubmitted else "organization.correct", "organization",
                   organization.id, before={k: v[0] for k, v in changed.items()},
                   after={k: v[1] for k, v in changed.items()})
    except BaseException:
        delete_proof(filename)
        raise
    if filename:
        delete_proof(old_proof)
    return organization


def _update(organization: Organization, checked: Application, filename: str | None) -> tuple[str | None, dict]:
    """Apply the checked values; the old proof's name and {field: (before, after)} for what changed."""
    changed = {}
    for field in fields(Application):
        before, after = getattr(organization, field.name), getattr(checked, field.name)
        if str(before) != str(after):
            changed[field.name] = (str(before), str(after))
            setattr(organization, field.name, OrganizationKind(after) if field.name == "kind" else after)
    old_proof = organization.proof_filename
    if filename:
        organization.proof_filename = filename
        changed["proof"] = ("", "new")
    return old_proof, changed

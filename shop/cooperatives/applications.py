"""Becoming a supplier: a person applies for a cooperative; staff verify, reject or suspend it and
manage its members. Every staff decision is written to the audit log."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from shop.accounts.models import CooperativeMembership, MemberRole
from shop.accounts.services import user_by_email, user_by_mobile
from shop.audit.services import record
from shop.cooperatives.exceptions import CooperativeError
from shop.cooperatives.models import Cooperative, CooperativeKind, VerificationStatus
from shop.core import credit_code
from shop.core.database import utcnow, write_transaction
from shop.core.images import ImageRejected, delete_image, store_image
from shop.core.storage import private_store
from shop.extensions import db
from shop.regions.models import Region

S = VerificationStatus
MAX_LICENCE_BYTES = 8 * 1024 * 1024
# What staff may do from each status.
DECISIONS = {
    "verify": ({S.APPLIED, S.SUSPENDED, S.REJECTED}, S.VERIFIED),
    "reject": ({S.APPLIED}, S.REJECTED),
    "suspend": ({S.VERIFIED}, S.SUSPENDED),
}


class ApplicationError(CooperativeError):
    """An application or a staff decision cannot be made as asked."""


class LicenceRejected(ApplicationError):
    """The business licence file cannot be used (too large, or not a photo or scan)."""


@dataclass(frozen=True)
class Application:
    name: str
    credit_code: str
    county_code: str
    kind: str
    contact_name: str
    contact_phone: str
    description: str = ""


def apply(user_id: int, application: Application, licence: bytes) -> Cooperative:
    """Create the cooperative (status applied) with the applicant as its first member; everything that needs
    no decoding is checked before the licence is."""
    code = credit_code.normalize(application.credit_code)
    error = credit_code.validation_error(code)
    if error:
        raise ApplicationError(_("Credit code: %(error)s", error=error))
    county = db.session.get(Region, application.county_code)
    if county is None or not county.is_county:
        raise ApplicationError(_("%(code)s is not a county code.", code=application.county_code))
    _refuse_registered(code)
    if len(licence) > MAX_LICENCE_BYTES:
        raise LicenceRejected(_("The business licence cannot be used: it is larger than %(mb)d MB.",
                                mb=MAX_LICENCE_BYTES // 2**20))
    folder = private_store()
    try:
        stored = store_image(licence, folder, current_app.config["MAX_IMAGE_PIXELS"])
    except ImageRejected as exc:
        raise LicenceRejected(_("The business licence cannot be used: %(reason)s. It must be a photo or scan "
                                "(JPEG, PNG or WebP).", reason=exc.explanation)) from exc
    try:
        with write_transaction(db.session):
            _refuse_registered(code)
            cooperative = Cooperative(name=application.name, credit_code=code, county_code=county.code,
                                      kind=CooperativeKind(application.kind), status=S.APPLIED,
                                      contact_name=application.contact_name, contact_phone=application.contact_phone,
                                      description=application.description, licence_filename=stored.filename)
            db.session.add(cooperative)
            db.session.flush()
            db.session.add(CooperativeMembership(cooperative_id=cooperative.id, user_id=user_id,
                                                 role=MemberRole.ADMIN))
    except BaseException:
        delete_image(folder, stored.filename, stored.thumb_filename)
        raise
    return cooperative


def _refuse_registered(code: str) -> None:
    if db.session.scalar(select(Cooperative.id).where(Cooperative.credit_code == code)):
        raise ApplicationError(_("A cooperative with this credit code is already registered."))


def decide(actor_id: int, cooperative_id: int, decision: str, reason: str = "") -> Cooperative:
    """verify, reject (with a reason) or suspend (with a reason); products of a cooperative that is not
    verified disappear from the store, its orders stay as they are."""
    allowed_from, target = DECISIONS[decision]
    reason = reason.strip()
    if decision in ("reject", "suspend") and not reason:
        raise ApplicationError(_("Give a reason."))
    with write_transaction(db.session):
        # Lock the row alone (the model joins its region, and PostgreSQL cannot lock an outer join).
        db.session.execute(select(Cooperative.id).where(Cooperative.id == cooperative_id).with_for_update())
        cooperative = db.session.get(Cooperative, cooperative_id, populate_existing=True)
        if cooperative is None:
            raise ApplicationError(_("No such cooperative."))
        if cooperative.status not in allowed_from:
            raise ApplicationError(_("A cooperative that is “%(status)s” cannot be changed that way.",
                                     status=cooperative.status_label))
        before = cooperative.status
        cooperative.status = target
        cooperative.reviewed_at = utcnow()
        cooperative.review_note = reason[:200] or None
        record(actor_id, f"cooperative.{decision}", "cooperative", cooperative.id,
               before={"status": before.value}, after={"status": target.value}, note=reason)
    return cooperative


def add_member(actor_id: int, cooperative_id: int, identifier: str) -> CooperativeMembership:
    identifier = identifier.strip()
    user = user_by_email(identifier) if "@" in identifier else user_by_mobile(identifier)
    if user is None:
        raise ApplicationError(_("No account uses %(who)s; ask them to register first.", who=identifier))
    with write_transaction(db.session):
        membership = db.session.scalar(
            select(CooperativeMembership).filter_by(cooperative_id=cooperative_id, user_id=user.id))
        if membership is None:
            membership = CooperativeMembership(cooperative_id=cooperative_id, user_id=user.id)
            db.session.add(membership)
            record(actor_id, "cooperative.add_member", "cooperative", cooperative_id, after={"user_id": user.id})
    return membership


def remove_member(actor_id: int, cooperative_id: int, user_id: int) -> None:
    with write_transaction(db.session):
        membership = db.session.scalar(
            select(CooperativeMembership).filter_by(cooperative_id=cooperative_id, user_id=user_id))
        if membership is None:
            raise ApplicationError(_("That person is not a member."))
        db.session.delete(membership)
        record(actor_id, "cooperative.remove_member", "cooperative", cooperative_id, before={"user_id": user_id})

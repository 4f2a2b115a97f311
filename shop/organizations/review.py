"""Staff decide on organizations: approve, reject (with a reason), suspend (with a reason), reactivate. Each decision
is audited and its admins are told by mail, both in the decision's transaction."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from shop.audit.services import record
from shop.core.database import utcnow, write_transaction
from shop.extensions import db
from shop.organizations.emails import queue_decision_mails
from shop.organizations.exceptions import OrganizationError
from shop.organizations.models import Organization
from shop.organizations.models import OrganizationStatus as S

# What staff may do from each status, and the status it leads to.
DECISIONS = {
    "approve": ({S.APPLIED, S.REJECTED}, S.VERIFIED),
    "reject": ({S.APPLIED}, S.REJECTED),
    "suspend": ({S.VERIFIED}, S.SUSPENDED),
    "reactivate": ({S.SUSPENDED}, S.VERIFIED),
}
NEEDS_REASON = frozenset({"reject", "suspend"})
# Suspensions were audited as a flag before organizations had a status; they still are, so the log reads alike.
FLAG_DECISIONS = frozenset({"suspend", "reactivate"})


def decide(actor_id: int | None, organization_id: int, decision: str, reason: str = "") -> Organization:
    """Take `decision` (a key of DECISIONS); OrganizationError if the organization's status does not allow it."""
    allowed_from, target = DECISIONS[decision]
    reason = reason.strip()
    if decision in NEEDS_REASON and not reason:
        raise OrganizationError(_("Give a reason."))
    with write_transaction(db.session):
        # Checkout reads the status with a share lock, so an order in progress finishes before this change.
        db.session.execute(select(Organization.id).where(Organization.id == organization_id).with_for_update())
        organization = db.session.get(Organization, organization_id, populate_existing=True)
        if organization is None:
            raise OrganizationError(_("No such organization"))
        if organization.status not in allowed_from:
            raise OrganizationError(_refusal(organization, decision))
        before = organization.status
        organization.status = target
        organization.reviewed_at = utcnow()
        organization.review_note = reason[:200] or None
        change: dict[str, dict[str, object]]
        if decision in FLAG_DECISIONS:
            change = {"before": {"is_active": before == S.VERIFIED}, "after": {"is_active": target == S.VERIFIED}}
        else:
            change = {"before": {"status": before.value}, "after": {"status": target.value}}
        record(actor_id, f"organization.{decision}", "organization", organization.id, note=reason, **change)
        queue_decision_mails(organization, decision, reason)
    return organization


def _refusal(organization: Organization, decision: str) -> str:
    if decision == "suspend" and organization.status == S.SUSPENDED:
        return _("The organization is already suspended")
    if decision == "reactivate" and organization.status == S.VERIFIED:
        return _("The organization is already active")
    return _("An organization that is “%(status)s” cannot be changed that way.", status=organization.status_label)

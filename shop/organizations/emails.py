"""Organization mails, queued in the transaction of the change they report: staff's decisions to the admins, and
invitations to the invited address."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from shop.accounts.models import OrganizationMembership, OrganizationRole, User
from shop.core.outbox import MessageBuilder, queue_mail
from shop.extensions import db
from shop.organizations.invitations import INVITATION_MAIL, invitation_token
from shop.organizations.models import Organization, OrganizationInvitation

DECISION_MAIL = "organization_decision"
SUBJECTS = {
    "approve": lambda name: _("“%(name)s” is verified on Bangfu Market", name=name),
    "reject": lambda name: _("The application of “%(name)s” was not approved", name=name),
    "suspend": lambda name: _("“%(name)s” is suspended on Bangfu Market", name=name),
    "reactivate": lambda name: _("“%(name)s” is active again on Bangfu Market", name=name),
}


def admin_emails(organization_id: int) -> list[str]:
    """The email addresses of the organization's admins (those who have one)."""
    return list(db.session.scalars(
        select(User.email).join(OrganizationMembership, OrganizationMembership.user_id == User.id)
        .where(OrganizationMembership.organization_id == organization_id,
               OrganizationMembership.role == OrganizationRole.ADMIN, User.email.is_not(None))
        .order_by(User.id)))


def queue_decision_mails(organization: Organization, decision: str, note: str) -> int:
    """Queue the mail about staff's `decision` to every admin, inside the caller's transaction; how many."""
    emails = admin_emails(organization.id)
    for email in emails:
        queue_mail(email, DECISION_MAIL, organization_id=organization.id, decision=decision, note=note)
    return len(emails)


def _decision_mail(organization_id: int, decision: str, note: str):
    organization = db.session.get_one(Organization, organization_id)
    return SUBJECTS[decision](organization.name), {"organization": organization, "decision": decision, "note": note}


def _invitation_mail(invitation_id: int):
    invitation = db.session.get_one(OrganizationInvitation, invitation_id)
    subject = _("Invitation to join “%(name)s” on Bangfu Market", name=invitation.organization.name)
    return subject, {"invitation": invitation, "token": invitation_token(invitation)}


# The organization mails, by name; create_app registers them with the outbox.
MESSAGES: dict[str, MessageBuilder] = {DECISION_MAIL: _decision_mail, INVITATION_MAIL: _invitation_mail}

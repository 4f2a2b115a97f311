"""Invitations: an admin invites an email address with a role; the link in the mail works once, for 7 days, and
only for that address, whether it joins an existing account (logged in as that address) or creates one.

Every check is made again inside the accepting transaction with the invitation's row locked, so a link clicked
twice at once, or accepted while an admin withdraws it, gives one membership or none.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from shop.accounts.consents import add_consents
from shop.accounts.identifiers import is_email, normalize_email
from shop.accounts.models import OrganizationMembership, OrganizationRole, User
from shop.accounts.services import new_user, refuse_duplicates, user_by_email
from shop.audit.services import record
from shop.core.database import utcnow, write_transaction
from shop.core.outbox import queue_mail
from shop.extensions import db
from shop.organizations.exceptions import InvitationError
from shop.organizations.members import lock_organization, membership, require_admin
from shop.organizations.models import Organization, OrganizationInvitation, OrganizationStatus

INVITATION_MAIL = "organization_invitation"
INVITATION_DAYS = 7
MAX_PENDING = 50  # an organization's open invitations at once: enough for any team, too few to spam with
TOKEN_SALT = "organization-invitation"
TOKEN_MAX_LENGTH = 200


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def invitation_token(invitation: OrganizationInvitation) -> str:
    """The token in the invitation's link: its id and nonce, signed with SECRET_KEY (the same every time)."""
    return _serializer().dumps([invitation.id, invitation.nonce])


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _pending(now: datetime):
    return (OrganizationInvitation.used_at.is_(None), OrganizationInvitation.cancelled_at.is_(None),
            OrganizationInvitation.expires_at > now)


def invite(actor_id: int, organization_id: int, email: str, role: OrganizationRole | str,
           now: datetime | None = None) -> OrganizationInvitation:
    """Invite `email` to join with `role` (admins of a verified organization only) and queue the mail."""
    email, role, now = normalize_email(email), OrganizationRole(role), now or utcnow()
    if not is_email(email):
        raise InvitationError(_("Enter a valid email address."))
    with write_transaction(db.session):
        organization = lock_organization(organization_id)  # one admin's invitation at a time: counts stay true
        require_admin(actor_id, organization_id)
        _refuse_invitation(organization, email, now)
        invitation = OrganizationInvitation(
            organization_id=organization_id, email=email, role=role, nonce=secrets.token_hex(16),
            token_hash=secrets.token_hex(32), invited_by_id=actor_id, created_at=now,
            expires_at=now + timedelta(days=INVITATION_DAYS))
        db.session.add(invitation)
        db.session.flush()  # the id is part of the token
        invitation.token_hash = _hash(invitation_token(invitation))
        queue_mail(email, INVITATION_MAIL, invitation_id=invitation.id)
        record(actor_id, "organization.invite", "organization", organization_id,
               after={"email": email, "role": role.value, "invitation_id": invitation.id})
    return invitation


def _refuse_invitation(organization: Organization, email: str, now: datetime) -> None:
    """InvitationError when this invitation should not be sent."""
    if organization.status != OrganizationStatus.VERIFIED:
        raise InvitationError(_("Members can be invited once the platform has verified the organization."))
    user = user_by_email(email)
    if user is not None and membership(organization.id, user.id) is not None:
        raise InvitationError(_("%(email)s is already a member.", email=email))
    open_ones = select(OrganizationInvitation).where(OrganizationInvitation.organization_id == organization.id,
                                                     *_pending(now))
    same = db.session.scalar(open_ones.where(OrganizationInvitation.email == email))
    if same is not None:
        raise InvitationError(_("%(email)s was already invited; that link works until %(date)s. Withdraw it to send "
                                "a new one.", email=email, date=format_date(same.expires_at, "yyyy-MM-dd")))
    if (db.session.scalar(select(func.count()).select_from(open_ones.subquery())) or 0) >= MAX_PENDING:
        raise InvitationError(_("There are already %(count)d open invitations. Withdraw some or wait until they are "
                                "accepted.", count=MAX_PENDING))


def cancel(actor_id: int, organization_id: int, invitation_id: int, now: datetime | None = None) -> None:
    """Withdraw an open invitation (admins only): its link stops working."""
    now = now or utcnow()
    with write_transaction(db.session):
        lock_organization(organization_id)
        require_admin(actor_id, organization_id)
        invitation = db.session.scalar(select(OrganizationInvitation).where(
            OrganizationInvitation.id == invitation_id, OrganizationInvitation.organization_id == organization_id,
            *_pending(now)))
        if invitation is None:
            raise InvitationError(_("That invitation is no longer open."))
        invitation.cancelled_at = now
        record(actor_id, "organization.cancel_invitation", "organization", organization_id,
               before={"email": invitation.email, "invitation_id": invitation.id})


def _find(token: str, for_update: bool) -> OrganizationInvitation | None:
    """The invitation whose link this is, or None for a token that is forged, damaged or not ours."""
    if len(token) > TOKEN_MAX_LENGTH:
        return None
    try:
        invitation_id, nonce = _serializer().loads(token)
        invitation_id = int(invitation_id)
    except (BadSignature, TypeError, ValueError):
        return None
    invitation = db.session.get(OrganizationInvitation, invitation_id, with_for_update=for_update,
                                populate_existing=True)
    if invitation is None or invitation.nonce != nonce:
        return None
    return invitation if hmac.compare_digest(invitation.token_hash, _hash(token)) else None


def check(token: str, now: datetime | None = None, *, for_update: bool = False) -> OrganizationInvitation:
    """The open invitation a link's token names; InvitationError saying why it cannot be used."""
    now = now or utcnow()
    invitation = _find(token, for_update)
    if invitation is None:
        raise InvitationError(_("This invitation link is not valid. Check that you opened the whole link from the "
                                "mail."))
    name = invitation.organization.name
    if invitation.used_at is not None:
        raise InvitationError(_("This invitation has already been used: each link works once. If you accepted it, "
                                "log in to see “%(name)s”.", name=name))
    if invitation.cancelled_at is not None:
        raise InvitationError(_("This invitation was withdrawn by an admin of “%(name)s”.", name=name))
    if invitation.expires_at <= now:
        raise InvitationError(_("This invitation expired on %(date)s. Ask an admin of “%(name)s” to invite you again.",
                                date=format_date(invitation.expires_at, "yyyy-MM-dd"), name=name))
    return invitation


def masked(email: str) -> str:
    """An address shown to whoever holds a link, e.g. w***@example.cn."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def _join(invitation: OrganizationInvitation, user: User, now: datetime) -> OrganizationMembership:
    """Make `user` a member as invited and spend the invitation, in the caller's transaction."""
    if membership(invitation.organization_id, user.id) is not None:
        raise InvitationError(_("You are already a member of “%(name)s”.", name=invitation.organization.name))
    joined = OrganizationMembership(organization_id=invitation.organization_id, user_id=user.id, role=invitation.role)
    db.session.add(joined)
    invitation.used_at, invitation.used_by_id = now, user.id
    record(user.id, "organization.join", "organization", invitation.organization_id,
           after={"user_id": user.id, "role": invitation.role.value, "invitation_id": invitation.id})
    return joined


def accept(token: str, user_id: int, now: datetime | None = None) -> OrganizationMembership:
    """The logged-in user accepts: only the account with the invited email address may."""
    now = now or utcnow()
    with write_transaction(db.session):
        invitation = check(token, now, for_update=True)
        user = db.session.get(User, user_id)
        if user is None or normalize_email(user.email) != invitation.email:
            raise InvitationError(_("This invitation was sent to %(email)s, and you are logged in with another "
                                    "account. Log out, then log in or register with %(email)s to accept it.",
                                    email=masked(invitation.email)))
        return _join(invitation, user, now)


def accept_with_new_account(token: str, name: str, password: str, mobile: str | None = None,
                            now: datetime | None = None, *, consented: bool = False) -> User:
    """Create an account for the invited address (the link shows it is theirs) and join, all or nothing;
    `consented`: the user accepted the current user agreement and privacy policy (recorded as at registration)."""
    now = now or utcnow()
    email = check(token, now).email
    user = new_user(email, mobile, name, password)  # AccountError for a bad name, mobile or password
    with write_transaction(db.session):
        invitation = check(token, now, for_update=True)
        if user_by_email(invitation.email) is not None:
            raise InvitationError(_("An account with this email address already exists. Log in with it to accept "
                                    "the invitation."))
        refuse_duplicates(None, user.mobile)
        db.session.add(user)
        db.session.flush()
        if consented:
            add_consents(user.id, now)
        _join(invitation, user, now)
    return user

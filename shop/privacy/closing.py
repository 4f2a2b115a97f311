"""Closing an account at its owner's request: refused while something still needs the person, otherwise the
account is anonymised and locked, its addresses and logins deleted, and its orders kept (for the accounts and the
tallies) without their personal fields. Closing touches orders, so it lives above them, not in accounts."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import delete, func, select, update

from shop.accounts.models import CooperativeMembership, LoginSession, OrganizationMembership, OrganizationRole, User
from shop.audit.services import record
from shop.core.database import rowcount, utcnow, write_transaction
from shop.extensions import db
from shop.orders.models import Address, Cart, Order, OrderStatus
from shop.privacy.exceptions import (
    AlreadyClosed,
    CooperativeMember,
    LastOrganizationAdmin,
    StaffAccount,
    UnfinishedOrders,
    WrongPassword,
)

# Until an order is completed or cancelled its seller, the buyer or staff may still need the buyer's details.
UNFINISHED = (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.RECEIVED)
CLOSED_DOMAIN = "closed.invalid"  # RFC 2606: never a real address, so no mail can reach anyone


def _refuse_if_needed(user: User, password: str) -> None:
    """Raise the first reason the account cannot be closed now."""
    if user.closed_at is not None or not user.is_active:
        raise AlreadyClosed()
    if not user.check_password(password or ""):
        raise WrongPassword()
    if user.is_staff:
        raise StaffAccount()
    if db.session.scalar(select(func.count()).select_from(CooperativeMembership)
                         .where(CooperativeMembership.user_id == user.id)):
        raise CooperativeMember()
    unfinished = db.session.scalar(select(func.count()).select_from(Order).where(
        Order.user_id == user.id, Order.status.in_(UNFINISHED))) or 0
    if unfinished:
        raise UnfinishedOrders(unfinished)
    sole = [m.organization.name for m in user.organization_memberships
            if m.role == OrganizationRole.ADMIN and not _other_admins(m)]
    if sole:
        raise LastOrganizationAdmin(sole)


def _other_admins(membership: OrganizationMembership) -> int:
    return db.session.scalar(select(func.count()).select_from(OrganizationMembership).where(
        OrganizationMembership.organization_id == membership.organization_id,
        OrganizationMembership.role == OrganizationRole.ADMIN,
        OrganizationMembership.user_id != membership.user_id)) or 0


def _strip_orders(user_id: int) -> int:
    """Remove the personal fields of the user's orders; the lines, amounts and regions the tallies read stay."""
    stripped = db.session.execute(update(Order).where(Order.user_id == user_id)
                                  .values(recipient="", mobile="", street=""))
    # An organization's invoice details are the organization's, not the person's.
    db.session.execute(update(Order).where(Order.user_id == user_id, Order.organization_id.is_(None))
                       .values(invoice_title=None, tax_number=None))
    return rowcount(stripped)


def close_account(user_id: int, password: str, now: datetime | None = None) -> None:
    """Close the user's own account after checking the password; raises a CloseRefused saying why not."""
    now = now or utcnow()
    with write_transaction(db.session):
        user = db.session.get(User, user_id, with_for_update=True, populate_existing=True)
        if user is None:
            raise AlreadyClosed()
        _refuse_if_needed(user, password)
        orders = _strip_orders(user_id)
        addresses = db.session.execute(delete(Address).where(Address.user_id == user_id))
        for cart in db.session.execute(select(Cart).where(Cart.user_id == user_id)).scalars():
            db.session.delete(cart)
        user.organization_memberships.clear()
        db.session.execute(delete(LoginSession).where(LoginSession.user_id == user_id))  # every login ends
        user.email, user.mobile, user.name = f"closed-{user_id}@{CLOSED_DOMAIN}", None, ""
        user.set_password(secrets.token_urlsafe(32))  # a password nobody knows, on top of is_active
        user.is_active, user.closed_at = False, now
        record(user_id, "account.close", "user", user_id, note="closed by its owner",
               after={"orders_stripped": orders, "addresses_deleted": rowcount(addresses)})

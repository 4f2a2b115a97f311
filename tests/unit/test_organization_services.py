"""The organization services on their own: statuses and what they allow, invitation tokens, accepting, and the
rules about roles (without HTTP)."""
from __future__ import annotations

import hashlib

import pytest
from flask_babel import force_locale
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select, update

from shop.accounts.exceptions import DuplicateMobile, PasswordRuleError
from shop.accounts.models import OrganizationMembership, OrganizationRole, User
from shop.audit.models import AuditEntry
from shop.extensions import db
from shop.organizations import invitations, members, review
from shop.organizations.exceptions import InvitationError, NotAnAdmin, OrganizationError
from shop.organizations.models import Organization, OrganizationInvitation, OrganizationStatus
from tests.factories import make_organization, make_user
from tests.org_factories import team

pytestmark = pytest.mark.usefixtures("app_ctx")
S = OrganizationStatus


@pytest.fixture(autouse=True)
def in_english(app_ctx):
    """The services' messages in the source language, so the tests read them."""
    with force_locale("en"):
        yield


def ids(*emails: str) -> list[int]:
    return [db.session.scalar(select(User.id).where(User.email == email)) for email in emails]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("decision", list(review.DECISIONS))
def test_each_decision_is_allowed_only_from_its_statuses(status, decision):
    organization = make_organization(status=status)
    staff = make_user(is_staff=True)
    allowed, target = review.DECISIONS[decision]
    if status in allowed:
        assert review.decide(staff.id, organization.id, decision, "理由").status == target
        assert count(AuditEntry) == 1
    else:
        with pytest.raises(OrganizationError):
            review.decide(staff.id, organization.id, decision, "理由")
        assert db.session.get(Organization, organization.id, populate_existing=True).status == status
        assert count(AuditEntry) == 0


def test_is_active_means_verified_in_python_in_queries_and_in_updates():
    verified, applied = make_organization(), make_organization(status=S.APPLIED)
    assert (verified.is_active, applied.is_active) == (True, False)
    assert list(db.session.scalars(select(Organization.id).where(Organization.is_active))) == [verified.id]
    db.session.execute(update(Organization).where(Organization.id == verified.id).values(is_active=False))
    db.session.commit()
    assert db.session.get(Organization, verified.id, populate_existing=True).status == S.SUSPENDED
    assert make_organization(is_active=False).status == S.SUSPENDED


def test_only_purchasers_and_admins_can_buy():
    assert [role.can_buy for role in OrganizationRole] == [True, True, False]


def test_the_token_is_signed_and_only_its_hash_is_kept():
    organization = team(admin="admin@example.cn")
    [admin] = ids("admin@example.cn")
    invitation = invitations.invite(admin, organization.id, "new@example.cn", "viewer")
    token = invitations.invitation_token(invitation)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {invitation.token_hash, invitation.nonce}
    assert invitations.check(token).id == invitation.id
    forged = URLSafeSerializer("not the secret key", salt=invitations.TOKEN_SALT).dumps(
        [invitation.id, invitation.nonce])
    for bad in (forged, token + "x", "", "a.b"):
        with pytest.raises(InvitationError, match="not valid"):
            invitations.check(bad)


def test_a_link_works_once():
    organization = team(admin="admin@example.cn")
    make_user(email="new@example.cn")
    admin, new = ids("admin@example.cn", "new@example.cn")
    token = invitations.invitation_token(invitations.invite(admin, organization.id, "new@example.cn", "purchaser"))
    assert invitations.accept(token, new).role == OrganizationRole.PURCHASER
    with pytest.raises(InvitationError, match="already been used"):
        invitations.accept(token, new)
    assert count(OrganizationMembership) == 2


@pytest.mark.parametrize("password, mobile, error", [("short", None, PasswordRuleError),
                                                     ("a long password", "13900000001", DuplicateMobile)])
def test_a_new_account_is_checked_before_anything_is_saved(password, mobile, error):
    organization = team(admin="admin@example.cn")
    make_user(mobile="13900000001")
    [admin] = ids("admin@example.cn")
    token = invitations.invitation_token(invitations.invite(admin, organization.id, "new@example.cn", "viewer"))
    with pytest.raises(error):
        invitations.accept_with_new_account(token, "新人", password, mobile)
    assert (count(User), count(OrganizationMembership)) == (2, 1)
    assert db.session.scalar(select(OrganizationInvitation.used_at)) is None


def test_members_who_are_not_admins_change_nothing():
    organization = team(admin="admin@example.cn", purchaser="buyer@example.cn", viewer="viewer@example.cn")
    admin, buyer, viewer = ids("admin@example.cn", "buyer@example.cn", "viewer@example.cn")
    for actor in (buyer, viewer):
        with pytest.raises(NotAnAdmin):
            members.change_role(actor, organization.id, actor, "admin")
        with pytest.raises(NotAnAdmin):
            members.remove_member(actor, organization.id, admin)
        with pytest.raises(NotAnAdmin):
            invitations.invite(actor, organization.id, "friend@example.cn", "admin")
    assert sorted(m.role.value for m in db.session.scalars(select(OrganizationMembership))) == \
        ["admin", "purchaser", "viewer"]
    assert (count(AuditEntry), count(OrganizationInvitation)) == (0, 0)

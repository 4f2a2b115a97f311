"""The life of an invitation: an admin invites by email (mailed through the outbox), the link creates an account or
joins an existing one, once; replayed, expired, withdrawn, tampered links and links used by another account are
refused with a clear message and nothing saved."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shop.accounts.models import Consent, OrganizationMembership, User
from shop.audit.models import AuditEntry
from shop.core.database import utcnow
from shop.core.outbox import QueuedMail
from shop.extensions import db
from shop.organizations import invitations
from shop.organizations.models import OrganizationInvitation, OrganizationStatus
from tests.factories import make_user
from tests.org_factories import invitation_path, mails, team
from tests.web import csrf_token, english, login, post


@pytest.fixture
def union(app):
    with app.app_context():
        organization = team(admin="admin@example.cn", viewer="viewer@example.cn")
        make_user(email="colleague@example.cn", name="已有账号的同事")
        make_user(email="stranger@example.cn", name="路人")
        admin_id = db.session.scalar(select(User.id).where(User.email == "admin@example.cn"))
        return {"org": organization.id, "admin": admin_id}


def signed_in(app, email: str | None = None):
    client = english(app.test_client())
    if email:
        login(client, email)
    return client


def invite(client, organization_id: int, email: str, role: str = "purchaser"):
    page = f"/org/{organization_id}/members"
    return post(client, f"/org/{organization_id}/invitations", {"email": email, "role": role}, token_from=page)


def last_link(app) -> str:
    with app.app_context():
        _to, _subject, body = mails("organization_invitation")[-1]
    return invitation_path(body)


def state():
    """Members, spent invitations and accounts: what accepting changes."""
    return (sorted((m.user_id, m.role.value) for m in db.session.scalars(select(OrganizationMembership))),
            db.session.scalar(select(func.count()).select_from(OrganizationInvitation)
                              .where(OrganizationInvitation.used_at.is_not(None))),
            db.session.scalar(select(func.count()).select_from(User)))


def test_a_new_person_creates_an_account_through_the_link_once(app, union):
    admin = signed_in(app, "admin@example.cn")
    response = invite(admin, union["org"], "New.Purchaser@Example.cn", "purchaser")
    assert response.status_code == 302
    with app.app_context():
        [(to, subject, body)] = mails("organization_invitation")
        invitation = db.session.scalar(select(OrganizationInvitation))
        assert to == "new.purchaser@example.cn" and "湖州市总工会" in subject and "admin" in body
        # Only a hash of the link's token is kept, and the mail is the only place the link exists.
        token = invitation_path(body).rsplit("/", 1)[1]
        assert invitation.token_hash != token and token not in repr(db.session.scalar(select(QueuedMail).where(
            QueuedMail.message == "organization_invitation")).params)
        assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    assert "new.purchaser@example.cn" in admin.get(f"/org/{union['org']}/members").get_data(as_text=True)

    link = invitation_path(body)
    visitor = signed_in(app)
    page = visitor.get(link).get_data(as_text=True)
    assert "Join “湖州市总工会”" in page and "new.purchaser@example.cn" in page and 'name="password"' in page
    data = {"name": "新采购员", "mobile": "", "password": "a long password", "confirm": "a long password"}
    # As at registration, the account needs the user's own consent to the agreement and the privacy policy.
    response = visitor.post(link, data={**data, "csrf_token": csrf_token(visitor, link)})
    assert response.status_code == 400 and "Please accept the user agreement" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "new.purchaser@example.cn")) is None
    data["agree"] = "y"
    response = visitor.post(link, data={**data, "csrf_token": csrf_token(visitor, link)})
    assert response.status_code == 302 and response.headers["Location"] == f"/org/{union['org']}/"
    assert "新采购员" in visitor.get(f"/org/{union['org']}/").get_data(as_text=True)  # logged in, a member
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new.purchaser@example.cn"))
        membership = db.session.scalar(select(OrganizationMembership).where(OrganizationMembership.user_id == user.id))
        assert membership.role.value == "purchaser" and user.check_password("a long password")
        assert db.session.scalar(select(OrganizationInvitation.used_by_id)) == user.id
        assert "organization.join" in set(db.session.scalars(select(AuditEntry.action)))
        assert {consent.document for consent in db.session.scalars(select(Consent).where(Consent.user_id == user.id))
                } == {"agreement", "privacy"}
        before = state()

    replay = signed_in(app)
    response = replay.get(link)
    assert response.status_code == 400 and "already been used" in response.get_data(as_text=True)
    response = replay.post(link, data={**data, "name": "又一个", "csrf_token": csrf_token(replay, "/")})
    assert response.status_code == 400 and "already been used" in response.get_data(as_text=True)
    with app.app_context():
        assert state() == before


def test_an_existing_account_logs_in_and_accepts(app, union):
    invite(signed_in(app, "admin@example.cn"), union["org"], "colleague@example.cn", "viewer")
    link = last_link(app)
    visitor = signed_in(app)
    page = visitor.get(link).get_data(as_text=True)
    assert "Log in to accept" in page and 'name="password"' not in page
    colleague = signed_in(app, "colleague@example.cn")
    assert "Accept and join" in colleague.get(link).get_data(as_text=True)
    response = post(colleague, link, token_from=link)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(OrganizationMembership.role).join(User).where(
            User.email == "colleague@example.cn")).value == "viewer"


def test_a_link_used_by_another_account_is_refused(app, union):
    invite(signed_in(app, "admin@example.cn"), union["org"], "colleague@example.cn")
    link = last_link(app)
    stranger = signed_in(app, "stranger@example.cn")
    page = stranger.get(link).get_data(as_text=True)
    assert "logged in with another account" in page and "Accept and join" not in page
    assert "colleague@example.cn" not in page and "c***@example.cn" in page
    with app.app_context():
        before = state()
    response = post(stranger, link, token_from="/")
    assert response.status_code == 403 and "c***@example.cn" in response.get_data(as_text=True)
    with app.app_context():
        assert state() == before
    # Signing up again through the link with the invited address is no way round it either.
    visitor = signed_in(app)
    response = visitor.post(link, data={"name": "冒充", "password": "a long password", "confirm": "a long password",
                                        "agree": "y", "csrf_token": csrf_token(visitor, link)})
    assert response.status_code == 400 and "already exists" in response.get_data(as_text=True)
    with app.app_context():
        assert state() == before
    assert post(signed_in(app, "colleague@example.cn"), link, token_from=link).status_code == 302


def test_expired_withdrawn_and_tampered_links_are_refused(app, union):
    with app.app_context():
        old = invitations.invite(union["admin"], union["org"], "late@example.cn", "viewer",
                                 now=utcnow() - timedelta(days=7, minutes=1))
        withdrawn = invitations.invite(union["admin"], union["org"], "withdrawn@example.cn", "viewer")
        old_link = f"/org/invitations/{invitations.invitation_token(old)}"
        withdrawn_link = f"/org/invitations/{invitations.invitation_token(withdrawn)}"
        withdrawn_id = withdrawn.id
        before = state()
    admin = signed_in(app, "admin@example.cn")
    page = f"/org/{union['org']}/members"
    assert post(admin, f"/org/{union['org']}/invitations/{withdrawn_id}/cancel", token_from=page).status_code == 302
    client = signed_in(app)
    for link, message in ((old_link, "This invitation expired on"), (withdrawn_link, "withdrawn by an admin"),
                          (withdrawn_link[:-2] + ("AA" if not withdrawn_link.endswith("AA") else "BB"), "not valid"),
                          ("/org/invitations/" + "x" * 500, "not valid")):
        response = client.get(link)
        assert response.status_code == 400 and message in response.get_data(as_text=True), link
        response = client.post(link, data={"name": "某人", "password": "a long password", "agree": "y",
                                           "confirm": "a long password", "csrf_token": csrf_token(client, "/")})
        assert response.status_code == 400 and message in response.get_data(as_text=True), link
    with app.app_context():
        assert state() == before


@pytest.mark.parametrize("email, message", [
    ("viewer@example.cn", "is already a member"),
    ("not an address", "Enter a valid email address"),
])
def test_invitations_that_make_no_sense_are_refused(app, union, email, message):
    response = invite(signed_in(app, "admin@example.cn"), union["org"], email)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OrganizationInvitation)) == 0
        assert db.session.scalar(select(func.count()).select_from(QueuedMail)) == 0


def test_one_open_invitation_per_address_and_none_before_verification(app, union):
    admin = signed_in(app, "admin@example.cn")
    assert invite(admin, union["org"], "twice@example.cn").status_code == 302
    again = invite(admin, union["org"], "twice@example.cn")
    assert again.status_code == 400 and "was already invited" in again.get_data(as_text=True)
    with app.app_context():
        organization = db.session.scalar(select(OrganizationInvitation)).organization
        organization.status = OrganizationStatus.APPLIED
        db.session.commit()
    refused = invite(admin, union["org"], "early@example.cn")
    assert refused.status_code == 400 and "once the platform has verified" in refused.get_data(as_text=True)
    with app.app_context():
        assert len(mails("organization_invitation")) == 1

"""Who may open each page, file and action of an organization's own pages (`/org/<id>/...`): members as their
role allows (403 otherwise), and nobody else at all (404: a visitor, a public buyer, another organization's admin,
platform staff). A refused action changes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shop.accounts.models import OrganizationMembership
from shop.audit.models import AuditEntry
from shop.extensions import db
from shop.organizations import invitations
from shop.organizations.models import Organization, OrganizationInvitation
from shop.organizations.proofs import store_proof
from tests.factories import make_user
from tests.org_factories import APPLICATION, PDF, team
from tests.web import english, login, post

ADMIN, PURCHASER, VIEWER = "admin", "purchaser", "viewer"
MEMBERS = (ADMIN, PURCHASER, VIEWER)
OUTSIDERS = ("other organization's admin", "public buyer", "staff", "visitor")
ACCOUNTS = {ADMIN: "admin@a.example.cn", PURCHASER: "buyer@a.example.cn", VIEWER: "viewer@a.example.cn",
            "other organization's admin": "admin@b.example.cn", "public buyer": "public@example.cn",
            "staff": "staff@example.cn"}

# (method, path, form data, the roles it is for); every other member gets 403, every outsider 404.
ENDPOINTS = {
    "home": ("get", "/org/{org}/", None, MEMBERS),
    "orders": ("get", "/org/{org}/orders", None, MEMBERS),
    "members": ("get", "/org/{org}/members", None, MEMBERS),
    "application page": ("get", "/org/{org}/application", None, (ADMIN,)),
    "proof file": ("get", "/org/{org}/proof", None, (ADMIN,)),
    "correct the application": ("post", "/org/{org}/application", {**APPLICATION, "name": "改名"}, (ADMIN,)),
    "invite": ("post", "/org/{org}/invitations", {"email": "new@example.cn", "role": "admin"}, (ADMIN,)),
    "withdraw an invitation": ("post", "/org/{org}/invitations/{invitation}/cancel", {}, (ADMIN,)),
    "change a role": ("post", "/org/{org}/members/{viewer}/role", {"role": "admin"}, (ADMIN,)),
    "remove a member": ("post", "/org/{org}/members/{viewer}/remove", {}, (ADMIN,)),
}


@pytest.fixture
def setting(app):
    """Organization A with a member per role, an open invitation and a proof; organization B with its admin."""
    with app.app_context():
        organization = team(**{role: ACCOUNTS[role] for role in MEMBERS})
        team("别人的单位", admin=ACCOUNTS["other organization's admin"])
        make_user(email=ACCOUNTS["public buyer"])
        make_user(email=ACCOUNTS["staff"], is_staff=True)
        organization.proof_filename = store_proof(PDF)
        db.session.commit()
        admin_id = organization.memberships[0].user_id
        invitation = invitations.invite(admin_id, organization.id, "invited@example.cn", "viewer")
        viewer = db.session.scalar(select(OrganizationMembership.user_id).where(
            OrganizationMembership.role == "viewer"))
        return {"org": organization.id, "invitation": invitation.id, "viewer": viewer}


def snapshot():
    """What any of the actions would change."""
    return (sorted((m.organization_id, m.user_id, m.role.value) for m in db.session.scalars(
                select(OrganizationMembership))),
            sorted((i.id, i.cancelled_at is None) for i in db.session.scalars(select(OrganizationInvitation))),
            sorted(db.session.scalars(select(Organization.name))),
            db.session.scalar(select(func.count()).select_from(AuditEntry)))


def expected_status(endpoint: str, role: str) -> int:
    method, _path, _data, allowed = ENDPOINTS[endpoint]
    if role in OUTSIDERS:
        return 404
    if role not in allowed:
        return 403
    if endpoint == "correct the application":
        return 400  # A is verified: its details are changed by staff only
    return 200 if method == "get" else 302


@pytest.mark.parametrize("role", MEMBERS + OUTSIDERS)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_access_by_role(app, setting, endpoint, role):
    client = english(app.test_client())
    if role != "visitor":
        login(client, ACCOUNTS[role])
    method, path, data, _allowed = ENDPOINTS[endpoint]
    url = path.format(**setting)
    with app.app_context():
        before = snapshot()
    if method == "get":
        response = client.get(url)
    else:
        response = post(client, url, data, content_type="multipart/form-data")
    assert response.status_code == expected_status(endpoint, role)
    if response.status_code in (403, 404):
        with app.app_context():
            assert snapshot() == before
    if response.status_code == 403:
        assert "does not allow this" in response.get_data(as_text=True)


def test_an_organization_that_does_not_exist_looks_the_same_as_one_you_are_not_in(app, setting):
    client = app.test_client()
    login(client, ACCOUNTS["other organization's admin"])
    assert client.get("/org/999999/").status_code == 404
    assert client.get(f"/org/{setting['org']}/").status_code == 404

"""An organization's members and roles on its own pages: admins change roles and remove members but never the last
admin; purchasers order for it, viewers see its orders but cannot buy; a person in several organizations picks which
one they act for."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from shop.accounts.models import OrganizationMembership, OrganizationRole, User
from shop.audit.models import AuditEntry
from shop.extensions import db
from shop.orders.models import Order
from tests.factories import add_to_organization, make_delivery_regions, make_product, make_user
from tests.org_factories import team
from tests.web import csrf_token, english, login, post

ADDRESS = {"recipient": "王五", "mobile": "13912345678", "province": "浙江省", "city": "湖州市",
           "district": "吴兴区", "street": "人民路 1 号"}


@pytest.fixture
def union(app):
    with app.app_context():
        make_delivery_regions()
        organization = team(admin="admin@example.cn", purchaser="buyer@example.cn", viewer="viewer@example.cn")
        product = make_product(name="柯坪红枣", stock=10)
        ids = {email: db.session.scalar(select(User.id).where(User.email == email))
               for email in ("admin@example.cn", "buyer@example.cn", "viewer@example.cn")}
        return {"org": organization.id, "product": product.id, **ids}


def signed_in(app, email: str):
    client = english(app.test_client())
    login(client, email)
    return client


def roles(organization_id: int) -> dict[str, str]:
    return {m.user.email: m.role.value for m in db.session.scalars(
        select(OrganizationMembership).where(OrganizationMembership.organization_id == organization_id))}


def member_action(client, organization_id: int, user_id: int, action: str, **data):
    page = f"/org/{organization_id}/members"
    return post(client, f"{page}/{user_id}/{action}", data, token_from=page)


def test_admin_changes_roles_and_removes_members_audited(app, union):
    admin = signed_in(app, "admin@example.cn")
    org = union["org"]
    assert member_action(admin, org, union["viewer@example.cn"], "role", role="purchaser").status_code == 302
    assert member_action(admin, org, union["buyer@example.cn"], "remove").status_code == 302
    with app.app_context():
        assert roles(org) == {"admin@example.cn": "admin", "viewer@example.cn": "purchaser"}
        entries = db.session.execute(select(AuditEntry.action, AuditEntry.before, AuditEntry.after)
                                     .order_by(AuditEntry.id)).all()
    assert [tuple(entry) for entry in entries] == [
        ("organization.change_role", {"user_id": union["viewer@example.cn"], "role": "viewer"},
         {"user_id": union["viewer@example.cn"], "role": "purchaser"}),
        ("organization.remove_member", {"user_id": union["buyer@example.cn"], "role": "purchaser"}, None)]
    # The removed member no longer sees the organization at all.
    assert signed_in(app, "buyer@example.cn").get(f"/org/{org}/").status_code == 404


@pytest.mark.parametrize("action, data", [("role", {"role": "viewer"}), ("role", {"role": "purchaser"}),
                                          ("remove", {})])
def test_the_last_admin_can_be_neither_demoted_nor_removed(app, union, action, data):
    admin = signed_in(app, "admin@example.cn")
    response = member_action(admin, union["org"], union["admin@example.cn"], action, **data)
    assert response.status_code == 400
    assert "needs at least one admin" in response.get_data(as_text=True)
    with app.app_context():
        assert roles(union["org"])["admin@example.cn"] == "admin"
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_with_a_second_admin_the_first_may_step_down_and_leave(app, union):
    admin = signed_in(app, "admin@example.cn")
    org = union["org"]
    member_action(admin, org, union["buyer@example.cn"], "role", role="admin")
    assert member_action(admin, org, union["admin@example.cn"], "role", role="viewer").status_code == 302
    # Now a viewer, the former admin may no longer manage anyone.
    assert member_action(admin, org, union["buyer@example.cn"], "remove").status_code == 403
    new_admin = signed_in(app, "buyer@example.cn")
    assert member_action(new_admin, org, union["admin@example.cn"], "remove").status_code == 302
    response = member_action(new_admin, org, union["buyer@example.cn"], "remove")
    assert response.status_code == 400 and "needs at least one admin" in response.get_data(as_text=True)
    with app.app_context():
        assert roles(org) == {"buyer@example.cn": "admin", "viewer@example.cn": "viewer"}


def test_an_unknown_role_or_member_is_refused(app, union):
    admin = signed_in(app, "admin@example.cn")
    assert member_action(admin, union["org"], union["viewer@example.cn"], "role", role="owner").status_code == 400
    with app.app_context():
        outsider = make_user(email="outsider@example.cn").id
    response = member_action(admin, union["org"], outsider, "remove")
    assert response.status_code == 400 and "not a member" in response.get_data(as_text=True)


def checkout(client, buy_for: str):
    page = client.get("/checkout").get_data(as_text=True)
    fields = dict(re.findall(r'<input[^>]*name="(checkout_token|expected_total|csrf_token)"[^>]*value="([^"]*)"', page))
    return client.post("/checkout", data={**fields, **ADDRESS, "buy_for": buy_for}), page


def test_a_purchaser_orders_for_the_organization_and_a_viewer_cannot(app, union):
    org = union["org"]
    for email in ("viewer@example.cn", "buyer@example.cn"):
        client = signed_in(app, email)
        post(client, "/cart/add", {"product_id": union["product"], "quantity": 2})
        response, page = checkout(client, f"org:{org}")
        if email == "viewer@example.cn":
            option = re.search(rf'<input[^>]*value="org:{org}"[^>]*>', page).group(0)
            assert "disabled" in option and "湖州市总工会 (your role cannot order)" in page
            assert response.status_code == 400
            assert "As a viewer of “湖州市总工会” you can see its orders but not order for it" in \
                response.get_data(as_text=True)
            with app.app_context():
                assert db.session.scalar(select(func.count()).select_from(Order)) == 0
        else:
            assert response.status_code == 302
    with app.app_context():
        order = db.session.scalar(select(Order))
        assert (order.organization_id, order.user.email) == (org, "buyer@example.cn")
    # The viewer sees the organization's orders, on its pages and when acting for it.
    viewer = signed_in(app, "viewer@example.cn")
    assert order.number in viewer.get(f"/org/{org}/").get_data(as_text=True)
    assert order.number in viewer.get(f"/org/{org}/orders?tab=pending").get_data(as_text=True)
    assert viewer.get(f"/orders/{order.number}").status_code == 200
    post(viewer, "/account/acting-for", {"choice": f"organization:{org}"}, token_from="/account")
    assert order.number in viewer.get("/orders").get_data(as_text=True)


def test_a_person_in_two_organizations_picks_which_one_they_act_for(app, union):
    with app.app_context():
        other = team("湖州市财政局", admin="cz-admin@example.cn")
        add_to_organization(db.session.get(User, union["buyer@example.cn"]), other, OrganizationRole.VIEWER)
        other_id = other.id
    buyer = signed_in(app, "buyer@example.cn")
    index = buyer.get("/org/")
    assert index.status_code == 200  # two organizations and none chosen: a list
    text = index.get_data(as_text=True)
    assert f"/org/{union['org']}/" in text and f"/org/{other_id}/" in text
    page = buyer.get(f"/org/{other_id}/").get_data(as_text=True)
    assert "Act for this organization" in page
    token = csrf_token(buyer, f"/org/{other_id}/")
    switched = buyer.post("/account/acting-for", data={"choice": f"organization:{other_id}",
                                                       "next": f"/org/{other_id}/", "csrf_token": token})
    assert switched.headers["Location"] == f"/org/{other_id}/"
    assert buyer.get("/org/").headers["Location"] == f"/org/{other_id}/"
    assert "Acting for 湖州市财政局" in buyer.get(f"/org/{other_id}/").get_data(as_text=True)

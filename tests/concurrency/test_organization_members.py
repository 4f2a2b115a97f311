"""Two requests at once about an organization's members (real threads, both databases): two admins demoting each
other leave one admin, and one invitation link submitted twice makes one account and one membership."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from shop.accounts.models import OrganizationMembership, OrganizationRole, User
from shop.extensions import db
from shop.organizations import invitations, members
from shop.organizations.exceptions import OrganizationError
from tests.org_factories import team


def at_once(app, *calls) -> list[object]:
    """Run each call in its own thread and app context, released together; what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index, call):
        with app.app_context():
            barrier.wait(10)
            try:
                results[index] = call()
            except Exception as exc:  # noqa: BLE001 - the outcome is what the test compares
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_two_admins_demoting_each_other_leave_one_admin(app):
    with app.app_context():
        organization = team(admin="a@example.cn")
        other = team("别的单位", admin="b@example.cn")
        b = db.session.scalar(select(User.id).where(User.email == "b@example.cn"))
        a = db.session.scalar(select(User.id).where(User.email == "a@example.cn"))
        db.session.execute(OrganizationMembership.__table__.update().where(
            OrganizationMembership.organization_id == other.id).values(organization_id=organization.id))
        db.session.commit()
        organization_id = organization.id
    results = at_once(app, lambda: members.change_role(a, organization_id, b, "viewer"),
                      lambda: members.change_role(b, organization_id, a, "viewer"))
    assert sorted(type(result).__name__ for result in results) == ["NoneType", "NotAnAdmin"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OrganizationMembership).where(
            OrganizationMembership.organization_id == organization_id,
            OrganizationMembership.role == OrganizationRole.ADMIN)) == 1


def test_one_link_submitted_twice_makes_one_account(app):
    with app.app_context():
        organization = team(admin="admin@example.cn")
        admin = db.session.scalar(select(User.id).where(User.email == "admin@example.cn"))
        token = invitations.invitation_token(invitations.invite(admin, organization.id, "new@example.cn", "viewer"))
    results = at_once(app, *(lambda: invitations.accept_with_new_account(token, "新人", "a long password")
                             for _ in range(2)))
    assert sum(isinstance(result, User) for result in results) == 1
    assert all(isinstance(result, (User, OrganizationError)) for result in results), results
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(User.email == "new@example.cn")) == 1
        assert db.session.scalar(select(func.count()).select_from(OrganizationMembership)) == 2

"""Builders for organizations' applications, members and invitations, and reading the mails they queue (inside an
application context unless said otherwise)."""
from __future__ import annotations

import io
import re

from flask import current_app
from sqlalchemy import select

from shop.accounts.models import OrganizationRole
from shop.core import credit_code
from shop.core.outbox import QueuedMail, render
from shop.extensions import db
from shop.organizations.models import Organization
from tests.factories import add_to_organization, make_organization, make_region, make_user
from tests.image_files import image_bytes
from tests.web import csrf_token

CODE = credit_code.complete("81330502MC0000001")
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
APPLICATION = {"name": "湖州市吴兴区总工会", "kind": "union", "credit_code": CODE, "region_province": "330000",
               "region_prefecture": "330500", "region_county": "330502", "invoice_title": "", "tax_number": "",
               "contact_name": "沈主席", "contact_mobile": "13905720001"}
LINK_RE = re.compile(r"https?://\S+/org/invitations/(\S+)")


def regions() -> None:
    """A small region tree: 浙江省 → 湖州市 → 吴兴区 and 南浔区, 杭州市 → 余杭区."""
    make_region("330502", "吴兴区")
    make_region("330503", "南浔区")
    make_region("330110", "余杭区")


def apply(client, url: str = "/organizations/apply", proof: bytes | None = None, filename: str = "proof.png",
          **changes):
    """Post the application form (the client is logged in); a PNG proof unless another is given."""
    form = {**APPLICATION, **changes, "csrf_token": csrf_token(client, url)}
    if "proof" not in changes:
        form["proof"] = (io.BytesIO(image_bytes("PNG") if proof is None else proof), filename)
    return client.post(url, data=form, content_type="multipart/form-data")


def private_files(app=None) -> list[str]:
    """The names in the app's private store (the current app's without one): its folder or its bucket."""
    return sorted((app or current_app).extensions["storage"].private.names())


def organization_named(name: str) -> Organization:
    return db.session.scalar(select(Organization).where(Organization.name == name))


def mails(message: str | None = None) -> list[tuple[str, str, str]]:
    """The queued mails (to, subject, body), rendered as they will be sent, oldest first."""
    query = select(QueuedMail).order_by(QueuedMail.id)
    if message is not None:
        query = query.where(QueuedMail.message == message)
    return [(mail.to, *render(mail)) for mail in db.session.scalars(query)]


def invitation_path(body: str) -> str:
    """The path of the invitation link in a mail's body."""
    return "/org/invitations/" + LINK_RE.search(body).group(1)


def team(name: str = "湖州市总工会", **emails: str) -> Organization:
    """A verified organization with one member per role given as role=email (admin, purchaser, viewer)."""
    organization = make_organization(name=name, kind="union")
    for role, email in emails.items():
        add_to_organization(make_user(email=email, name=role), organization, OrganizationRole(role))
    return organization

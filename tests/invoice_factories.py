"""Builders for invoice tests: sellers that can (or cannot) issue invoices, paid orders that asked for one, and
invoice files of every kind (inside an application context)."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from shop.accounts.models import OrganizationRole, User
from shop.cooperatives.models import CooperativeKind, InvoiceCapability, InvoiceType
from shop.extensions import db
from shop.orders.invoicing import InvoiceChoice
from shop.payments.bank_transfers import record_bank_transfer
from shop.payments.refunds import new_request_token, refund_order
from tests.factories import (
    add_to_cooperative,
    add_to_organization,
    make_category,
    make_cooperative,
    make_organization,
    make_product,
    make_user,
)
from tests.order_factories import make_order

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
ORDINARY = InvoiceChoice(InvoiceType.ORDINARY)


def ofd_bytes(root: bytes = b'<?xml version="1.0"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.1">'
                            b'<ofd:DocBody/></ofd:OFD>', name: str = "OFD.xml") -> bytes:
    """An OFD container: a zip with OFD.xml (or `name`) at its root."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        # A fixed timestamp: the same arguments always give the same bytes.
        archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 12, 1, 9, 0, 0)), root)
        archive.writestr(zipfile.ZipInfo("Doc_0/Document.xml", date_time=(2026, 12, 1, 9, 0, 0)), b"<ofd:Document/>")
    return out.getvalue()


def seller(kind: CooperativeKind = CooperativeKind.ENTERPRISE,
           capability: InvoiceCapability = InvoiceCapability.ORDINARY_AND_SPECIAL, name: str | None = None):
    """A verified cooperative of `kind` declaring `capability`, with one product (stock 20, ¥100.00)."""
    coop = make_cooperative("652929", name=name, kind=kind)
    coop.invoice_capability = capability
    db.session.commit()
    return coop, make_product(coop, make_category(), price_fen=10000, stock=20)


@dataclass
class Scene:
    """An organization's paid order with lines from two sellers, and everyone the access rules talk about."""

    number: str
    order_id: int
    organization_id: int
    other_organization_id: int
    seller_id: int  # the enterprise, ¥200.00 of lines (2 × ¥100.00)
    second_seller_id: int  # the farmers' cooperative, ¥100.00 (1 × ¥100.00)
    other_coop_id: int
    staff_id: int
    lines: dict[int, int]  # cooperative id -> its order line id


def scene(paid_days_ago: float = 1, invoice: InvoiceChoice | None = ORDINARY) -> Scene:
    """Users by email: seller@, second@, othercoop@, admin@, purchaser@, viewer@, otherorg@, public@, staff@."""
    enterprise, product = seller(name="湖州帮扶农产品有限公司")
    farmers, produce = seller(CooperativeKind.COOPERATIVE, InvoiceCapability.ORDINARY, name="柯坪县红枣农民专业合作社")
    other, _ = seller(name="其他供应商")
    for coop, email in ((enterprise, "seller@example.cn"), (farmers, "second@example.cn"),
                        (other, "othercoop@example.cn")):
        add_to_cooperative(make_user(email=email), coop)
    organization = make_organization(name="湖州市总工会", kind="union")
    for role in OrganizationRole:
        add_to_organization(make_user(email=f"{role.value}@example.cn"), organization, role)
    other_organization = make_organization(name="别的单位")
    add_to_organization(make_user(email="otherorg@example.cn"), other_organization, OrganizationRole.ADMIN)
    make_user(email="public@example.cn")
    staff = make_user(email="staff@example.cn", is_staff=True)
    purchaser = db.session.scalar(select(User).where(User.email == "purchaser@example.cn"))
    paid = datetime.now(timezone.utc) - timedelta(days=paid_days_ago)
    order = make_order(purchaser, (product, 2), (produce, 1),
                       organization_id=organization.id, invoice=invoice, now=paid)
    record_bank_transfer(order.number, order.total_fen, f"SERIAL{order.id}", "湖州市总工会", staff.id, now=paid)
    lines = {line.cooperative_id: line.id for line in order.lines}
    return Scene(order.number, order.id, organization.id, other_organization.id, enterprise.id, farmers.id, other.id,
                 staff.id, lines)


def refund(s: Scene, cooperative_id: int, quantity: int = 1, now: datetime | None = None) -> None:
    """Staff refund `quantity` of that seller's line (a bank transfer refund succeeds at once)."""
    refund_order(s.order_id, {s.lines[cooperative_id]: quantity}, reason="破损", restock=False, actor_id=s.staff_id,
                 request_token=new_request_token(), now=now)

"""What invoices a cooperative says it can issue, declared on its own portal page."""
from __future__ import annotations

from sqlalchemy import update

from shop.cooperatives.models import Cooperative, InvoiceCapability
from shop.cooperatives.selling import require_selling
from shop.core.database import write_transaction
from shop.extensions import db


def declare_invoice_capability(cooperative_id: int, capability: InvoiceCapability) -> None:
    """Save what the cooperative can issue from now on (orders already placed keep what they asked for)."""
    with write_transaction(db.session):
        require_selling(cooperative_id)
        db.session.execute(update(Cooperative).where(Cooperative.id == cooperative_id)
                           .values(invoice_capability=capability))

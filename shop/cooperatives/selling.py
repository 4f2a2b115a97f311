"""Whether a cooperative may change what it sells: only a verified one; the others read their portal and ship."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from shop.cooperatives.exceptions import NotSelling
from shop.cooperatives.models import SELLING_REFUSALS, Cooperative
from shop.extensions import db


def require_selling(cooperative_id: int) -> None:
    """Inside a write transaction: raise NotSelling unless the cooperative is verified.

    The status is read with a share lock (PostgreSQL; SQLite has one writer at a time anyway), so a staff
    decision, which locks the row for update, either waits for this change or is seen by it.
    """
    status = db.session.scalar(
        select(Cooperative.status).where(Cooperative.id == cooperative_id).with_for_update(read=True))
    if status is None:
        raise NotSelling(_("No such cooperative."))
    refusal = SELLING_REFUSALS.get(status)
    if refusal is not None:
        raise NotSelling(str(refusal))

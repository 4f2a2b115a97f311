"""Read-side queries about cooperatives."""
from __future__ import annotations

from sqlalchemy import func, select

from shop.cooperatives.models import Cooperative, VerificationStatus
from shop.extensions import db


def verified_cooperatives_in(county_code: str) -> list[Cooperative]:
    """The verified cooperatives registered in a county, by name."""
    stmt = (
        select(Cooperative)
        .where(Cooperative.county_code == county_code, Cooperative.status == VerificationStatus.VERIFIED)
        .order_by(Cooperative.name)
    )
    return list(db.session.scalars(stmt))


def get_verified_cooperative(cooperative_id: int) -> Cooperative | None:
    """A cooperative the store shows; None when unknown or not verified."""
    coop = db.session.get(Cooperative, cooperative_id)
    return coop if coop is not None and coop.is_verified else None


def count_with_status(status: VerificationStatus) -> int:
    """How many cooperatives have this status (the staff dashboard's "waiting for review")."""
    return db.session.scalar(select(func.count()).select_from(Cooperative).where(Cooperative.status == status)) or 0

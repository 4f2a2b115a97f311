"""Read-side queries about cooperatives."""
from __future__ import annotations

from sqlalchemy import func, select

from shop.catalog.models import Photo, Product
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


# -- the cooperative portal -------------------------------------------------------------------------

def own_products(cooperative_id: int, archived: bool = False) -> list:
    """The cooperative's listings (active, or archived), newest first, with their photo counts."""
    photos = (select(Photo.product_id, func.count().label("photos")).group_by(Photo.product_id).subquery())
    return list(db.session.execute(
        select(Product, func.coalesce(photos.c.photos, 0).label("photos"))
        .outerjoin(photos, photos.c.product_id == Product.id)
        .where(Product.cooperative_id == cooperative_id, Product.is_active.is_(not archived))
        .order_by(Product.id.desc())
    ))

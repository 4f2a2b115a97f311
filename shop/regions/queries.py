"""Read-side queries about the region tree: a region's children, for pickers."""
from __future__ import annotations

from sqlalchemy import exists, select

from shop.extensions import db
from shop.regions.models import Region


def children_of(code: str | None) -> list[Region]:
    """The regions directly under `code` (the provinces for None), by code."""
    parent = Region.parent_code.is_(None) if code is None else Region.parent_code == code
    return list(db.session.scalars(select(Region).where(parent).order_by(Region.code)))


def has_children(code: str) -> bool:
    """Whether any region hangs under `code` (a picker must go on to the next level)."""
    return bool(db.session.scalar(select(exists().where(Region.parent_code == code))))

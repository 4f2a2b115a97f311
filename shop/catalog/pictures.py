"""The photo that pictures a product in lists (its first), read in the same query as the rows that show it."""
from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from shop.catalog.models import Photo, Product
from shop.core.images import Picture
from shop.extensions import db

# Picture's fields, in its order: what a page needs to name every variant of a photo and size it.
PICTURE_COLUMNS = ("filename", "thumb_filename", "width", "height", "webp")


@functools.cache
def first_photo() -> tuple[Any, Any]:
    """An alias of photos to outer-join onto products as each one's first photo, and the join's ON clause
    (built once)."""
    first = aliased(Photo, name="first_photo")
    first_id = (select(Photo.id).where(Photo.product_id == Product.id).order_by(Photo.position, Photo.id)
                .limit(1).correlate(Product).scalar_subquery())
    return first, first.id == first_id


def picture_columns(photo: Any) -> tuple[Any, ...]:
    """The columns a Picture is made of, from `photo` (Photo, an alias of it, or a subquery's columns)."""
    return tuple(getattr(photo, name).label(f"picture_{name}") for name in PICTURE_COLUMNS)


def picture_from(values: Sequence[Any]) -> Picture | None:
    """The Picture of the values read with picture_columns(); None for a product without a photo."""
    return None if values[0] is None else Picture(*values)


def first_pictures(product_ids: Iterable[int]) -> dict[int, Picture]:
    """Each product's first photo by product id (products without a photo are left out)."""
    ids = sorted(set(product_ids))
    pictures: dict[int, Picture] = {}
    if ids:
        rows = db.session.execute(select(Photo.product_id, *picture_columns(Photo)).where(Photo.product_id.in_(ids))
                                  .order_by(Photo.product_id, Photo.position, Photo.id))
        for row in rows:
            if row[0] not in pictures:
                pictures[row[0]] = Picture(*row[1:])
    return pictures

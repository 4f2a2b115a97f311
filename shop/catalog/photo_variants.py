"""WebPs for photos stored before the shop made them (`flask --app wsgi photos-webp`); until then such a photo is
drawn from its JPEGs alone."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select, update

from shop.catalog.models import Photo
from shop.core.database import rowcount, write_transaction
from shop.core.images import ImageRejected, delete_image, store_webps
from shop.core.storage import Store, media_store
from shop.extensions import db

BATCH = 100


@dataclass
class WebpCount:
    """What one back-fill did."""

    made: int = 0
    missing: int = 0  # the full-size JPEG is not in the store: the photo stays as it is
    refused: int = 0  # the JPEG could not be read again (damaged on disk): the photo stays as it is

    def __str__(self) -> str:
        return f"{self.made} photo(s) given WebPs, {self.missing} without their file, {self.refused} unreadable"


def add_missing_webps(limit: int | None = None) -> WebpCount:
    """Give every photo without WebPs (at most `limit` of them) its two WebPs, one photo per transaction, so the
    shop keeps running and a second run only picks up what is left."""
    count, store, last_id = WebpCount(), media_store(), 0
    while limit is None or count.made < limit:
        batch = db.session.execute(
            select(Photo.id, Photo.filename, Photo.thumb_filename).where(Photo.webp.is_(False), Photo.id > last_id)
            .order_by(Photo.id).limit(BATCH)).all()
        db.session.rollback()  # no read transaction held while the worker runs
        if not batch:
            break
        for photo_id, filename, thumb_filename in batch[:None if limit is None else limit - count.made]:
            last_id = photo_id
            _add_webps(store, photo_id, filename, thumb_filename, count)
    return count


def _add_webps(store: Store, photo_id: int, filename: str, thumb_filename: str, count: WebpCount) -> None:
    full = store.get(filename)
    if full is None:
        count.missing += 1
        return
    try:
        names = store_webps(full, store, filename, thumb_filename, current_app.config["MAX_IMAGE_PIXELS"])
    except ImageRejected:
        count.refused += 1
        return
    with write_transaction(db.session):
        marked = rowcount(db.session.execute(
            update(Photo).where(Photo.id == photo_id, Photo.webp.is_(False)).values(webp=True)))
        gone = not marked and db.session.get(Photo, photo_id) is None
    if gone:  # removed while its WebPs were made: its deletion removed only the JPEGs
        delete_image(store, *names)
    count.made += bool(marked)

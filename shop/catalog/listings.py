"""Changes cooperatives make to their own listings, one at a time: create, edit, archive, restore, stock, photos.

Every function takes the acting cooperative and finds the product among *its* products only, so a
product id of another cooperative is simply not found. Uploads of many listings are in importing/.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from shop.catalog import queries
from shop.catalog.exceptions import ListingError
from shop.catalog.models import Photo, Product
from shop.cooperatives.exceptions import NotSelling
from shop.cooperatives.models import Cooperative
from shop.cooperatives.selling import require_selling
from shop.core.database import rowcount, utcnow, write_transaction
from shop.core.images import ImageRejected, delete_image, store_image
from shop.core.storage import media_store
from shop.extensions import db

MAX_PHOTOS = 8
MAX_PHOTO_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class ListingData:
    """A listing as the cooperative's form gives it (stock is changed separately, never overwritten)."""

    sku: str
    name: str
    category_id: int
    unit: str
    spec: str
    net_weight_g: int
    price_fen: int
    description: str = ""
    certificate_type: str | None = None
    certificate_number: str | None = None
    certificate_issuer: str | None = None
    certificate_valid_until: date | None = None


def own_product(cooperative: Cooperative, product_id: int) -> Product | None:
    """The cooperative's own product, else None."""
    return queries.own_product(cooperative.id, product_id)


def save_listing(cooperative: Cooperative, data: ListingData, product_id: int | None = None,
                 stock: int = 0) -> Product:
    """Create a listing (product_id None) or change one; products always come from the cooperative's county."""
    try:
        with write_transaction(db.session):
            require_selling(cooperative.id)
            if product_id is None:
                product = Product(cooperative_id=cooperative.id, origin_county_code=cooperative.county_code,
                                  stock=stock)
                db.session.add(product)
            else:
                found = own_product(cooperative, product_id)
                if found is None:
                    raise ListingError(_("No such product."))
                product = found
            for name, value in data.__dict__.items():
                setattr(product, name, value or None if name.startswith("certificate") else value)
            product.description = data.description or ""
            db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise ListingError(_("You already have a product with the SKU “%(sku)s”.", sku=data.sku)) from exc
    return product


def set_active(cooperative: Cooperative, product_id: int, active: bool) -> Product:
    """Archive (hide from the store, keep for order history) or restore a listing."""
    with write_transaction(db.session):
        require_selling(cooperative.id)
        product = own_product(cooperative, product_id)
        if product is None:
            raise ListingError(_("No such product."))
        product.is_active = active
    return product


def adjust_stock(cooperative: Cooperative, product_id: int, change: int) -> int:
    """Add `change` (negative to remove) to the stock, guarded so that it never goes below zero even while
    buyers are checking out; returns the new stock."""
    with write_transaction(db.session):
        require_selling(cooperative.id)
        result = db.session.execute(
            update(Product).where(Product.id == product_id, Product.cooperative_id == cooperative.id,
                                  Product.stock + change >= 0)
            .values(stock=Product.stock + change, updated_at=utcnow()).execution_options(synchronize_session=False)
        )
        if rowcount(result) != 1:
            product = own_product(cooperative, product_id)
            if product is None:
                raise ListingError(_("No such product."))
            raise ListingError(_("Only %(stock)d in stock: cannot remove %(change)d.", stock=product.stock,
                                 change=-change))
        return db.session.execute(select(Product.stock).where(Product.id == product_id)).scalar_one()


def add_photo(cooperative: Cooperative, product_id: int, data: bytes) -> Photo:
    """Check, re-encode and store a photo, then record it; the files are removed again if recording fails.

    What needs no decoding (the cooperative's status, the product, the size, the number of photos) is checked
    first, so a refused upload costs no decoding."""
    if cooperative.selling_refusal:
        raise NotSelling(cooperative.selling_refusal)
    if own_product(cooperative, product_id) is None:
        raise ListingError(_("No such product."))
    if len(data) > MAX_PHOTO_BYTES:
        raise ListingError(_("This photo cannot be used: it is larger than %(mb)d MB.", mb=MAX_PHOTO_BYTES // 2**20))
    _next_photo_position(product_id)
    folder = media_store()
    try:
        stored = store_image(data, folder, current_app.config["MAX_IMAGE_PIXELS"], webp=True)
    except ImageRejected as exc:
        raise ListingError(_("This photo cannot be used: %(reason)s.", reason=exc.explanation)) from exc
    try:
        with write_transaction(db.session):
            require_selling(cooperative.id)
            photo = Photo(product_id=product_id, position=_next_photo_position(product_id), filename=stored.filename,
                          thumb_filename=stored.thumb_filename, width=stored.width, height=stored.height,
                          webp=stored.webp)
            db.session.add(photo)
    except BaseException:
        delete_image(folder, *stored.names)
        raise
    return photo


def _next_photo_position(product_id: int) -> int:
    """The position a new photo of the product takes; ListingError when it has MAX_PHOTOS already."""
    count = db.session.scalar(select(func.count()).select_from(Photo).where(Photo.product_id == product_id)) or 0
    if count >= MAX_PHOTOS:
        raise ListingError(_("A product can have at most %(n)d photos.", n=MAX_PHOTOS))
    return count


def delete_photo(cooperative: Cooperative, product_id: int, photo_id: int) -> None:
    """Remove one of the cooperative's product photos, its row and then its files."""
    with write_transaction(db.session):
        require_selling(cooperative.id)
        photo = db.session.scalar(
            select(Photo).join(Product, Product.id == Photo.product_id)
            .where(Photo.id == photo_id, Photo.product_id == product_id, Product.cooperative_id == cooperative.id))
        if photo is None:
            raise ListingError(_("No such photo."))
        names = photo.file_names
        db.session.delete(photo)
    delete_image(media_store(), *names)

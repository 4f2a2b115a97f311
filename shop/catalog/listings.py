"""Changes cooperatives make to their own listings: create, edit, archive, restore, stock, photos.

Every function takes the acting cooperative and finds the product among *its* products only, so a
product id of another cooperative is simply not found.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from shop.catalog import queries
from shop.catalog.exceptions import ListingError
from shop.catalog.importing import planning
from shop.catalog.importing.models import ListingImport
from shop.catalog.models import Photo, Product
from shop.cooperatives.models import Cooperative
from shop.core.database import rowcount, utcnow, write_transaction
from shop.core.images import ImageRejected, delete_image, store_image
from shop.extensions import db

MAX_PHOTOS = 8
MAX_PHOTO_BYTES = 8 * 1024 * 1024
_IMAGE_REASONS = {
    "not a JPEG, PNG or WebP image": _l("it is not a JPEG, PNG or WebP image"),
    "the image has too many pixels": _l("it has too many pixels (40 megapixels at most)"),
    "the image file is damaged or incomplete": _l("the file is damaged or incomplete"),
}


@dataclass(frozen=True)
class ListingData:
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
            product: Product | None
            if product_id is None:
                product = Product(cooperative_id=cooperative.id, origin_county_code=cooperative.county_code,
                                  stock=stock)
                db.session.add(product)
            else:
                product = own_product(cooperative, product_id)
                if product is None:
                    raise ListingError(_("No such product."))
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
        product = own_product(cooperative, product_id)
        if product is None:
            raise ListingError(_("No such product."))
        product.is_active = active
    return product


def adjust_stock(cooperative: Cooperative, product_id: int, change: int) -> int:
    """Add `change` (negative to remove) to the stock, guarded so that it never goes below zero even while
    buyers are checking out; returns the new stock."""
    with write_transaction(db.session):
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
    """Check, re-encode and store a photo, then record it; the files are removed again if recording fails."""
    if own_product(cooperative, product_id) is None:
        raise ListingError(_("No such product."))
    if len(data) > MAX_PHOTO_BYTES:
        raise ListingError(_("This photo cannot be used: it is larger than %(mb)d MB.", mb=MAX_PHOTO_BYTES // 2**20))
    try:
        stored = store_image(data, current_app.config["UPLOAD_FOLDER"])
    except ImageRejected as exc:
        reason = _IMAGE_REASONS.get(str(exc), str(exc))
        raise ListingError(_("This photo cannot be used: %(reason)s.", reason=reason)) from exc
    try:
        with write_transaction(db.session):
            count = db.session.execute(
                select(func.count()).select_from(Photo).where(Photo.product_id == product_id)).scalar_one()
            if count >= MAX_PHOTOS:
                raise ListingError(_("A product can have at most %(n)d photos.", n=MAX_PHOTOS))
            photo = Photo(product_id=product_id, position=count, filename=stored.filename,
                          thumb_filename=stored.thumb_filename, width=stored.width, height=stored.height)
            db.session.add(photo)
    except BaseException:
        delete_image(current_app.config["UPLOAD_FOLDER"], stored.filename, stored.thumb_filename)
        raise
    return photo


def delete_photo(cooperative: Cooperative, product_id: int, photo_id: int) -> None:
    with write_transaction(db.session):
        photo = db.session.scalar(
            select(Photo).join(Product, Product.id == Photo.product_id)
            .where(Photo.id == photo_id, Photo.product_id == product_id, Product.cooperative_id == cooperative.id))
        if photo is None:
            raise ListingError(_("No such photo."))
        names = (photo.filename, photo.thumb_filename)
        db.session.delete(photo)
    delete_image(current_app.config["UPLOAD_FOLDER"], *names)


# -- bulk upload: upload, preview, confirm -----------------------------------------------------------

def start_import(cooperative: Cooperative, user_id: int, filename: str, data: bytes,
                 zero_missing: bool) -> ListingImport:
    """Read an uploaded file once and keep its rows for the preview and the confirmation; a file that cannot be
    read at all is refused here."""
    rows = planning.stored_cells(planning.read_table(data))
    planning.plan_import(cooperative, rows, zero_missing)  # raises ImportRejected for a file without headers
    with write_transaction(db.session):
        upload = ListingImport(cooperative_id=cooperative.id, user_id=user_id, filename=(filename or "")[:200],
                               content=data, rows=rows, zero_missing=zero_missing)
        db.session.add(upload)
    return upload


def own_import(cooperative: Cooperative, import_id: int) -> ListingImport | None:
    return db.session.scalar(select(ListingImport).where(ListingImport.id == import_id,
                                                         ListingImport.cooperative_id == cooperative.id))


def preview_import(cooperative: Cooperative, upload: ListingImport) -> planning.Plan:
    return planning.plan_import(cooperative, upload.rows, upload.zero_missing)


def confirm_import(cooperative: Cooperative, import_id: int) -> dict[str, int]:
    """Check the file again against the products as they are now and save it, all or nothing, once."""
    with write_transaction(db.session):
        upload = db.session.scalar(select(ListingImport).where(ListingImport.id == import_id,
                                                               ListingImport.cooperative_id == cooperative.id)
                                   .with_for_update())
        if upload is None:
            raise ListingError(_("No such upload."))
        if upload.applied_at is not None:
            raise ListingError(_("This file was already saved."))
        plan = preview_import(cooperative, upload)
        result = planning.write_plan(cooperative, plan)
        upload.applied_at = utcnow()
        upload.result = result
    return result

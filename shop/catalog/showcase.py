"""Staff arrange the home page: up to MAX_SLIDES banner slides and named sections of picked products.

Every change is audited and, as the tables are tracked by catalog/versions.py, moves the catalogue version in the
same transaction, so no kept home page outlives it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from shop.audit.services import record
from shop.catalog.exceptions import ShowcaseError
from shop.catalog.listings import MAX_PHOTO_BYTES
from shop.catalog.models import Product
from shop.catalog.queries import visible_products
from shop.catalog.showcase_models import Shelf, ShelfItem, Slide
from shop.catalog.versions import CatalogueVersion
from shop.core.database import write_transaction
from shop.core.images import ImageRejected, StoredImage, delete_image, store_image
from shop.core.storage import media_store
from shop.extensions import db

MAX_SLIDES = 5
MAX_SHELF_PRODUCTS = 12
LINK_MAX = 300


@dataclass(frozen=True)
class SlideData:
    """A slide as the staff form gives it (the picture comes separately, as bytes)."""

    title: str
    link: str
    position: int = 0
    is_active: bool = True
    title_en: str | None = None


@dataclass(frozen=True)
class ShelfData:
    """A section as the staff form gives it: its products' ids in the order they are shown."""

    title: str
    product_ids: tuple[int, ...]
    position: int = 0
    is_active: bool = True
    title_en: str | None = None


def check_link(link: str) -> str:
    """`link` if it is a path on this site ("/products?q=…") or an https URL; ShowcaseError otherwise."""
    link = link.strip()
    if _site_path_or_https(link):
        return link
    raise ShowcaseError(_("The link must be a path on this site (starting with /) or an https:// address."), "link")


def _site_path_or_https(link: str) -> bool:
    # No spaces, control characters or backslashes (browsers read "/\\host" as another site); "//host" is another
    # site too, and an https address must name a host and no user ("https://shop.cn@elsewhere").
    if not link or len(link) > LINK_MAX or any(ch.isspace() or not ch.isprintable() or ch == "\\" for ch in link):
        return False
    try:
        parts = urlsplit(link)
        host = parts.hostname
    except ValueError:
        return False
    if link.startswith("/"):
        return not link.startswith("//") and not parts.scheme and not parts.netloc
    return parts.scheme == "https" and bool(host) and "@" not in parts.netloc


def _store_picture(picture: bytes) -> StoredImage:
    """The picture checked, re-encoded and stored like a product photo; ShowcaseError when it cannot be used."""
    if len(picture) > MAX_PHOTO_BYTES:
        raise ShowcaseError(_("This picture cannot be used: it is larger than %(mb)d MB.",
                              mb=MAX_PHOTO_BYTES // 2**20), "picture")
    try:
        return store_image(picture, media_store(), current_app.config["MAX_IMAGE_PIXELS"])
    except ImageRejected as exc:
        raise ShowcaseError(_("This picture cannot be used: %(reason)s.", reason=exc.explanation),
                            "picture") from exc


def _slide_values(data: SlideData) -> dict:
    return {"title": data.title, "title_en": data.title_en or None, "link": check_link(data.link),
            "position": data.position, "is_active": data.is_active}


def save_slide(actor_id: int, data: SlideData, picture: bytes | None, slide_id: int | None = None) -> Slide:
    """Add a slide (a picture required; at most MAX_SLIDES) or change one (a new picture replaces the old files).
    Everything is checked before anything is written; the new files are removed again if saving fails."""
    values = _slide_values(data)
    if slide_id is None and not picture:
        raise ShowcaseError(_("Choose a picture for the slide."), "picture")
    if slide_id is not None and db.session.get(Slide, slide_id) is None:
        raise ShowcaseError(_("No such slide."))
    stored = _store_picture(picture) if picture else None
    old_files: tuple[str, ...] = ()
    try:
        with write_transaction(db.session):
            slide = _slide_to_change(slide_id)
            if stored is not None:
                old_files = (slide.filename, slide.thumb_filename) if slide_id is not None else ()
                slide.filename, slide.thumb_filename = stored.filename, stored.thumb_filename
                slide.width, slide.height = stored.width, stored.height
            for name, value in values.items():
                setattr(slide, name, value)
            db.session.flush()
            record(actor_id, "home.slide_save", "home_slide", slide.id, after=values)
    except BaseException:
        if stored is not None:
            delete_image(media_store(), stored.filename, stored.thumb_filename)
        raise
    if old_files:
        delete_image(media_store(), *old_files)
    return slide


def _slide_to_change(slide_id: int | None) -> Slide:
    """Inside the transaction: the slide to change, or a new one added to the session while there is room."""
    if slide_id is not None:
        slide = db.session.get(Slide, slide_id)
        if slide is None:
            raise ShowcaseError(_("No such slide."))
        return slide
    # Two staff adding the fifth slide at once: the version row's lock makes one wait and then count six.
    db.session.execute(select(CatalogueVersion.id).with_for_update())
    if (db.session.scalar(select(func.count()).select_from(Slide)) or 0) >= MAX_SLIDES:
        raise ShowcaseError(_("There can be at most %(n)d slides: delete one first.", n=MAX_SLIDES))
    slide = Slide()
    db.session.add(slide)
    return slide


def delete_slide(actor_id: int, slide_id: int) -> None:
    """Remove a slide, then its files."""
    with write_transaction(db.session):
        slide = db.session.get(Slide, slide_id)
        if slide is None:
            raise ShowcaseError(_("No such slide."))
        names = (slide.filename, slide.thumb_filename)
        record(actor_id, "home.slide_delete", "home_slide", slide.id, before={"title": slide.title})
        db.session.delete(slide)
    delete_image(media_store(), *names)


def _check_products(product_ids: tuple[int, ...]) -> None:
    """ShowcaseError unless the ids are distinct, at most MAX_SHELF_PRODUCTS, and all of products the store shows."""
    if not product_ids:
        raise ShowcaseError(_("Pick at least one product."), "products")
    if len(product_ids) > MAX_SHELF_PRODUCTS:
        raise ShowcaseError(_("A section can hold at most %(n)d products.", n=MAX_SHELF_PRODUCTS), "products")
    twice = sorted({pid for pid in product_ids if product_ids.count(pid) > 1})
    if twice:
        raise ShowcaseError(_("Listed twice: %(ids)s.", ids=", ".join(map(str, twice))), "products")
    shown = set(db.session.scalars(visible_products().where(Product.id.in_(product_ids))
                                   .with_only_columns(Product.id)))
    missing = [str(pid) for pid in product_ids if pid not in shown]
    if missing:
        raise ShowcaseError(_("No product on sale with the number %(ids)s.", ids=", ".join(missing)), "products")


def save_shelf(actor_id: int, data: ShelfData, shelf_id: int | None = None) -> Shelf:
    """Add a section or change one, its products replaced by `data.product_ids` in that order."""
    with write_transaction(db.session):
        _check_products(data.product_ids)
        if shelf_id is None:
            shelf = Shelf()
            db.session.add(shelf)
        else:
            found = db.session.get(Shelf, shelf_id)
            if found is None:
                raise ShowcaseError(_("No such section."))
            shelf = found
        shelf.title, shelf.title_en = data.title, data.title_en or None
        shelf.position, shelf.is_active = data.position, data.is_active
        shelf.items.clear()
        db.session.flush()  # the old rows go before the new ones meet the (section, product) unique constraint
        shelf.items.extend(ShelfItem(product_id=pid, position=n) for n, pid in enumerate(data.product_ids))
        db.session.flush()
        record(actor_id, "home.shelf_save", "home_shelf", shelf.id,
               after={**asdict(data), "product_ids": list(data.product_ids)})
    return shelf


def delete_shelf(actor_id: int, shelf_id: int) -> None:
    """Remove a section and its picks."""
    with write_transaction(db.session):
        shelf = db.session.get(Shelf, shelf_id)
        if shelf is None:
            raise ShowcaseError(_("No such section."))
        record(actor_id, "home.shelf_delete", "home_shelf", shelf.id, before={"title": shelf.title})
        db.session.delete(shelf)

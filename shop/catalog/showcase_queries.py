"""The home page's read side: the banner's slides, the staff-picked sections and the featured paired counties."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from shop.catalog.models import Photo, Product
from shop.catalog.queries import ProductCard, ProductFilters, as_cards, card_of, filtered_products, listed_products
from shop.catalog.showcase_models import Shelf, ShelfItem, Slide
from shop.core.caching import kept
from shop.core.joins import left_first
from shop.extensions import db
from shop.regions.models import Pairing, Region


def active_slides() -> list[Slide]:
    """The slides shown, in their order."""
    return list(db.session.scalars(select(Slide).where(Slide.is_active.is_(True))
                                   .order_by(Slide.position, Slide.id)))


def all_slides() -> list[Slide]:
    """Every slide, shown or not, in their order (the staff page)."""
    return list(db.session.scalars(select(Slide).order_by(Slide.position, Slide.id)))


def all_shelves() -> list[Shelf]:
    """Every section with its picks, in their order (the staff page)."""
    return list(db.session.scalars(select(Shelf).order_by(Shelf.position, Shelf.id)))


@dataclass(frozen=True)
class ShelfRow:
    """A section as the home page shows it: its title and the cards of its products on sale."""

    shelf: Shelf
    cards: list[ProductCard]


def home_shelves() -> list[ShelfRow]:
    """The sections shown, each with the cards of its listed products in the picked order; sections left with no
    product on sale are left out. Two queries."""
    shelves = list(db.session.scalars(select(Shelf).where(Shelf.is_active.is_(True))
                                      .order_by(Shelf.position, Shelf.id)))
    if not shelves:
        return []
    # The picks drive, a few dozen rows: joined the other way round SQLite walked every listing to probe the picks
    # (0.7 s at 100,000 listings).
    items, products = ShelfItem.__table__, Product.__table__
    picked = listed_products().select_from(left_first(items, products, items.c.product_id == products.c.id)).where(
        ShelfItem.shelf_id.in_([shelf.id for shelf in shelves]))
    rows = db.session.execute(as_cards(picked).add_columns(ShelfItem.shelf_id.label("shelf_id"))
                              .order_by(ShelfItem.shelf_id, ShelfItem.position))
    cards: dict[int, list[ProductCard]] = {}
    for row in rows:
        cards.setdefault(row.shelf_id, []).append(card_of(row[:-1]))
    return [ShelfRow(shelf, cards[shelf.id]) for shelf in shelves if shelf.id in cards]


@dataclass(frozen=True)
class Helper:
    name: str
    current: bool  # the pairing is in force today


@dataclass(frozen=True)
class FeaturedCounty:
    """A paired county as the home page features it: its helper regions, products on sale and a picture."""

    code: str
    name: str
    province: str
    helpers: tuple[Helper, ...]
    product_count: int
    thumb: str | None  # the newest listed product's first photo

    @property
    def paired_now(self) -> bool:
        return any(helper.current for helper in self.helpers)


def featured_counties(today: date, limit: int) -> list[FeaturedCounty]:
    """Counties with a pairing: those paired today first, then by products on sale (kept briefly per process)."""
    return kept(("menus", "featured", today, limit), current_app.config["MENU_CACHE_SECONDS"],
                lambda: _featured(today, limit))


def _featured(today: date, limit: int) -> list[FeaturedCounty]:
    county, province, helper = aliased(Region), aliased(Region), aliased(Region)
    current = (Pairing.starts_on <= today) & or_(Pairing.ends_on.is_(None), Pairing.ends_on >= today)
    pairings = db.session.execute(
        select(Pairing.recipient_code, county.name, province.name, helper.name, current.label("current"))
        .join(county, county.code == Pairing.recipient_code).join(helper, helper.code == Pairing.helper_code)
        .outerjoin(province, province.code == county.province_code)
        .order_by(Pairing.recipient_code, Pairing.starts_on.desc())).all()
    listed = filtered_products(ProductFilters())
    counts = dict(db.session.execute(listed.with_only_columns(Product.origin_county_code, func.count())
                                     .group_by(Product.origin_county_code)).all())
    thumbs = _county_thumbs()
    found: dict[str, dict] = {}
    for code, name, province_name, helper_name, is_current in pairings:
        entry = found.setdefault(code, {"code": code, "name": name, "province": province_name or "", "helpers": []})
        entry["helpers"].append(Helper(helper_name, bool(is_current)))
    featured = [FeaturedCounty(**{**entry, "helpers": tuple(entry["helpers"])}, product_count=counts.get(code, 0),
                               thumb=thumbs.get(code)) for code, entry in found.items()]
    featured.sort(key=lambda item: (not item.paired_now, -item.product_count, item.code))
    return featured[:limit]


def _county_thumbs() -> dict[str, str]:
    """Each county's newest listed product's first photo thumbnail, by county code."""
    newest_first = func.row_number().over(partition_by=Product.origin_county_code,
                                          order_by=(Product.created_at.desc(), Product.id.desc(), Photo.position))
    ranked = (listed_products().join(Photo, Photo.product_id == Product.id)
              .with_only_columns(Product.origin_county_code, Photo.thumb_filename, newest_first.label("rank"))
              .subquery())
    return dict(db.session.execute(
        select(ranked.c.origin_county_code, ranked.c.thumb_filename).where(ranked.c.rank == 1)).all())

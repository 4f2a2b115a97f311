"""Read-side queries of the storefront: the visible catalogue, search, county and home page data."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import Select, Subquery, UnaryExpression, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from shop.catalog import search
from shop.catalog.models import Category, Photo, Product
from shop.catalog.pictures import PICTURE_COLUMNS, first_photo, picture_columns, picture_from
from shop.cooperatives.models import Cooperative, VerificationStatus
from shop.core.caching import kept
from shop.core.images import Picture
from shop.core.joins import left_first
from shop.extensions import db
from shop.regions.models import Pairing, Region
from shop.web.pagination import Page, Paging

SORTS: dict[str, tuple[UnaryExpression[Any], ...]] = {
    "newest": (Product.created_at.desc(), Product.id.desc()),
    "price_asc": (Product.price_fen.asc(), Product.id.asc()),
    "price_desc": (Product.price_fen.desc(), Product.id.desc()),
}
DEFAULT_SORT = "newest"


@dataclass(frozen=True)
class ProductFilters:
    """What a buyer can narrow the catalogue by; every field already validated."""

    q: str = ""
    category: str | None = None  # category slug
    province: str | None = None  # province code
    county: str | None = None  # county code
    helper: str | None = None  # helper region code (its own pairings and those of regions under it)
    cooperative: int | None = None
    in_stock: bool = False
    sort: str = DEFAULT_SORT


_VERIFIED_COOPERATIVES = select(Cooperative.id).where(Cooperative.status == VerificationStatus.VERIFIED)


def visible_products() -> Select:
    """Active products of verified cooperatives: what the store shows."""
    # IN rather than a join: SQLite then counts straight from ix_products_listing (twice as fast).
    return select(Product).where(
        Product.is_active == True, Product.cooperative_id.in_(_VERIFIED_COOPERATIVES))  # noqa: E712


@dataclass(frozen=True)
class ProductCard:
    """What a product card in a list shows, read as plain rows: one query for a whole page of cards."""

    id: int
    name: str
    spec: str
    price_fen: int
    stock: int
    certificate_type: str | None
    certificate_number: str | None
    county_name: str
    cooperative_name: str
    picture: Picture | None  # the first photo

    @property
    def in_stock(self) -> bool:
        return self.stock > 0


CARD_FIELDS = 9  # ProductCard's fields before its picture, read as the first columns of a card row


@functools.cache
def _card_parts():
    """The county alias and card columns, built once (on first use, when every model is mapped):
    constructing them per request was a measurable share of a catalogue page's time."""
    county = aliased(Region, name="card_county")
    columns = (
        Product.id, Product.name, Product.spec, Product.price_fen, Product.stock, Product.certificate_type,
        Product.certificate_number, county.name.label("county_name"),
        Cooperative.name.label("cooperative_name"), *picture_columns(first_photo()[0]),
    )
    return county, columns


def as_cards(stmt: Select) -> Select:
    """Narrow a visible_products() statement to the columns of ProductCard."""
    county, columns = _card_parts()
    return (
        stmt.join(Cooperative, Cooperative.id == Product.cooperative_id)
        .join(county, county.code == Product.origin_county_code)
        .outerjoin(*first_photo())
        .with_only_columns(*columns)
    )


def card_of(row) -> ProductCard:
    """The ProductCard of a row read through as_cards()."""
    return ProductCard(*row[:CARD_FIELDS], picture_from(row[CARD_FIELDS:]))  # type: ignore[call-arg]


def _helper_counties(helper_code: str) -> Select:
    """Counties paired with a helper region or with any region under it."""
    helpers = select(Region.code).where(
        or_(Region.code == helper_code,
            Region.prefecture_code == helper_code,
            Region.province_code == helper_code)
    )
    return select(Pairing.recipient_code).where(Pairing.helper_code.in_(helpers))


def listed_products(require_photo: bool | None = None) -> Select:
    """What the storefront's lists show: the visible catalogue, less listings without a photo when the
    REQUIRE_PHOTO setting is on (a product page stays reachable by its address, for carts and the cooperative).
    `require_photo` overrides the setting (for statements kept per setting)."""
    stmt = visible_products()
    if current_app.config["REQUIRE_PHOTO"] if require_photo is None else require_photo:
        stmt = stmt.where(Product.photos.any())
    return stmt


def filtered_products(filters: ProductFilters, require_photo: bool | None = None) -> Select:
    """The listed catalogue narrowed by `filters`, unsorted (`require_photo` as for listed_products)."""
    stmt = listed_products(require_photo)
    if filters.q:
        stmt = search.matching(stmt, filters.q.lower())
    if filters.category:
        # The category's id as a value, not EXISTS per product: SQLite then reads the category's index (counting
        # a category of 100,000 listings took 36 ms through the listing index, 1.6 ms through its own).
        category_id = select(Category.id).where(Category.slug == filters.category).scalar_subquery()
        stmt = stmt.where(Product.category_id == category_id)
    if filters.county:
        stmt = stmt.where(Product.origin_county_code == filters.county)
    if filters.province:
        in_province = select(Region.code).where(Region.province_code == filters.province)
        stmt = stmt.where(Product.origin_county_code.in_(in_province))
    if filters.helper:
        stmt = stmt.where(Product.origin_county_code.in_(_helper_counties(filters.helper)))
    if filters.cooperative:
        stmt = stmt.where(Product.cooperative_id == filters.cooperative)
    if filters.in_stock:
        stmt = stmt.where(Product.stock > 0)
    return stmt


def search_products(filters: ProductFilters, page: int, per_page: int) -> Page:
    """One page of cards of the filtered catalogue and its count, in one statement. The count stops at
    CATALOGUE_COUNT_UP_TO matches (past that the list says "1,000+"), a search's at SEARCH_COUNT_UP_TO ("100+"), so
    it does not read the whole catalogue."""
    config = current_app.config
    count_up_to = config["CATALOGUE_COUNT_UP_TO"]
    if filters.q:
        # Counting a search looks each match's product up (visibility and the substring check), so it reads as many
        # products as it counts: a smaller bound keeps that cost flat as the catalogue grows.
        count_up_to = min(count_up_to, config["SEARCH_COUNT_UP_TO"])
    return _catalogue_paging(filters, config["REQUIRE_PHOTO"], count_up_to).page(page, per_page)


@functools.lru_cache(maxsize=256)
def _catalogue_paging(filters: ProductFilters, require_photo: bool, count_up_to: int) -> Paging:
    """search_products()' statements for one set of filters and settings, built once (see Paging: building them
    was a tenth of a catalogue page); the 256 used last are kept, so varied searches cannot grow the store."""
    stmt = filtered_products(filters, require_photo)
    order = SORTS[filters.sort]
    if filters.q:
        order = search.in_term_order(filters.q.lower(), filters.sort) or order  # read in order off the search index
    keys = stmt.with_only_columns(Product.id, maintain_column_froms=True).order_by(*order)

    def cards_of(page_keys: Subquery) -> Select:
        # The page's 24 products drive; their details are joined to them alone, whatever the page's depth.
        page = left_first(page_keys, Product.__table__, page_keys.c.id == Product.id)
        return as_cards(select(Product).select_from(page)).order_by(*SORTS[filters.sort])

    return Paging.of(keys, rows_of_keys=cards_of, row=card_of, count_up_to=count_up_to)


def get_visible_product(product_id: int) -> Product | None:
    """A product the store shows, with its photos, county, cooperative and category; None otherwise. The three
    it has one of each come in the same statement (joined), the photos in a second."""
    stmt = visible_products().where(Product.id == product_id).options(
        selectinload(Product.photos), joinedload(Product.origin_county), joinedload(Product.cooperative),
        joinedload(Product.category))
    return db.session.scalar(stmt)


def newest_products(limit: int) -> list[ProductCard]:
    """The latest listings that are in stock, for the home page."""
    stmt = as_cards(filtered_products(ProductFilters(in_stock=True)).order_by(*SORTS["newest"]))
    return [card_of(row) for row in db.session.execute(stmt.limit(limit))]


def categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))


def pairings_of(county_code: str) -> list[Pairing]:
    """A county's pairings, newest first."""
    stmt = select(Pairing).where(Pairing.recipient_code == county_code).order_by(Pairing.starts_on.desc())
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class PairedCounty:
    county: Region
    pairings: list[Pairing]
    product_count: int

    def current_pairings(self, today: date) -> list[Pairing]:
        return [p for p in self.pairings if p.is_valid_on(today)]


def paired_counties() -> list[PairedCounty]:
    """Every county with a pairing, its pairings and how many products it has on sale."""
    pairings = list(db.session.scalars(
        select(Pairing).order_by(Pairing.recipient_code, Pairing.starts_on.desc())
    ))
    counts_stmt = (
        filtered_products(ProductFilters())
        .with_only_columns(Product.origin_county_code, func.count())
        .group_by(Product.origin_county_code)
    )
    counts = {code: n for code, n in db.session.execute(counts_stmt)}
    by_county: dict[str, list[Pairing]] = {}
    for pairing in pairings:
        by_county.setdefault(pairing.recipient_code, []).append(pairing)
    return [
        PairedCounty(county=ps[0].recipient, pairings=ps, product_count=counts.get(code, 0))
        for code, ps in by_county.items()
    ]


@dataclass(frozen=True)
class CategoryChoice:
    """A category as the menus show it (plain values, safe to keep between requests)."""

    id: int
    slug: str
    name_zh: str
    name_en: str

    @property
    def name(self) -> str:
        locale = get_locale()
        return self.name_en if locale is not None and locale.language == "en" else self.name_zh


def _kept(key: str, compute):
    """`compute()` kept for MENU_CACHE_SECONDS in this process: the menus change rarely, and a new category
    or county showing up a minute late is fine, while reading them costs a fifth of a catalogue page."""
    return kept(("menus", key), current_app.config["MENU_CACHE_SECONDS"], compute)


def menu_categories() -> list[CategoryChoice]:
    """The categories for menus (kept briefly per process)."""
    return _kept("categories", lambda: [CategoryChoice(c.id, c.slug, c.name_zh, c.name_en) for c in categories()])


@dataclass(frozen=True)
class CategoryTile:
    """A category on the category page: how many listings it has and a picture from its newest one."""

    category: CategoryChoice
    count: int
    picture: Picture | None


def category_tiles() -> list[CategoryTile]:
    """Every category with its count of listed products and a thumbnail (kept briefly per process)."""
    return _kept("tiles", _category_tiles)


def _category_tiles() -> list[CategoryTile]:
    listed = listed_products()
    counts = dict(db.session.execute(
        listed.with_only_columns(Product.category_id, func.count()).group_by(Product.category_id)).all())
    newest_first = func.row_number().over(partition_by=Product.category_id,
                                          order_by=(Product.created_at.desc(), Product.id.desc(), Photo.position))
    ranked = (listed.join(Photo, Photo.product_id == Product.id)
              .with_only_columns(Product.category_id, *picture_columns(Photo), newest_first.label("rank")).subquery())
    pictures = {row[0]: picture_from(row[1:]) for row in db.session.execute(
        select(ranked.c.category_id, *(ranked.c[f"picture_{name}"] for name in PICTURE_COLUMNS))
        .where(ranked.c.rank == 1))}
    return [CategoryTile(choice, counts.get(choice.id, 0), pictures.get(choice.id)) for choice in menu_categories()]


def filter_choices() -> dict[str, list]:
    """Provinces, counties and helper regions that appear in pairings, as rows with .code and .name,
    for the catalogue's filter menus (one query, kept briefly per process)."""
    return _kept("filters", _filter_choices)


def _filter_choices() -> dict[str, list]:
    counties = select(Pairing.recipient_code)
    helpers = select(Pairing.helper_code)
    provinces = select(Region.province_code).where(Region.code.in_(counties))
    rows = db.session.execute(
        select(Region.code, Region.name, Region.code.in_(counties).label("is_county"),
               Region.code.in_(helpers).label("is_helper"), Region.code.in_(provinces).label("is_province"))
        .where(or_(Region.code.in_(counties), Region.code.in_(helpers), Region.code.in_(provinces)))
        .order_by(Region.code)
    ).all()
    return {"provinces": [r for r in rows if r.is_province], "counties": [r for r in rows if r.is_county],
            "helpers": [r for r in rows if r.is_helper]}


def get_county(code: str) -> Region | None:
    """A county-level region by code; None for unknown codes and for provinces or prefectures."""
    region = db.session.get(Region, code)
    return region if region is not None and region.is_county else None


# -- a cooperative's own listings (the portal) -------------------------------------------------------------------------

class OwnListing(NamedTuple):
    """A row of the cooperative's listings page."""

    product: Product
    photos: int
    picture: Picture | None


def own_products(cooperative_id: int, archived: bool = False) -> list[OwnListing]:
    """The cooperative's listings (active, or archived), newest first, with their photo counts and first
    photos: rows of (product, photos, picture)."""
    photos = (select(Photo.product_id, func.count().label("photos")).group_by(Photo.product_id).subquery())
    first, first_on = first_photo()
    rows = db.session.execute(
        select(Product, func.coalesce(photos.c.photos, 0).label("photos"), *picture_columns(first))
        .outerjoin(photos, photos.c.product_id == Product.id).outerjoin(first, first_on)
        .where(Product.cooperative_id == cooperative_id, Product.is_active.is_(not archived))
        .order_by(Product.id.desc()))
    return [OwnListing(row[0], row[1], picture_from(row[2:])) for row in rows]


def own_product(cooperative_id: int, product_id: int) -> Product | None:
    """One of the cooperative's listings; None for another cooperative's product, so the portal says 404."""
    return db.session.scalar(select(Product).where(Product.id == product_id,
                                                   Product.cooperative_id == cooperative_id))


def low_stock(cooperative_id: int, at_most: int, limit: int = 20) -> list[Product]:
    """The cooperative's listings on sale with `at_most` units in stock or fewer, the emptiest first."""
    return list(db.session.scalars(
        select(Product).where(Product.cooperative_id == cooperative_id, Product.is_active.is_(True),
                              Product.stock <= at_most)
        .order_by(Product.stock, Product.id).limit(limit)))


def without_photos(cooperative_id: int) -> list[Product]:
    """The cooperative's listings on sale that have no photo yet, newest first."""
    return list(db.session.scalars(
        select(Product).where(Product.cooperative_id == cooperative_id, Product.is_active.is_(True),
                              ~select(Photo.id).where(Photo.product_id == Product.id).exists())
        .order_by(Product.id.desc())))

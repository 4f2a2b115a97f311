"""Read-side queries of the storefront: the visible catalogue, search, county and home page data."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from shop.catalog.models import Category, Product
from shop.cooperatives.models import Cooperative, VerificationStatus
from shop.extensions import db
from shop.pagination import Page, paginate
from shop.regions.models import Pairing, Region

SORTS = {
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


def visible_products() -> Select:
    """Active products of verified cooperatives: what the store shows."""
    return (
        select(Product)
        .join(Cooperative, Product.cooperative_id == Cooperative.id)
        .where(Product.is_active.is_(True), Cooperative.status == VerificationStatus.VERIFIED)
    )


def _with_display_data(stmt: Select) -> Select:
    """Load what a product card shows in a fixed number of queries, however many cards."""
    return stmt.options(
        selectinload(Product.photos),
        selectinload(Product.origin_county),
        selectinload(Product.cooperative),
    )


def _helper_counties(helper_code: str) -> Select:
    """Counties paired with a helper region or with any region under it."""
    helpers = select(Region.code).where(
        or_(Region.code == helper_code,
            Region.prefecture_code == helper_code,
            Region.province_code == helper_code)
    )
    return select(Pairing.recipient_code).where(Pairing.helper_code.in_(helpers))


def filtered_products(filters: ProductFilters) -> Select:
    """The visible catalogue narrowed by `filters`, unsorted."""
    stmt = visible_products()
    if filters.q:
        stmt = stmt.where(
            or_(Product.name.icontains(filters.q, autoescape=True),
                Product.spec.icontains(filters.q, autoescape=True))
        )
    if filters.category:
        stmt = stmt.where(Product.category.has(Category.slug == filters.category))
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
    """One page of the filtered catalogue and the total count: three queries plus the card loaders."""
    ordered = _with_display_data(filtered_products(filters).order_by(*SORTS[filters.sort]))
    return paginate(ordered, page, per_page)


def get_visible_product(product_id: int) -> Product | None:
    """A product the store shows, with its photos, county and cooperative; None otherwise."""
    stmt = _with_display_data(visible_products().where(Product.id == product_id))
    return db.session.scalar(stmt)


def newest_products(limit: int) -> list[Product]:
    """The latest listings that are in stock, for the home page."""
    stmt = _with_display_data(filtered_products(ProductFilters(in_stock=True)).order_by(*SORTS["newest"]))
    return list(db.session.scalars(stmt.limit(limit)))


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


def filter_choices() -> dict[str, list[Region]]:
    """Provinces, counties and helper regions that appear in pairings, for the catalogue's filter menus."""
    counties = list(db.session.scalars(
        select(Region).where(Region.code.in_(select(Pairing.recipient_code))).order_by(Region.code)
    ))
    provinces = list(db.session.scalars(
        select(Region).where(Region.code.in_({c.province_code for c in counties})).order_by(Region.code)
    ))
    helpers = list(db.session.scalars(
        select(Region).where(Region.code.in_(select(Pairing.helper_code))).order_by(Region.code)
    ))
    return {"provinces": provinces, "counties": counties, "helpers": helpers}


def get_county(code: str) -> Region | None:
    """A county-level region by code; None for unknown codes and for provinces or prefectures."""
    region = db.session.get(Region, code)
    return region if region is not None and region.is_county else None

"""Category, Product and Photo."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import get_locale
from sqlalchemy import CheckConstraint, Computed, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.cooperatives.models import Cooperative
from shop.core.database import UTCDateTime, utcnow
from shop.core.images import Picture, variant_names
from shop.extensions import Model
from shop.regions.models import Region


class Category(Model):
    """A product category, named in Chinese and English."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Category {self.slug}>"

    @property
    def name(self) -> str:
        """The name in the request's language."""
        locale = get_locale()
        return self.name_en if locale is not None and locale.language == "en" else self.name_zh


class Product(Model):
    """A listing of one cooperative: what it is, where it grows, how it is sold and at what price."""

    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "sku"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("price_fen > 0", name="price_positive"),
        CheckConstraint("net_weight_g > 0", name="net_weight_positive"),
        # The catalogue lists active products newest first or by price; these keep each sort an index scan.
        Index("ix_products_active_created", "is_active", "created_at", "id"),
        Index("ix_products_active_price", "is_active", "price_fen", "id"),
        # Covers the catalogue's count and its search, so neither reads the wide table rows.
        Index("ix_products_listing", "is_active", "cooperative_id", "search_text"),
        # A county's or a category's listings newest first, and their count read off the index alone (the
        # cooperative's id is there for its verified check): a filtered list never reads table rows to count.
        Index("ix_products_county_listing", "origin_county_code", "is_active", "created_at", "id", "cooperative_id"),
        Index("ix_products_category_listing", "category_id", "is_active", "created_at", "id", "cooperative_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperatives.id"), index=True)
    origin_county_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))  # indexed: county listing
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))  # indexed: category listing
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(16))  # 箱, 袋, 罐 ...
    spec: Mapped[str] = mapped_column(String(64))  # "5 kg/箱"
    # What the search box matches: kept by the database itself, on SQLite and PostgreSQL alike.
    search_text: Mapped[str] = mapped_column(String(200), Computed("lower(name || ' ' || spec)", persisted=True))
    net_weight_g: Mapped[int]
    price_fen: Mapped[int]
    stock: Mapped[int] = mapped_column(default=0)
    certificate_type: Mapped[str | None] = mapped_column(String(40))
    certificate_number: Mapped[str | None] = mapped_column(String(64))
    certificate_issuer: Mapped[str | None] = mapped_column(String(120))
    certificate_valid_until: Mapped[date | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    cooperative: Mapped[Cooperative] = relationship()
    origin_county: Mapped[Region] = relationship()
    category: Mapped[Category] = relationship()
    photos: Mapped[list[Photo]] = relationship(
        back_populates="product", order_by="Photo.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Product {self.id} {self.sku}>"

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    @property
    def main_photo(self) -> Photo | None:
        return self.photos[0] if self.photos else None

    def certificate_valid_on(self, day: date) -> bool:
        """Whether the product has a certificate in force on `day`."""
        if not self.certificate_number:
            return False
        return self.certificate_valid_until is None or self.certificate_valid_until >= day


class Photo(Model):
    """A product photo, stored re-encoded under server-generated file names."""

    __tablename__ = "photos"
    __table_args__ = (Index("ix_photos_product_position", "product_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    filename: Mapped[str] = mapped_column(String(64), unique=True)
    thumb_filename: Mapped[str] = mapped_column(String(64), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    # A WebP beside each JPEG (same stem); photos stored before WebPs were made have none until back-filled.
    webp: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    product: Mapped[Product] = relationship(back_populates="photos")

    @property
    def picture(self) -> Picture:
        """Its variants' names and widths, for a <picture>."""
        return Picture(self.filename, self.thumb_filename, self.width, self.height, self.webp)

    @property
    def file_names(self) -> tuple[str, ...]:
        """Every stored file of this photo."""
        return variant_names(self.filename, self.thumb_filename, self.webp)


class SearchTerm(Model):
    """A one- or two-character piece of a product's search text: the index behind catalogue search,
    kept by shop/catalog/search.py.

    Derived data, rebuilt at will (`flask --app wsgi reindex-search`), so product_id carries no foreign key:
    a bulk import writes some thirty terms per product, and PostgreSQL would check the key for each one.
    Searches join the products, so terms of a deleted product could never show; search.py drops them.

    Each term carries its product's created_at: ix_product_search_terms_newest (term, created_at, product id) lets a
    search sorted newest first walk its first term's entries in that order and stop once it has a page, so its cost
    does not grow with the number of matches. The key stays (term, product id): a query's other terms are looked up
    by it, and PostgreSQL counts a search's matches by reading the term's entries in product order (with the time
    in the key it hashed every listing instead: 100,000 rows read to count 1,001).

    Each term carries its product's price as well, for the same reason: ix_product_search_terms_price (term, price,
    product id) lets a search sorted by price (either way) walk its first term's entries in that order and stop at
    its page, where it sorted every match (6,252 for 红枣 at 100,000 listings: 35 ms on SQLite, growing with the
    catalogue). search.py gives a product's terms its new price when the price changes, in the same transaction."""

    __tablename__ = "product_search_terms"
    __table_args__ = (Index("ix_product_search_terms_product", "product_id"),
                      Index("ix_product_search_terms_newest", "term", "created_at", "product_id"),
                      Index("ix_product_search_terms_price", "term", "price_fen", "product_id"),
                      {"sqlite_with_rowid": False})

    term: Mapped[str] = mapped_column(String(2), primary_key=True)
    product_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the product's
    price_fen: Mapped[int]  # the product's

"""What staff put on the home page: banner slides, and sections of products they picked (年货节, 当季新品 …)."""
from __future__ import annotations

from datetime import datetime

from flask_babel import get_locale
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.core.database import UTCDateTime, utcnow
from shop.extensions import Model


def _in_locale(zh: str, en: str | None) -> str:
    """The English text on English pages when there is one, else the Chinese."""
    locale = get_locale()
    return en if en and locale is not None and locale.language == "en" else zh


class Slide(Model):
    """A banner slide: a picture (stored like product photos), a title, where it leads, its place and whether shown."""

    __tablename__ = "home_slides"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(60))
    title_en: Mapped[str | None] = mapped_column(String(80))
    link: Mapped[str] = mapped_column(String(300))  # a site-relative path or an https URL (checked by the service)
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    filename: Mapped[str] = mapped_column(String(64), unique=True)
    thumb_filename: Mapped[str] = mapped_column(String(64), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def display_title(self) -> str:
        """The title in the request's language."""
        return _in_locale(self.title, self.title_en)


class Shelf(Model):
    """A named section of staff-picked products on the home page, shown as a row of cards."""

    __tablename__ = "home_shelves"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(40))
    title_en: Mapped[str | None] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    items: Mapped[list[ShelfItem]] = relationship(order_by="ShelfItem.position", cascade="all, delete-orphan")

    @property
    def display_title(self) -> str:
        """The title in the request's language."""
        return _in_locale(self.title, self.title_en)


class ShelfItem(Model):
    """A product in a section, at its place in the row."""

    __tablename__ = "home_shelf_products"
    __table_args__ = (UniqueConstraint("shelf_id", "product_id"), CheckConstraint("position >= 0", name="position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    shelf_id: Mapped[int] = mapped_column(ForeignKey("home_shelves.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)

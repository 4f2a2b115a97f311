"""The demo home page: three banner slides pieced together from the demo product photos (no words drawn in them)
and two sections of picked products."""
from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import select

from shop.catalog.models import Product
from shop.catalog.showcase_models import Shelf, ShelfItem, Slide
from shop.core.images import store_image
from shop.core.storage import media_store
from shop.extensions import db

IMAGES = Path(__file__).parent / "images"
BANNER = (1200, 480)
# (title, English title, link, the three demo photos side by side)
SLIDES = [
    ("年货节 · 把帮扶好物带回家", "New Year goods from the counties we help", "/products?q=礼盒",
     ("kp-hz-5", "tz-cy-gift", "cj-xz-500")),
    ("当季新品 · 产地直发", "In season, shipped from the farm", "/products?sort=newest",
     ("cj-pg-5", "rj-qc-5", "ql-lc-250")),
    ("看看您的每一单帮到了谁", "See whom every order helps", "/impact",
     ("ws-ht-25", "wsu-dm-5", "cj-xhn-25")),
]
# (title, English title, SKUs in the order shown)
SHELVES = [
    ("年货节", "New Year goods", ("TZ-CY-GIFT", "KP-TN-BOX", "KP-HZ-5", "CJ-XZ-500", "LT-MNRG-250", "WS-HT-25")),
    ("当季新品", "Just in season", ("CJ-PG-5", "RJ-QC-5", "RJ-BXG-3", "QL-LC-250", "WM-BL-25", "WC-FM-500")),
]


def banner_picture(stems: tuple[str, ...]) -> bytes:
    """A wide JPEG of the demo photos `stems`, side by side, each cropped to its middle."""
    from PIL import Image  # only the demo draws pictures in the app's own process

    width, height = BANNER
    tile = width // len(stems)
    canvas = Image.new("RGB", BANNER, (246, 243, 238))
    for index, stem in enumerate(stems):
        with Image.open(IMAGES / f"{stem}.jpg") as photo:
            square = photo.convert("RGB").resize((height, height), Image.Resampling.LANCZOS)
        left = (height - tile) // 2
        canvas.paste(square.crop((left, 0, left + tile, height)), (index * tile, 0))
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=85)
    return out.getvalue()


def seed_demo_showcase(written_files: list[str]) -> int:
    """Add the demo slides and sections unless the home page has some already; returns how many were added."""
    added = 0
    if db.session.scalar(select(Slide.id).limit(1)) is None:
        for position, (title, title_en, link, stems) in enumerate(SLIDES):
            stored = store_image(banner_picture(stems), media_store())
            written_files += [stored.filename, stored.thumb_filename]
            db.session.add(Slide(title=title, title_en=title_en, link=link, position=position,
                                 filename=stored.filename, thumb_filename=stored.thumb_filename,
                                 width=stored.width, height=stored.height))
            added += 1
    if db.session.scalar(select(Shelf.id).limit(1)) is None:
        ids = dict(db.session.execute(select(Product.sku, Product.id)).all())
        for position, (title, title_en, skus) in enumerate(SHELVES):
            items = [ShelfItem(product_id=ids[sku], position=n) for n, sku in enumerate(skus) if sku in ids]
            db.session.add(Shelf(title=title, title_en=title_en, position=position, items=items))
            added += 1
    return added

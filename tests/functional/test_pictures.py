"""Photos drawn as <picture>: a WebP <source> and a JPEG <img>, both with srcset and sizes, the <img> sized and lazy
below the fold, on cards, the gallery, the cart, orders, category tiles and the cooperative's listings; photos from
before WebP drawn from their JPEGs; the placeholder wherever a listing has no photo."""
import re

import pytest

from shop.catalog.models import Photo, Product
from shop.cooperatives.models import Cooperative
from shop.extensions import db
from shop.orders import lifecycle
from tests.factories import add_to_cooperative, make_user
from tests.order_factories import make_order
from tests.web import english, login, post

PICTURE_RE = re.compile(r"<picture>.*?</picture>", re.S)


def add_photo(app, product_id: int, stem: str, position: int = 0, webp: bool = True, size=(1200, 900)) -> None:
    """A photo row (the pages only need its names and size)."""
    with app.app_context():
        db.session.add(Photo(product_id=product_id, filename=f"{stem}.jpg", thumb_filename=f"{stem}-t.jpg",
                             width=size[0], height=size[1], position=position, webp=webp))
        db.session.commit()


def pictures_of(html: str, stem: str) -> list[str]:
    return [block for block in PICTURE_RE.findall(html) if f"/media/{stem}" in block]


def thumb_picture(stem: str, sizes: str, lazy: bool = True) -> str:
    """The markup a 1200 × 900 photo with WebPs gets when drawn from its thumbnail."""
    return (f'<picture><source type="image/webp" srcset="/media/{stem}-t.webp 480w, /media/{stem}.webp 1200w" '
            f'sizes="{sizes}"><img src="/media/{stem}-t.jpg" srcset="/media/{stem}-t.jpg 480w, /media/{stem}.jpg '
            f'1200w" sizes="{sizes}" width="480" height="360" alt=""' + (' loading="lazy"' if lazy else '')
            + ' decoding="async"></picture>')


CARD_SIZES = "(min-width: 960px) 290px, (min-width: 640px) 33vw, 50vw"


@pytest.mark.parametrize("url", ["/", "/products", "/products?q=%E7%BA%A2%E6%9E%A3", "/counties/652929",
                                 "cooperative"])
def test_product_cards_offer_webp_and_jpeg_in_two_widths(app, client, catalog, url):
    add_photo(app, catalog.jujube, "jj")
    url = f"/cooperatives/{catalog.keping_coop}" if url == "cooperative" else url
    cards = pictures_of(client.get(url).get_data(as_text=True), "jj")
    assert cards == [thumb_picture("jj", CARD_SIZES).replace('alt=""', 'alt="新疆柯坪红枣"')]


def test_a_photo_stored_before_webp_is_drawn_from_its_jpegs(app, client, catalog):
    add_photo(app, catalog.jujube, "old", webp=False, size=(800, 600))
    html = client.get("/products").get_data(as_text=True)
    [card] = pictures_of(html, "old")
    assert "<source" not in card and ".webp" not in card
    assert 'src="/media/old-t.jpg" srcset="/media/old-t.jpg 480w, /media/old.jpg 800w"' in card
    assert 'width="480" height="360"' in card and 'loading="lazy"' in card


def test_the_gallery_starts_from_the_large_size_and_loads_only_the_first_slide_at_once(app, client, catalog):
    add_photo(app, catalog.jujube, "g1")
    add_photo(app, catalog.jujube, "g2", position=1, size=(900, 1200))
    html = client.get(f"/products/{catalog.jujube}").get_data(as_text=True)
    slides = re.findall(r'<figure class="slide"[^>]*>\s*(<picture>.*?</picture>)', html, re.S)
    assert len(slides) == 2
    first, second = slides
    assert '<source type="image/webp" srcset="/media/g1-t.webp 480w, /media/g1.webp 1200w" ' \
           'sizes="(min-width: 768px) 560px, 100vw">' in first
    assert 'src="/media/g1.jpg"' in first and 'width="1200" height="900"' in first and "loading" not in first
    assert 'src="/media/g2.jpg"' in second and 'width="900" height="1200"' in second
    assert 'loading="lazy"' in second and "/media/g2-t.webp 360w, /media/g2.webp 900w" in second
    thumbs = re.search(r'<ol class="gallery-thumbs">.*?</ol>', html, re.S).group(0)
    assert thumbs.count("<picture>") == 2 and thumbs.count('sizes="72px"') == 4
    assert thumbs.count('loading="lazy"') == 2


def test_category_tiles_draw_their_picture_at_once_above_the_fold(app, client, catalog):
    add_photo(app, catalog.jujube, "tile")
    [tile] = pictures_of(client.get("/categories").get_data(as_text=True), "tile")
    assert tile == thumb_picture("tile", "(min-width: 960px) 190px, (min-width: 640px) 25vw, 33vw", lazy=False)


def test_the_cart_and_the_orders_show_pictures_and_the_placeholder(app, client, catalog):
    add_photo(app, catalog.jujube, "jc")
    with app.app_context():
        buyer = make_user(email="pictures@example.cn")
        order = make_order(buyer, (db.session.get(Product, catalog.jujube), 1),
                           (db.session.get(Product, catalog.bacon), 1))
        lifecycle.mark_paid(order.id)
        number = order.number
    login(client, "pictures@example.cn")
    post(client, "/cart/add", {"product_id": catalog.jujube, "quantity": 1})
    post(client, "/cart/add", {"product_id": catalog.bacon, "quantity": 1})
    pages = {"/cart": "88px", "/orders": "64px", f"/orders/{number}": "64px"}
    for url, sizes in pages.items():
        html = client.get(url).get_data(as_text=True)
        [picture] = pictures_of(html, "jc")
        expected = thumb_picture("jc", sizes)
        assert picture == (expected.replace('alt=""', 'alt="新疆柯坪红枣"') if url == "/orders" else expected), url
        assert html.count('class="no-photo small"') == 1 and "暂无图片" in html, url  # the bacon has no photo
    assert "No photo yet" in english(client).get("/cart").get_data(as_text=True)


def test_the_cooperative_sees_its_listings_pictures_and_which_have_none(app, client, catalog):
    add_photo(app, catalog.jujube, "cp")
    with app.app_context():
        add_to_cooperative(make_user(email="kp-pictures@example.cn"), db.session.get(Cooperative, catalog.keping_coop))
    login(client, "kp-pictures@example.cn")
    listings = client.get("/coop/products").get_data(as_text=True)
    assert pictures_of(listings, "cp") == [thumb_picture("cp", "56px")]
    assert listings.count('class="needs-photo"') == 1 and listings.count('class="no-photo small"') == 1
    form = client.get(f"/coop/products/{catalog.jujube}").get_data(as_text=True)
    assert pictures_of(form, "cp") == [thumb_picture("cp", "120px")]

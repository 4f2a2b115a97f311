"""The phone-first storefront through the test client: photos and their placeholder, REQUIRE_PHOTO, the category
page, the cart grouped by cooperative, order tabs with counts and parcels per cooperative, the cart badge."""
import re
from datetime import timedelta

import pytest

from shop.catalog.models import Photo, Product
from shop.cooperatives.models import Cooperative
from shop.extensions import db
from shop.orders import lifecycle
from tests.factories import add_to_cooperative, make_product, make_user
from tests.order_factories import make_order
from tests.web import english, login, post

IMG_RE = re.compile(r"<img\b[^>]*>")


def add_photo(app, product_id: int, stem: str, position: int = 0) -> str:
    """A photo row for a product (the page only needs its names); returns the thumbnail's name."""
    with app.app_context():
        db.session.add(Photo(product_id=product_id, filename=f"{stem}.jpg", thumb_filename=f"{stem}-t.jpg",
                             width=800, height=600, position=position))
        db.session.commit()
    return f"{stem}-t.jpg"


def card_names(html: str) -> list[str]:
    return re.findall(r'<h3 class="product-name">([^<]+)</h3>', html)


@pytest.fixture
def require_photo(app, monkeypatch):
    monkeypatch.setitem(app.config, "REQUIRE_PHOTO", True)


def test_a_listing_without_a_photo_shows_the_designed_placeholder(client, catalog):
    html = client.get("/products").get_data(as_text=True)
    assert html.count('class="no-photo"') == len(card_names(html)) == 3
    assert "暂无图片" in html
    assert 'class="no-photo large"' in client.get(f"/products/{catalog.bacon}").get_data(as_text=True)
    assert "No photo yet" in english(client).get("/products").get_data(as_text=True)


def test_require_photo_keeps_photoless_listings_out_of_every_list(app, client, catalog, require_photo):
    add_photo(app, catalog.jujube, "jujube")
    pages = ["/", "/products", "/products?q=%E7%BA%A2%E6%9E%A3", "/counties/652929",
             f"/cooperatives/{catalog.keping_coop}", "/products?category=meat", "/counties/522633"]
    listed = {url: card_names(client.get(url).get_data(as_text=True)) for url in pages}
    assert listed["/"] == listed["/products"] == listed["/counties/652929"] == ["新疆柯坪红枣"]
    assert listed["/products?q=%E7%BA%A2%E6%9E%A3"] == listed[f"/cooperatives/{catalog.keping_coop}"] == ["新疆柯坪红枣"]
    assert listed["/products?category=meat"] == listed["/counties/522633"] == []
    assert "1 件商品" in client.get("/categories").get_data(as_text=True)
    # The product page stays reachable by its address (a cart or a cooperative's preview may hold it).
    assert client.get(f"/products/{catalog.bacon}").status_code == 200
    add_photo(app, catalog.bacon, "bacon")  # a photo added: the listing is back
    assert "从江香猪腊肉" in card_names(client.get("/products?category=meat").get_data(as_text=True))


def test_without_require_photo_photoless_listings_are_listed(app, client, catalog, monkeypatch):
    monkeypatch.setitem(app.config, "REQUIRE_PHOTO", False)
    assert sorted(card_names(client.get("/products").get_data(as_text=True))) == \
        sorted(["新疆柯坪红枣", "柯坪骆驼奶粉", "从江香猪腊肉"])


def test_product_images_are_lazy_and_sized(app, client, catalog):
    add_photo(app, catalog.jujube, "j1")
    add_photo(app, catalog.jujube, "j2", position=1)
    add_photo(app, catalog.bacon, "b1")
    for url in ["/", "/products", "/categories", "/counties/652929"]:
        images = [tag for tag in IMG_RE.findall(client.get(url).get_data(as_text=True)) if "/media/" in tag]
        assert images, url
        for tag in images:
            assert 'width="' in tag and 'height="' in tag, (url, tag)
        assert all('loading="lazy"' in tag for tag in images) or url == "/categories", url
    product = client.get(f"/products/{catalog.jujube}").get_data(as_text=True)
    gallery = [tag for tag in IMG_RE.findall(product) if "/media/" in tag]
    assert [re.search(r'src="/media/([^"]+)"', tag).group(1) for tag in gallery] == \
        ["j1.jpg", "j2.jpg", "j1-t.jpg", "j2-t.jpg"]  # two slides, then their thumbnails
    assert 'loading="lazy"' not in gallery[0] and all('loading="lazy"' in tag for tag in gallery[1:])
    assert 'width="800" height="600"' in gallery[0]
    assert 'href="#photo-2"' in product and 'id="photo-2"' in product  # thumbnails work without script


def test_the_stock_line_is_said_once_next_to_the_stepper(client, catalog):
    html = client.get(f"/products/{catalog.jujube}").get_data(as_text=True)
    assert html.count("库存 10") == 1
    assert re.search(r'<input id="quantity" type="number" name="quantity" value="1" min="1" max="10"', html)
    assert "data-stepper" in html and 'src="/static/js/shop.js" defer' in html


def test_photos_are_cached_for_a_year_as_immutable(app, client):
    from shop.core.images import store_image
    from tests.unit.test_images import image_bytes

    stored = store_image(image_bytes(), app.config["UPLOAD_FOLDER"])
    cache = client.get(f"/media/{stored.filename}").headers["Cache-Control"]
    assert "public" in cache and "max-age=31536000" in cache and "immutable" in cache


def test_the_category_page_shows_each_category_with_a_picture_and_a_count(app, client, catalog):
    thumb = add_photo(app, catalog.jujube, "jujube")
    html = client.get("/categories").get_data(as_text=True)
    tiles = re.findall(r'<a class="card category-tile[^"]*" href="([^"]+)">(.*?)</a>', html, re.S)
    by_link = {href: body for href, body in tiles}
    assert set(by_link) == {"/products?category=nuts-dried-fruit", "/products?category=dairy",
                            "/products?category=meat", "/products"}
    assert f'src="/media/{thumb}"' in by_link["/products?category=nuts-dried-fruit"]
    assert "干果坚果" in by_link["/products?category=nuts-dried-fruit"] and "1 件商品" in by_link[
        "/products?category=nuts-dried-fruit"]
    assert "暂无图片" in by_link["/products?category=meat"]  # no listing with a photo in it yet
    assert "3 件商品" in by_link["/products"]
    assert 'href="/products?county=652929"' in html and 'href="/products?county=522633"' in html
    assert "Nuts &amp; dried fruit" in english(client).get("/categories").get_data(as_text=True)


@pytest.fixture
def two_cooperatives(app, catalog):
    """A second 柯坪 product, so the cart holds two lines of one cooperative and one of another."""
    with app.app_context():
        keping = db.session.get(Product, catalog.jujube).cooperative
        walnut = make_product(keping, name="柯坪核桃", price_fen=3000, stock=9, age=timedelta(days=4))
        return walnut.id


def test_the_cart_groups_lines_by_cooperative_with_subtotals_and_a_badge(app, client, catalog, two_cooperatives):
    post(client, "/cart/add", {"product_id": catalog.bacon, "quantity": 1})
    post(client, "/cart/add", {"product_id": catalog.jujube, "quantity": 2})
    post(client, "/cart/add", {"product_id": two_cooperatives, "quantity": 1})
    html = client.get("/cart").get_data(as_text=True)
    groups = re.findall(r'<section class="card cart-group".*?</section>', html, re.S)
    assert len(groups) == 2 and html.count('class="cart-lines"') == 1
    assert "从江县加榜香猪养殖农民专业合作社" in groups[0] and card_free(groups[0]) == ["从江香猪腊肉"]
    assert "柯坪县恰玛古果蔬农民专业合作社" in groups[1] and card_free(groups[1]) == ["新疆柯坪红枣", "柯坪核桃"]
    assert "小计 <strong>¥2,469.00</strong>" in groups[1]  # 2 × ¥1,234.50
    assert html.count('class="delete"') == 3 and 'data-stepper data-autosubmit' in html
    assert '<span class="tab-badge" aria-hidden="true">4</span>' in html  # 1 + 2 + 1 items
    assert "去结算 <span class=\"bar-count\">(4)</span>" in html


def card_free(group_html: str) -> list[str]:
    return re.findall(r'<a class="line-name" href="[^"]+">([^<]+)</a>', group_html)


def test_the_delete_button_removes_one_line_and_the_empty_cart_leads_back_to_products(client, catalog):
    post(client, "/cart/add", {"product_id": catalog.bacon, "quantity": 1})
    post(client, "/cart/add", {"product_id": catalog.jujube, "quantity": 1})
    response = post(client, f"/cart/{catalog.bacon}/remove", token_from="/cart")
    assert response.status_code == 302 and response.headers["Location"] == "/cart"
    html = client.get("/cart").get_data(as_text=True)
    assert card_free(html) == ["新疆柯坪红枣"]
    post(client, f"/cart/{catalog.jujube}/remove", token_from="/cart")
    empty = client.get("/cart").get_data(as_text=True)
    assert "购物车是空的" in empty and 'class="empty-state"' in empty
    assert '<a class="button" href="/products">' in empty and "tab-badge" not in empty


@pytest.fixture
def buyer_with_orders(app, catalog):
    """Orders in several states, one of them paid for two cooperatives and shipped by one."""
    with app.app_context():
        buyer = make_user(email="tabs@example.cn")
        jujube, bacon = db.session.get(Product, catalog.jujube), db.session.get(Product, catalog.bacon)
        make_order(buyer, (jujube, 1))
        make_order(buyer, (bacon, 1))
        split = make_order(buyer, (jujube, 1), (bacon, 2))
        lifecycle.mark_paid(split.id)
        lifecycle.ship(split.id, catalog.keping_coop, "顺丰速运", "SF1402231234567", None)
        done = make_order(buyer, (jujube, 1))
        lifecycle.mark_paid(done.id)
        for coop in (catalog.keping_coop,):
            lifecycle.ship(done.id, coop, "中国邮政", "EMS99", None)
        lifecycle.confirm_receipt(done.id, buyer.id)
        return split.number


def test_order_tabs_show_their_counts_and_orders_their_pictures(app, client, catalog, buyer_with_orders):
    thumb = add_photo(app, catalog.jujube, "jujube")
    login(client, "tabs@example.cn")
    html = client.get("/orders").get_data(as_text=True)
    counts = dict(re.findall(r'tab=(\w+)"[^>]*>[^<]*<span class="tab-count">(\d+)</span>', html))
    assert counts == {"pending": "2", "to_ship": "1", "done": "1"}  # none to receive; cancelled is not counted
    assert html.count(f'src="/media/{thumb}"') == 3 and html.count('class="no-photo small"') == 2
    assert html.count('class="card order-card"') == 4 and html.count(">立即付款</a>") == 2


def test_the_order_page_shows_each_cooperatives_parcel_and_tracking(app, client, catalog, buyer_with_orders):
    login(client, "tabs@example.cn")
    html = client.get(f"/orders/{buyer_with_orders}").get_data(as_text=True)
    parcels = re.findall(r'<section class="card parcel".*?</section>', html, re.S)
    assert len(parcels) == 2
    keping = next(p for p in parcels if "柯坪县恰玛古果蔬农民专业合作社" in p)
    congjiang = next(p for p in parcels if "从江县加榜香猪养殖农民专业合作社" in p)
    assert "SF1402231234567" in keping and "顺丰速运" in keping and 'class="ship-state sent">已发货' in keping
    assert 'class="ship-state">待发货' in congjiang and "快递单号" in congjiang and "从江香猪腊肉" in congjiang
    assert html.count('class="badge status-paid"') == 1 and 'href="/orders"' in html


def test_the_portal_flags_listings_without_a_photo(app, client, catalog, monkeypatch):
    thumb = add_photo(app, catalog.jujube, "jujube")
    with app.app_context():
        add_to_cooperative(make_user(email="kp@example.cn"), db.session.get(Cooperative, catalog.keping_coop))
    login(client, "kp@example.cn")
    html = client.get("/coop/products").get_data(as_text=True)
    assert f'src="/media/{thumb}"' in html
    assert html.count('class="needs-photo"') == 1 and html.count("缺图片，去上传") == 1  # the camel milk powder
    assert f'/coop/products/{catalog.camel_milk}#photos' in html and "1 个商品还没有图片" in html
    assert "占位图" in html
    monkeypatch.setitem(app.config, "REQUIRE_PHOTO", True)
    assert "上传图片前，买家在商城里看不到它们" in client.get("/coop/products").get_data(as_text=True)

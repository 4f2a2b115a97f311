"""The storefront pages through the test client: home, catalogue filters, product, county, cooperative."""
import re

import pytest


def names_on(response) -> list[str]:
    return re.findall(r'<h3 class="product-name">([^<]+)</h3>', response.get_data(as_text=True))


def test_home_shows_new_products_and_paired_counties(client, catalog):
    page = client.get("/").get_data(as_text=True)
    assert "帮扶集市" in page
    assert "新疆柯坪红枣" in page and "从江香猪腊肉" in page
    assert "柯坪骆驼奶粉" not in page  # sold out: not featured
    assert "未认证红枣" not in page and "下架红枣" not in page
    assert 'href="/counties/652929"' in page and 'href="/counties/522633"' in page
    assert "湖州市" in page and "杭州市" in page


def test_catalogue_lists_visible_products_only(client, catalog):
    response = client.get("/products")
    assert response.status_code == 200
    assert sorted(names_on(response)) == sorted(["新疆柯坪红枣", "柯坪骆驼奶粉", "从江香猪腊肉"])
    assert "3 件商品" in response.get_data(as_text=True)


@pytest.mark.parametrize("query, expected", [
    ({"q": "红枣"}, ["新疆柯坪红枣"]),
    ({"q": "柯坪"}, ["新疆柯坪红枣", "柯坪骆驼奶粉"]),
    ({"q": "300 g"}, ["柯坪骆驼奶粉"]),
    ({"q": "  红枣  "}, ["新疆柯坪红枣"]),
    ({"q": "%"}, []),
    ({"q": "没有的东西"}, []),
    ({"category": "dairy"}, ["柯坪骆驼奶粉"]),
    ({"category": "no-such"}, []),
    ({"province": "520000"}, ["从江香猪腊肉"]),
    ({"province": "650000"}, ["新疆柯坪红枣", "柯坪骆驼奶粉"]),
    ({"county": "522633"}, ["从江香猪腊肉"]),
    ({"helper": "330500"}, ["新疆柯坪红枣", "柯坪骆驼奶粉"]),
    ({"helper": "330100"}, ["从江香猪腊肉"]),
    ({"helper": "330000"}, ["新疆柯坪红枣", "柯坪骆驼奶粉", "从江香猪腊肉"]),  # Zhejiang: all its cities
    ({"in_stock": "y"}, ["新疆柯坪红枣", "从江香猪腊肉"]),
    ({"q": "柯坪", "in_stock": "y", "category": "nuts-dried-fruit"}, ["新疆柯坪红枣"]),
])
def test_filters(client, catalog, query, expected):
    response = client.get("/products", query_string=query)
    assert response.status_code == 200
    assert sorted(names_on(response)) == sorted(expected)


def test_filter_by_cooperative(client, catalog):
    response = client.get("/products", query_string={"cooperative": catalog.congjiang_coop})
    assert names_on(response) == ["从江香猪腊肉"]


@pytest.mark.parametrize("sort, expected", [
    ("newest", ["从江香猪腊肉", "柯坪骆驼奶粉", "新疆柯坪红枣"]),
    ("price_asc", ["从江香猪腊肉", "柯坪骆驼奶粉", "新疆柯坪红枣"]),
    ("price_desc", ["新疆柯坪红枣", "柯坪骆驼奶粉", "从江香猪腊肉"]),
])
def test_sorts(client, catalog, sort, expected):
    assert names_on(client.get("/products", query_string={"sort": sort})) == expected


def test_default_sort_is_newest(client, catalog):
    assert names_on(client.get("/products"))[0] == "从江香猪腊肉"


def test_paging_24_per_page_with_total(app, client):
    from datetime import timedelta

    from tests.factories import make_cooperative, make_product

    with app.app_context():
        coop = make_cooperative()
        for n in range(30):
            make_product(coop, name=f"核桃{n:02d}", age=timedelta(minutes=n))
    first = client.get("/products")
    assert len(names_on(first)) == 24
    text = first.get_data(as_text=True)
    assert "30 件商品" in text and "第 1 / 2 页" in text and 'rel="next"' in text
    second = client.get("/products?page=2")
    assert len(names_on(second)) == 6
    assert set(names_on(first)).isdisjoint(names_on(second))
    assert 'rel="prev"' in second.get_data(as_text=True)
    beyond = client.get("/products?page=9")
    assert beyond.status_code == 200 and names_on(beyond) == []


def test_past_the_bounded_count_the_list_says_plus_and_pages_on_while_products_last(app, client, monkeypatch):
    """Counting stops at CATALOGUE_COUNT_UP_TO matches (1,000 in production): past that the list says "5+", the
    pager shows the page number without a last page, and a next link while there is a next page."""
    from datetime import timedelta

    from tests.factories import make_cooperative, make_product

    monkeypatch.setitem(app.config, "CATALOGUE_COUNT_UP_TO", 5)
    monkeypatch.setitem(app.config, "PRODUCTS_PER_PAGE", 4)
    with app.app_context():
        coop = make_cooperative()
        for n in range(14):
            make_product(coop, name=f"核桃{n:02d}", age=timedelta(minutes=n))
    pages = [client.get(f"/products?page={n}") for n in (1, 2, 3, 4)]
    texts = [page.get_data(as_text=True) for page in pages]
    assert "5+ 件商品" in texts[0] and "第 1 页" in texts[0] and "第 1 / " not in texts[0]
    assert [len(names_on(page)) for page in pages] == [4, 4, 4, 2]
    assert sorted(sum((names_on(page) for page in pages), [])) == [f"核桃{n:02d}" for n in range(14)]
    assert ['rel="next"' in text for text in texts] == [True, True, True, False]
    assert 'rel="prev"' in texts[3] and "第 4 页" in texts[3]
    assert "全部 5+ 件" in client.get("/counties/652929").get_data(as_text=True)
    with client.session_transaction() as session:
        session["lang"] = "en"
    english = client.get("/products").get_data(as_text=True)
    assert "5+ products" in english and "Page 1" in english


def test_within_the_bounded_count_the_list_gives_the_exact_count(app, client, monkeypatch):
    from tests.factories import make_cooperative, make_product

    monkeypatch.setitem(app.config, "CATALOGUE_COUNT_UP_TO", 5)
    with app.app_context():
        coop = make_cooperative()
        for n in range(5):
            make_product(coop, name=f"核桃{n}")
    text = client.get("/products").get_data(as_text=True)
    assert "5 件商品" in text and "5+" not in text


def test_a_search_counts_up_to_its_own_smaller_bound(app, client, monkeypatch):
    """A search counts up to SEARCH_COUNT_UP_TO (100 in production) and then says "3+", paging on while matches
    last; the catalogue's own count keeps CATALOGUE_COUNT_UP_TO."""
    from tests.factories import make_cooperative, make_product

    monkeypatch.setitem(app.config, "SEARCH_COUNT_UP_TO", 3)
    monkeypatch.setitem(app.config, "PRODUCTS_PER_PAGE", 2)
    with app.app_context():
        coop = make_cooperative()
        for n in range(5):
            make_product(coop, name=f"核桃{n}")
        make_product(coop, name="红枣")
    pages = [client.get(f"/products?q=核桃&page={n}") for n in (1, 2, 3)]
    texts = [page.get_data(as_text=True) for page in pages]
    assert "3+ 件商品" in texts[0]
    assert sorted(sum((names_on(page) for page in pages), [])) == [f"核桃{n}" for n in range(5)]
    assert ['rel="next"' in text for text in texts] == [True, True, False]
    assert "1 件商品" in client.get("/products?q=红枣").get_data(as_text=True)  # within the bound: exact
    assert "6 件商品" in client.get("/products").get_data(as_text=True)


def test_pager_keeps_the_filters(app, client):
    from tests.factories import make_cooperative, make_product

    with app.app_context():
        coop = make_cooperative()
        for n in range(25):
            make_product(coop, name=f"红枣{n}")
    text = client.get("/products?q=红枣&sort=price_asc").get_data(as_text=True)
    assert re.search(r'href="/products\?q=%E7%BA%A2%E6%9E%A3&amp;sort=price_asc&amp;page=2"', text)


def test_product_page(client, catalog):
    response = client.get(f"/products/{catalog.jujube}")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "新疆柯坪红枣" in text
    assert "¥1,234.50" in text
    assert "1 kg/袋" in text and "1 kg" in text
    assert "库存 10" in text
    assert "新疆维吾尔自治区 阿克苏地区 柯坪县" in text
    assert "湖州市" in text and "对口支援" in text and "至今" in text
    assert "柯坪县恰玛古果蔬农民专业合作社" in text
    assert "绿色食品" in text and "LB-18-23081234567A" in text


def test_sold_out_product_says_so(client, catalog):
    assert "已售罄" in client.get(f"/products/{catalog.camel_milk}").get_data(as_text=True)


def test_ended_pairing_is_marked(client, catalog):
    text = client.get(f"/products/{catalog.bacon}").get_data(as_text=True)
    assert "杭州市" in text and "东西部协作" in text and "已结束" in text


@pytest.mark.parametrize("attr", ["unverified", "archived"])
def test_hidden_products_are_404(client, catalog, attr):
    response = client.get(f"/products/{getattr(catalog, attr)}")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_county_page(client, catalog):
    response = client.get("/counties/652929")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "柯坪县" in text and "新疆维吾尔自治区" in text and "阿克苏地区" in text
    assert "湖州市" in text
    assert "柯坪县恰玛古果蔬农民专业合作社" in text and "待审核合作社" not in text
    assert sorted(names_on(response)) == ["新疆柯坪红枣", "柯坪骆驼奶粉"]


def test_county_flags_are_shown(app, client):
    from tests.factories import make_region

    with app.app_context():
        make_region("522633", former_poverty_county=True, guapai_2020=True)
    text = client.get("/counties/522633").get_data(as_text=True)
    assert "原 832 个贫困县" in text and "2020 年挂牌督战县" in text


def test_cooperative_page(client, catalog):
    response = client.get(f"/cooperatives/{catalog.keping_coop}")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "柯坪县恰玛古果蔬农民专业合作社" in text and "农民专业合作社" in text
    assert sorted(names_on(response)) == ["新疆柯坪红枣", "柯坪骆驼奶粉"]


@pytest.mark.parametrize("url", [
    "/products/0", "/products/999999", "/products/abc", "/products/-1",
    "/counties/999999", "/counties/650000", "/counties/652900", "/counties/abc", "/counties/" + "9" * 500,
    "/cooperatives/999999", "/no-such-page",
])
def test_unknown_things_are_404_in_the_layout(client, catalog, url):
    response = client.get(url)
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "页面不存在" in text and 'class="site-header"' in text


def test_unverified_cooperative_is_404(client, catalog):
    assert client.get(f"/cooperatives/{catalog.applied_coop}").status_code == 404


def test_suspended_cooperatives_products_disappear(app, client, catalog):
    from shop.cooperatives.models import Cooperative, VerificationStatus
    from shop.extensions import db

    with app.app_context():
        db.session.get(Cooperative, catalog.congjiang_coop).status = VerificationStatus.SUSPENDED
        db.session.commit()
    assert "从江香猪腊肉" not in names_on(client.get("/products"))
    assert client.get(f"/products/{catalog.bacon}").status_code == 404


def test_kept_list_statements_read_fresh_rows_and_stay_per_filter(app, client, catalog):
    """The catalogue's statements are built once per filter set (queries._catalogue_paging): a second visit reuses
    them, yet reads what was written since, and another filter gets statements of its own."""
    from shop.catalog.queries import _catalogue_paging
    from tests.factories import make_cooperative, make_product

    _catalogue_paging.cache_clear()
    before = names_on(client.get("/products?q=核桃"))
    with app.app_context():
        make_product(make_cooperative(), name="新疆核桃")
    after = names_on(client.get("/products?q=核桃"))
    assert "新疆核桃" not in before and "新疆核桃" in after
    assert _catalogue_paging.cache_info().hits == 1 and _catalogue_paging.cache_info().currsize == 1
    assert "新疆核桃" not in names_on(client.get("/products?q=红枣"))
    assert _catalogue_paging.cache_info().currsize == 2

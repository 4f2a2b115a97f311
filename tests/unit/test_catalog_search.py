"""Catalogue search: the term index finds exactly what a substring match finds, and stays current."""
import random

import pytest
from sqlalchemy import delete, func, select

from shop.catalog import listings as listings
from shop.catalog import search
from shop.catalog.models import Product, SearchTerm
from shop.catalog.queries import ProductFilters, search_products
from shop.extensions import db
from tests.factories import make_category, make_cooperative, make_product
from tests.statements import sent_statements

pytestmark = pytest.mark.usefixtures("app_ctx")


def found(q: str, **filters) -> set[int]:
    page = search_products(ProductFilters(q=q, **filters), 1, 10_000)
    assert page.total == len(page.items)
    return {card.id for card in page.items}


def test_terms_are_the_characters_and_pairs_of_each_word():
    assert search.terms_of("红枣 1 kg/袋") == {"红", "枣", "红枣", "1", "k", "g", "/", "袋", "kg", "g/", "/袋"}
    assert search.terms_of("") == set()


def test_query_terms_are_pairs_or_single_characters():
    assert search.query_terms("红枣") == ["红枣"]
    assert search.query_terms("枣") == ["枣"]
    assert search.query_terms("柯坪红枣 5 kg") == ["柯坪", "坪红", "红枣", "5", "kg"]
    assert search.query_terms("枣枣枣") == ["枣枣"]
    assert len(search.query_terms("新疆阿克苏地区柯坪县红枣")) == search.MAX_QUERY_TERMS
    assert search.query_terms("   ") == []


def test_one_and_two_character_chinese_queries_find_substrings():
    jujube = make_product(name="新疆柯坪红枣 骏枣一级", spec="1 kg/袋")
    walnut = make_product(name="柯坪薄皮核桃", spec="500 g/袋")
    tea = make_product(name="晴隆绿茶", spec="250 g/罐")
    assert found("红枣") == {jujube.id}
    assert found("枣") == {jujube.id}
    assert found("柯坪") == {jujube.id, walnut.id}
    assert found("茶") == {tea.id}
    assert found("g/袋") == {jujube.id, walnut.id}
    assert found("KG") == {jujube.id}  # case-insensitive
    assert found("红 枣") == set()  # the space is part of the query
    assert found("枣 骏") == {jujube.id}
    assert found("新疆柯坪县红枣") == set()


def test_search_agrees_with_a_plain_substring_match_on_random_catalogues():
    rng = random.Random(832)
    alphabet = "红枣核桃茶米柯坪新疆 kg%_/1"
    cooperative, category = make_cooperative(), make_category()
    products = []
    for _ in range(60):
        name = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 9))).strip() or "枣"
        spec = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))).strip() or "袋"
        products.append(make_product(cooperative, category, name=name, spec=spec))
    texts = {p.id: f"{p.name} {p.spec}".lower() for p in products}
    queries = {text[start:start + length] for text in texts.values()
               for start, length in [(rng.randrange(len(text)), rng.randint(1, 4))]}
    queries |= {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3))) for _ in range(40)}
    for q in sorted(q.strip() for q in queries if q.strip()):
        assert found(q) == {pid for pid, text in texts.items() if q.lower() in text}, q


def test_search_combines_with_the_other_filters_and_sorts():
    cheap = make_product(name="柯坪红枣", price_fen=1000, stock=0)
    dear = make_product(name="若羌红枣", price_fen=9000)
    make_product(name="核桃", price_fen=500)
    page = search_products(ProductFilters(q="红枣", sort="price_asc"), 1, 24)
    assert [card.id for card in page.items] == [cheap.id, dear.id]
    assert found("红枣", in_stock=True) == {dear.id}


def test_new_and_renamed_products_are_indexed_as_they_are_saved():
    product = make_product(name="榕江香猪腊肉", spec="500 g/袋")
    assert search.stale_products(db.session) == []
    assert found("腊肉") == {product.id}

    product.name = "从江香猪香肠"
    db.session.commit()
    assert found("腊肉") == set() and found("香肠") == {product.id}

    product.stock = 3  # other changes leave the terms alone
    db.session.commit()
    assert search.stale_products(db.session) == []


def test_a_cooperatives_edit_form_keeps_the_index(app):
    cooperative = make_cooperative()
    category = make_category()
    data = listings.ListingData(sku="RJ-1", name="榕江小香鸡", category_id=category.id, unit="只", spec="1 只",
                                net_weight_g=1200, price_fen=8800)
    product = listings.save_listing(cooperative, data)
    assert found("香鸡") == {product.id}
    listings.save_listing(cooperative, listings.ListingData(**{**data.__dict__, "name": "榕江塔石香羊"}), product.id)
    assert found("香鸡") == set() and found("香羊") == {product.id}
    assert search.stale_products(db.session) == []


def test_stale_products_notices_a_missing_or_wrong_index_and_reindex_repairs_it():
    first = make_product(name="乌什核桃")
    second = make_product(name="温宿大米")
    db.session.execute(delete(SearchTerm).where(SearchTerm.product_id == first.id))
    db.session.execute(SearchTerm.__table__.insert(), [{"term": "茶", "product_id": second.id,
                                                       "created_at": second.created_at, "price_fen": 100}])
    db.session.commit()
    assert sorted(search.stale_products(db.session)) == sorted([first.id, second.id])
    assert search.reindex_all(db.session) == 2
    db.session.commit()
    assert search.stale_products(db.session) == []
    assert found("核桃") == {first.id} and found("茶") == set()


def test_reindex_search_command(runner):
    make_product(name="理塘牦牛肉干")
    db.session.execute(delete(SearchTerm))
    db.session.commit()
    result = runner.invoke(args=["reindex-search"])
    assert result.exit_code == 0 and "indexed 1 product(s)" in result.output
    assert db.session.scalar(select(func.count()).select_from(SearchTerm)) > 0
    assert search.stale_products(db.session) == []


def test_deleting_a_product_deletes_its_terms():
    product = make_product(name="旺苍米仓山茶")
    db.session.delete(product)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(SearchTerm)) == 0
    assert db.session.scalar(select(func.count()).select_from(Product)) == 0


def test_terms_left_by_a_bulk_delete_never_show_or_leak_into_a_new_product():
    old = make_product(name="榕江塔石香羊")
    db.session.execute(delete(Product).where(Product.id == old.id))  # Core: no ORM listener runs
    db.session.commit()
    assert found("香羊") == set()
    new = make_product(name="天柱茶油")  # SQLite may give it the deleted product's id
    assert found("茶油") == {new.id} and found("香羊") == set()
    assert search.stale_products(db.session) == []


def test_a_search_lists_newest_first_page_by_page_as_the_catalogue_does():
    """The default order is read off the first term's index entries; it is the products' created_at, id."""
    from datetime import timedelta
    cooperative, category = make_cooperative(), make_category()
    ages = [5, 1, 9, 3, 3, 7, 2, 8]  # two listed at the same moment: the later id comes first
    made = [make_product(cooperative, category, age=timedelta(hours=age), name=f"柯坪红枣 {n}号")
            for n, age in enumerate(ages)]
    make_product(cooperative, category, name="晴隆绿茶")
    shown = [card.id for page in (1, 2, 3) for card in search_products(ProductFilters(q="红枣"), page, 3).items]
    assert shown == [p.id for p in sorted(made, key=lambda p: (p.created_at, p.id), reverse=True)]
    several_terms = [card.id for card in search_products(ProductFilters(q="柯坪红枣"), 1, 20).items]
    assert several_terms == shown


def test_a_product_listed_at_another_time_moves_in_search_too():
    from datetime import timedelta

    from shop.core.database import utcnow
    older, newer = make_product(name="理塘牦牛肉干 甲"), make_product(name="理塘牦牛肉干 乙")
    older.created_at = utcnow() + timedelta(days=1)  # through the ORM: its terms follow
    db.session.commit()
    assert [card.id for card in search_products(ProductFilters(q="牦牛"), 1, 10).items] == [older.id, newer.id]


def test_a_search_by_price_lists_in_the_catalogues_price_order_page_by_page():
    """Price order is read off the first term's (term, price, product) entries: the catalogue's price, id order,
    either way, ties broken by id, through several pages and with the in-stock filter."""
    cooperative, category = make_cooperative(), make_category()
    prices = [3000, 1000, 5000, 1000, 2500, 9000, 1000, 4200]
    made = [make_product(cooperative, category, name=f"柯坪红枣 {n}号", price_fen=price, stock=n % 3)
            for n, price in enumerate(prices)]
    make_product(cooperative, category, name="晴隆绿茶", price_fen=1500)

    def shown(sort: str, q: str = "红枣", **filters) -> list[int]:
        return [card.id for page in (1, 2, 3, 4)
                for card in search_products(ProductFilters(q=q, sort=sort, **filters), page, 3).items]

    cheapest = [p.id for p in sorted(made, key=lambda p: (p.price_fen, p.id))]
    dearest = [p.id for p in sorted(made, key=lambda p: (p.price_fen, p.id), reverse=True)]
    assert shown("price_asc") == cheapest and shown("price_desc") == dearest
    assert shown("price_asc", q="柯坪红枣") == cheapest  # several terms, the first drives
    in_stock = {p.id for p in made if p.stock > 0}
    assert shown("price_asc", in_stock=True) == [pid for pid in cheapest if pid in in_stock]


def test_a_price_change_moves_a_product_in_a_search_by_price():
    cheap, dear = make_product(name="理塘牦牛肉干 甲", price_fen=3000), make_product(name="理塘牦牛肉干 乙", price_fen=6000)

    def by_price() -> list[int]:
        return [card.id for card in search_products(ProductFilters(q="牦牛", sort="price_asc"), 1, 10).items]

    assert by_price() == [cheap.id, dear.id]
    dear.price_fen = 1000  # through the ORM: its terms follow, in the same transaction
    db.session.commit()
    assert by_price() == [dear.id, cheap.id]
    assert search.stale_products(db.session) == []
    dear.name, dear.price_fen = "理塘牦牛肉干 丙", 9000  # renamed and repriced at once
    db.session.commit()
    assert by_price() == [cheap.id, dear.id]
    assert search.stale_products(db.session) == []


def sqlite_plans(action) -> tuple[str, str]:
    """SQLite's plan of the page statement that `action()` (a catalogue page) sends first, as two lines: the count's
    part (the scalar subquery: the count rides along with the page) and the page's part (the rest). A page past the
    end, with no rows, sends the count again on its own afterwards."""
    statement, parameters = [(statement, parameters) for statement, parameters in sent_statements(action)
                             if statement.lstrip().startswith("SELECT")][0]
    assert "page_total" in statement, statement
    rows = list(db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
    count_node = next(row[0] for row in rows if row[1] == 0 and row[3].startswith("SCALAR SUBQUERY"))
    in_count = {count_node}
    for node, parent, _, _ in rows:  # a node comes after its parent
        if parent in in_count:
            in_count.add(node)
    count = " | ".join(row[3] for row in rows if row[0] in in_count and row[0] != count_node)
    page = " | ".join(row[3] for row in rows if row[0] not in in_count)
    return count, page


def keys_part(page_plan: str) -> str:
    """The part of a catalogue page's plan that finds the page's products (their details are joined to those
    alone, and sorted again, afterwards)."""
    assert page_plan.startswith("CO-ROUTINE page_keys | "), page_plan
    return page_plan.removeprefix("CO-ROUTINE page_keys | ").split(" | SCAN page_keys", 1)[0]


@pytest.mark.parametrize("sort", ["price_asc", "price_desc"])
def test_a_search_by_price_walks_the_terms_price_index_without_sorting_its_matches(sort):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans by statistics that a test's handful of rows does not have")
    make_product(name="新疆柯坪红枣")
    db.session.commit()
    count, page = sqlite_plans(lambda: search_products(ProductFilters(q="红枣", sort=sort, in_stock=True), 1, 24))
    keys = keys_part(page)
    assert keys.startswith("SEARCH term_0 USING COVERING INDEX ix_product_search_terms_price (term=?)"), page
    assert "TEMP B-TREE" not in keys and "TEMP B-TREE" not in count


def test_a_newest_first_search_walks_the_term_index_without_sorting_its_matches():
    """SQLite's plan for a search page and its count: driven by the terms, the page's products by the term's
    entries in (created_at, product) order, no sort of the matches. (PostgreSQL picks by its statistics;
    bench/plans.py checks its plans at catalogue scale.)"""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans by statistics that a test's handful of rows does not have")
    make_product(name="新疆柯坪红枣")
    db.session.commit()
    count, page = sqlite_plans(lambda: search_products(ProductFilters(q="红枣"), 1, 24))
    keys = keys_part(page)
    assert keys.startswith("SEARCH term_0 USING COVERING INDEX ix_product_search_terms_newest (term=?)"), page
    plans = [count, keys]
    for plan in plans:
        assert plan.removeprefix("CO-ROUTINE anon_1 | ").startswith("SEARCH term_0 USING"), plan
        assert "TEMP B-TREE" not in plan, plan


@pytest.mark.parametrize("sort", ["newest", "price_asc", "price_desc"])
def test_catalogue_pages_follow_on_exactly_in_every_sort_with_ties(sort):
    """A page's products are found first and their details joined afterwards; the pages still follow on with
    none lost or repeated, in the sort's order, where many listings share a price and a listing time."""
    from datetime import datetime, timedelta, timezone

    coop, category = make_cooperative(), make_category()
    listed = datetime(2026, 11, 1, 8, tzinfo=timezone.utc)
    made = [make_product(coop, category, name=f"核桃{n:02d}", price_fen=1000 + 100 * (n % 3),
                         created_at=listed - timedelta(minutes=n % 2)) for n in range(17)]
    keys = {"newest": lambda p: (p.created_at, p.id), "price_asc": lambda p: (p.price_fen, p.id),
            "price_desc": lambda p: (p.price_fen, p.id)}[sort]
    expected = [p.id for p in sorted(made, key=keys, reverse=sort != "price_asc")]
    shown = [card.id for page in range(1, 6)
             for card in search_products(ProductFilters(category=category.slug, sort=sort), page, 4).items]
    assert shown == expected


def test_a_deep_catalogue_page_skips_index_entries_not_joined_rows():
    """SQLite's plan for page 50 of the catalogue: the page's products come off the listing index in order (no sort
    of the catalogue), and only they are joined to their cooperative, county and photo."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans by statistics that a test's handful of rows does not have; bench/plans.py")
    make_product()
    count, page = sqlite_plans(lambda: search_products(ProductFilters(), 50, 24))
    keys = keys_part(page)
    assert keys.startswith("SEARCH products USING INDEX ix_products_active_created (is_active=?)"), page
    assert "TEMP B-TREE" not in keys and "cooperatives USING INTEGER PRIMARY KEY" not in keys, page
    details = page.split(" | SCAN page_keys | ", 1)[1]
    assert details.startswith("SEARCH products USING INTEGER PRIMARY KEY (rowid=?)"), page


@pytest.mark.parametrize("filters, index", [(ProductFilters(county="652929"), "ix_products_county_listing"),
                                            (None, "ix_products_category_listing")])
def test_a_county_or_category_list_counts_off_its_index_alone_and_reads_its_newest_in_order(filters, index):
    """SQLite's plan for a county's and a category's list: the count reads the filter's listing index alone
    (covering: no table row is read to count), and so does finding the page's products, newest first, unsorted.
    (PostgreSQL: migration 0028 and bench/plans.py at 1,000,000 listings.)"""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans by statistics that a test's handful of rows does not have; bench/plans.py")
    product = make_product(make_cooperative("652929"))
    db.session.commit()
    filters = filters or ProductFilters(category=product.category.slug)
    count, page = sqlite_plans(lambda: search_products(filters, 1, 24))
    assert f"USING COVERING INDEX {index} " in count and "SCAN products" not in count, count
    keys = keys_part(page)
    assert keys.startswith(f"SEARCH products USING COVERING INDEX {index} ") and "TEMP B-TREE" not in keys, page

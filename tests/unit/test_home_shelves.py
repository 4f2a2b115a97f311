"""The home page's sections: their cards in the picked order, read from the picks, never from the whole catalogue."""
import pytest

from shop.catalog.showcase_models import Shelf, ShelfItem
from shop.catalog.showcase_queries import home_shelves
from shop.extensions import db
from tests.factories import make_cooperative, make_product
from tests.statements import sent_statements

pytestmark = pytest.mark.usefixtures("app_ctx")


def make_shelf(title: str, position: int, products) -> Shelf:
    shelf = Shelf(title=title, position=position)
    shelf.items.extend(ShelfItem(product_id=product.id, position=n) for n, product in enumerate(products))
    db.session.add(shelf)
    db.session.commit()
    return shelf


def test_sections_show_their_products_on_sale_in_the_picked_order():
    cooperative = make_cooperative()
    first, second, third, archived = (make_product(cooperative, name=f"柯坪红枣 {n}号") for n in range(4))
    archived.is_active = False
    db.session.commit()
    later = make_shelf("年货节", 2, [third, first, archived])
    earlier = make_shelf("助农好物", 1, [second, third])
    make_shelf("已下架", 3, [archived])  # nothing on sale: left out
    shown = [(row.shelf.id, [card.id for card in row.cards]) for row in home_shelves()]
    assert shown == [(earlier.id, [second.id, third.id]), (later.id, [third.id, first.id])]


def test_the_picks_drive_the_sections_query_on_sqlite():
    """Joined the other way round, SQLite walked every listing of every verified cooperative to probe the picks
    (0.7 s at 100,000 listings)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans by statistics that a test's handful of rows does not have")
    make_shelf("年货节", 1, [make_product(name="柯坪红枣")])
    make_shelf("助农好物", 2, [make_product(name="柯坪核桃")])
    sent = sent_statements(home_shelves)
    cards = [(statement, parameters) for statement, parameters in sent if "home_shelf_products" in statement
             and "products.id" in statement]
    assert len(cards) == 1
    plan = [row[3] for row in db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + cards[0][0],
                                                                      cards[0][1])]
    assert plan[0].startswith("SEARCH home_shelf_products USING INDEX"), plan
    assert "SEARCH products USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan

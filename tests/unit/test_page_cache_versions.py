"""The catalogue version: every write path that changes what storefront pages show moves it, in the writing
transaction; writes elsewhere and rolled-back writes do not."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from shop.catalog import listings
from shop.catalog.importing.services import confirm_import, start_import
from shop.catalog.listings import ListingData
from shop.catalog.models import Category, Product
from shop.catalog.versions import CatalogueVersion, current_version
from shop.cooperatives.applications import decide
from shop.core.database import utcnow, write_transaction
from shop.demo.seed import seed_demo
from shop.extensions import db
from shop.orders import lifecycle
from shop.orders.checkout import place_order
from shop.payments.models import Method, Payment
from shop.payments.refunds import refund_order
from shop.regions.loaders import import_region_text
from tests.factories import (
    add_to_cooperative,
    make_category,
    make_cooperative,
    make_pairing,
    make_product,
    make_user,
)
from tests.image_files import image_bytes
from tests.order_factories import ADDRESS, fill_cart, make_order

pytestmark = pytest.mark.usefixtures("app_ctx")
SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "listings"


@dataclass
class World:
    coop: object
    category: Category
    product: Product
    buyer: object
    staff: object


@pytest.fixture
def world() -> World:
    make_category("meat", "肉禽蛋品", "Meat")
    category = make_category("nuts-dried-fruit", "干果坚果", "Nuts")
    coop = make_cooperative("652929", name="柯坪县红枣合作社")
    add_to_cooperative(make_user(), coop)
    return World(coop, category, make_product(coop, category, stock=10), make_user(),
                 make_user(is_staff=True))


def listing(world: World) -> ListingData:
    return ListingData(sku="NEW-1", name="柯坪核桃", category_id=world.category.id, unit="袋", spec="500 g/袋",
                       net_weight_g=500, price_fen=3200)


def paid_order(world: World, quantity: int = 2):
    order = make_order(world.buyer, (world.product, quantity))
    db.session.add(Payment(order_id=order.id, method=Method.BANK_TRANSFER, amount_fen=order.total_fen,
                           reference=f"V{order.id}", received_at=utcnow()))
    db.session.commit()
    lifecycle.mark_paid(order.id)
    return db.session.get(type(order), order.id)


def _refund(world: World):
    order = paid_order(world)
    return lambda: refund_order(order.id, {order.lines[0].id: 1}, reason="破损", restock=True,
                                actor_id=world.staff.id, request_token=secrets.token_hex(16))


def _checkout(world: World):
    fill_cart(world.buyer.id, (world.product, 1))
    return lambda: place_order(world.buyer.id, ADDRESS, secrets.token_urlsafe(16))


def _photo_deleted(world: World):
    photo = listings.add_photo(world.coop, world.product.id, image_bytes())
    return lambda: listings.delete_photo(world.coop, world.product.id, photo.id)


def _cancel(world: World):
    order = make_order(world.buyer, (world.product, 1))
    return lambda: lifecycle.cancel_order(order.id, world.buyer.id, "不要了")


def _expire(world: World):
    make_order(world.buyer, (world.product, 1))
    return lambda: lifecycle.expire_due_orders(now=utcnow() + timedelta(days=1))


def _import(world: World):
    upload = start_import(world.coop, world.buyer.id, "listings", (SAMPLES / "good.csv").read_bytes(), False)
    return lambda: confirm_import(world.coop, upload.id)


def _reimport(world: World):
    data = (SAMPLES / "good.csv").read_bytes()
    confirm_import(world.coop, start_import(world.coop, world.buyer.id, "listings", data, False).id)
    upload = start_import(world.coop, world.buyer.id, "listings", data.replace(b"45.80", b"46.80"), True)
    return lambda: confirm_import(world.coop, upload.id)


# (name, set-up returning the write): every way the storefront's content changes.
WRITES = {
    "listing created": lambda w: lambda: listings.save_listing(w.coop, listing(w), stock=5),
    "price changed": lambda w: lambda: listings.save_listing(
        w.coop, ListingData(**{**listing(w).__dict__, "sku": w.product.sku, "price_fen": 9900}), w.product.id),
    "archived": lambda w: lambda: listings.set_active(w.coop, w.product.id, False),
    "stock adjusted (guarded UPDATE)": lambda w: lambda: listings.adjust_stock(w.coop, w.product.id, -3),
    "photo added": lambda w: lambda: listings.add_photo(w.coop, w.product.id, image_bytes()),
    "photo deleted": _photo_deleted,
    "import creates (bulk INSERT)": _import,
    "import updates and zeroes (bulk UPDATE)": _reimport,
    "checkout takes stock": _checkout,
    "cancellation gives stock back": _cancel,
    "expiry gives stock back": _expire,
    "refund with restock": _refund,
    "cooperative suspended": lambda w: lambda: decide(w.staff.id, w.coop.id, "suspend", "资质过期"),
    "cooperative renamed": lambda w: lambda: _rename(w.coop.id),
    "pairing added": lambda w: lambda: make_pairing(helper="330500", recipient="652929"),
    "category added": lambda w: lambda: make_category("tea", "茶叶", "Tea"),
    "regions loaded": lambda w: lambda: import_region_text("code,name\n659999,测试县\n"),
    "demo seeded, products generated": lambda w: lambda: seed_demo(extra_products=30),
}


def _rename(cooperative_id: int) -> None:
    from shop.cooperatives.models import Cooperative

    with write_transaction(db.session):
        db.session.get(Cooperative, cooperative_id).name = "柯坪县新红枣合作社"


def version() -> int | None:
    db.session.rollback()  # read what is committed, as another worker would
    return current_version(db.session)


@pytest.mark.parametrize("name", WRITES)
@pytest.mark.usefixtures("seed_demo_once_encoded")  # the demo's pictures encoded once per session
def test_every_catalogue_write_moves_the_version(world, name):
    write = WRITES[name](world)
    before = version()
    write()
    after = version()
    assert before is not None and after is not None and after > before, name


def test_other_writes_leave_it_alone(world):
    before = version()
    make_user(email="someone@example.cn")
    fill_cart(world.buyer.id, (world.product, 1))
    assert version() == before


def test_a_rolled_back_write_leaves_it_alone(world):
    before = version()
    with pytest.raises(RuntimeError):
        with write_transaction(db.session):
            db.session.execute(update(Product).values(price_fen=1))
            raise RuntimeError("changed my mind")
    assert version() == before
    assert db.session.scalar(select(Product.price_fen)) != 1


def test_the_version_moves_in_the_writing_transaction(world):
    # Read from another connection while the write is open: still the old version, then the new one at commit.
    before = version()
    db.session.execute(update(Product).values(price_fen=Product.price_fen + 1))
    with db.engine.connect() as other:
        assert other.scalar(select(CatalogueVersion.version)) == before
    db.session.commit()
    with db.engine.connect() as other:
        assert other.scalar(select(CatalogueVersion.version)) == before + 1


def test_a_lost_row_comes_back_at_a_fresh_number(world):
    db.session.execute(CatalogueVersion.__table__.delete())
    db.session.commit()  # the delete itself is no catalogue write: no row, so nothing may be cached
    assert version() is None
    make_category("tea", "茶叶", "Tea")
    assert version() is not None


def test_the_version_a_kept_page_reads_is_the_committed_one_or_none():
    """committed_version (what the page cache asks, on a connection of its own) sees a bump only once it is
    committed, and nothing when the row is missing."""
    from shop.catalog.versions import committed_version
    product = make_product()
    db.session.commit()
    before = committed_version(db.engine)
    assert before == version()
    product.price_fen += 100
    db.session.flush()  # the bump waits for the commit; nothing committed yet
    assert committed_version(db.engine) == before
    db.session.commit()
    assert committed_version(db.engine) == before + 1 == version()
    db.session.execute(CatalogueVersion.__table__.delete())
    db.session.commit()
    assert committed_version(db.engine) is None


def test_reading_the_version_hands_the_connection_back_transactional():
    """committed_version reads in the driver's autocommit mode; the pooled connection it used must come back to
    the next user as before, or that user's rolled-back writes would stay written (PostgreSQL)."""
    from sqlalchemy import create_engine

    from shop.catalog.versions import committed_version
    from shop.core.database import configure_engine
    make_product()
    db.session.commit()
    engine = create_engine(db.engine.url, pool_size=1, max_overflow=0)  # one connection: the next user gets it
    configure_engine(engine)
    try:
        before = committed_version(engine)
        assert before == version()
        with engine.connect() as connection:
            connection.execute(update(CatalogueVersion).values(version=CatalogueVersion.version + 1))
            connection.rollback()
        assert committed_version(engine) == before == version()
    finally:
        engine.dispose()


def test_a_failed_version_read_raises_sqlalchemys_error_and_hands_the_connection_back_transactional(monkeypatch):
    """A statement the database refuses comes out as SQLAlchemy's DBAPIError (what the error pages sort into 503
    and 500), and the pooled connection is handed on as before, not left in autocommit."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import DBAPIError

    from shop.catalog import versions
    from shop.core.database import configure_engine
    make_product()
    db.session.commit()
    engine = create_engine(db.engine.url, pool_size=1, max_overflow=0)
    configure_engine(engine)
    try:
        before = versions.committed_version(engine)
        monkeypatch.setattr(versions, "_VERSION_SQL", "SELECT version FROM no_such_table WHERE id = 1")
        with pytest.raises(DBAPIError):
            versions.committed_version(engine)
        monkeypatch.undo()
        with engine.connect() as connection:  # the connection the failed read used, next
            connection.execute(update(CatalogueVersion).values(version=CatalogueVersion.version + 1))
            connection.rollback()
        assert versions.committed_version(engine) == before == version()
    finally:
        engine.dispose()


def _drop_the_servers_end(engine) -> None:
    """What a database restart does to the one connection in `engine`'s pool: the server's end of it is gone."""
    engine.dispose()  # one connection in the pool, the next one handed out
    connection = engine.raw_connection()
    driver_connection = connection.driver_connection
    cursor = connection.cursor()
    cursor.execute("SELECT pg_backend_pid()" if engine.dialect.name == "postgresql" else "SELECT 1")
    pid = cursor.fetchone()[0]
    cursor.close()
    connection.close()  # back into the pool, reset, idle
    if engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        db.session.commit()
    else:
        driver_connection.close()


def test_the_page_caches_version_read_survives_a_dropped_connection():
    """The page cache's own pool does not ping connections before use: a connection the server dropped fails the
    read, which is then made again on a new connection, so visitors do not see an error page."""
    from shop.catalog.versions import read_committed_version
    from shop.config import VERSION_BIND
    make_product()
    db.session.commit()
    engine = db.engines[VERSION_BIND]
    assert read_committed_version(engine) == version()
    _drop_the_servers_end(engine)
    with pytest.raises(DBAPIError) as dropped:  # what the read meets first: no ping replaced the connection
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    assert dropped.value.connection_invalidated
    _drop_the_servers_end(engine)
    assert read_committed_version(engine) == version()
    assert read_committed_version(engine) == version()


def test_the_page_caches_version_read_does_not_retry_a_refused_statement(monkeypatch):
    """Only a dropped connection is worth a second try; a statement the database refuses raises at once."""
    from shop.catalog import versions
    from shop.config import VERSION_BIND
    make_product()
    db.session.commit()
    reads = []
    read = versions.committed_version
    monkeypatch.setattr(versions, "committed_version", lambda engine: reads.append(engine) or read(engine))
    monkeypatch.setattr(versions, "_VERSION_SQL", "SELECT version FROM no_such_table WHERE id = 1")
    with pytest.raises(DBAPIError) as refused:
        versions.read_committed_version(db.engines[VERSION_BIND])
    assert not refused.value.connection_invalidated
    assert len(reads) == 1

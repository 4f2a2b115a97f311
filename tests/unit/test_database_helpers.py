"""The typed helpers of shop.core.database and the ledger's totals check: what they return, and what they refuse."""
import pytest
from sqlalchemy import event, select, text, update

from shop.catalog.models import Product
from shop.core.database import (
    WriteInReadOnlyRequest,
    read_without_transaction,
    reload,
    rowcount,
    write_transaction,
)
from shop.extensions import db
from shop.reports.ledger import Filters, tally
from tests.factories import make_product

pytestmark = pytest.mark.usefixtures("app_ctx")


def test_rowcount_counts_the_rows_an_update_matched():
    first, second = make_product(sku="A-1", stock=5), make_product(sku="A-2", stock=0)
    with write_transaction(db.session):
        changed = rowcount(db.session.execute(
            update(Product).where(Product.id.in_([first.id, second.id]), Product.stock > 0).values(stock=9)
            .execution_options(synchronize_session=False)))
    assert changed == 1


def test_rowcount_refuses_a_result_that_has_rows():
    product = make_product()
    with pytest.raises(TypeError, match="no row count"):
        rowcount(db.session.execute(select(Product.id)))
    with pytest.raises(TypeError, match="no row count"), write_transaction(db.session):
        rowcount(db.session.execute(update(Product).where(Product.id == product.id).values(stock=1)
                                    .returning(Product.id).execution_options(synchronize_session=False)))


def test_reload_reads_what_a_core_update_wrote():
    product = make_product(stock=3)
    with write_transaction(db.session):
        db.session.execute(update(Product).where(Product.id == product.id).values(stock=7)
                           .execution_options(synchronize_session=False))
    assert product.stock == 3  # the loaded object does not know yet
    assert reload(db.session, Product, product.id) is product
    assert product.stock == 7


def test_reload_of_a_missing_row_raises_lookup_error():
    with pytest.raises(LookupError, match="no Product with id 123456"):
        reload(db.session, Product, 123456)


def test_a_write_transaction_ends_a_read_one_on_sqlite_and_carries_it_on_on_postgresql():
    """SQLite must start writes with BEGIN IMMEDIATE, so the request's read transaction is committed first; on
    PostgreSQL the writes go on in it (one transaction, no COMMIT, ping and BEGIN between) and commit with it, or
    roll back with it."""
    product = make_product(stock=3)
    db.session.commit()
    begun = []

    def begin(conn):
        begun.append(conn)

    event.listen(db.engine, "begin", begin)
    try:
        assert db.session.scalar(select(Product.stock).where(Product.id == product.id)) == 3  # a read transaction
        with write_transaction(db.session):
            db.session.execute(update(Product).where(Product.id == product.id).values(stock=4)
                               .execution_options(synchronize_session=False))
        assert not db.session().in_transaction()
        with pytest.raises(RuntimeError), write_transaction(db.session):
            db.session.execute(update(Product).where(Product.id == product.id).values(stock=5)
                               .execution_options(synchronize_session=False))
            raise RuntimeError("the change failed")
    finally:
        event.remove(db.engine, "begin", begin)
    assert len(begun) == (3 if db.engine.dialect.name == "sqlite" else 2)
    assert db.session.scalar(select(Product.stock).where(Product.id == product.id)) == 4


def _server_in_transaction() -> bool:
    """Whether the session's connection has a transaction open on the database server itself."""
    raw = db.session.connection().connection.dbapi_connection
    if db.engine.dialect.name == "sqlite":
        return raw.in_transaction
    from psycopg.pq import TransactionStatus
    return raw.info.transaction_status != TransactionStatus.IDLE


def test_reads_without_a_transaction_go_on_outside_one_on_postgresql_and_in_one_on_sqlite():
    product = make_product(stock=3)
    db.session.commit()
    read_without_transaction(db.session)
    assert db.session.scalar(select(Product.stock).where(Product.id == product.id)) == 3
    assert _server_in_transaction() is (db.engine.dialect.name == "sqlite")


def test_a_session_that_only_reads_refuses_writes_outside_write_transaction():
    product = make_product(stock=3)
    db.session.commit()
    product_id = product.id
    read_without_transaction(db.session)
    with pytest.raises(WriteInReadOnlyRequest, match="only reads"):
        db.session.execute(update(Product).where(Product.id == product_id).values(stock=4)
                           .execution_options(synchronize_session=False))
    product.stock = 5
    with pytest.raises(WriteInReadOnlyRequest, match="only reads"):
        db.session.flush()
    db.session.rollback()
    db.session.remove()
    assert db.session.scalar(select(Product.stock).where(Product.id == product_id)) == 3


def test_write_transaction_after_reads_without_one_is_all_or_nothing():
    """The writes get a transaction of their own: a failure rolls back what they had done (in autocommit, the first
    UPDATE would have stayed), and the session takes writes outside write_transaction() again afterwards."""
    product = make_product(stock=3)
    db.session.commit()
    read_without_transaction(db.session)
    assert db.session.scalar(select(Product.stock).where(Product.id == product.id)) == 3
    with pytest.raises(RuntimeError, match="failed"), write_transaction(db.session):
        db.session.execute(update(Product).where(Product.id == product.id).values(stock=4)
                           .execution_options(synchronize_session=False))
        assert _server_in_transaction()
        raise RuntimeError("the change failed")
    assert db.session.scalar(select(Product.stock).where(Product.id == product.id)) == 3
    with write_transaction(db.session):
        db.session.execute(update(Product).where(Product.id == product.id).values(stock=6)
                           .execution_options(synchronize_session=False))
    product_id = product.id
    db.session.remove()
    assert db.session.scalar(select(Product.stock).where(Product.id == product_id)) == 6


def test_require_totals_gives_the_totals_row_only_when_asked_for():
    with_totals = tally("county", Filters())
    assert with_totals.require_totals() is with_totals.totals
    with pytest.raises(ValueError, match="without its totals row"):
        tally("county", Filters(), with_totals=False).require_totals()


def test_the_tallies_group_with_the_report_working_memory_for_their_transaction_only(app):
    """On PostgreSQL a tally sets work_mem (REPORT_WORK_MEM) for its own transaction, which ends it; SQLite has no
    such setting and is left alone."""
    def show() -> str:
        return str(db.session.scalar(text("SHOW work_mem")))

    make_product()
    if db.engine.dialect.name != "postgresql":
        statements: list[str] = []

        def seen(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)
        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            tally("county", Filters())
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
        assert statements and not any("set_config" in statement for statement in statements)
        return
    db.session.rollback()
    server_default = show()
    assert server_default != "64MB"
    tally("county", Filters())
    assert show() == app.config["REPORT_WORK_MEM"] == "64MB"
    db.session.rollback()
    assert show() == server_default
    app.config["REPORT_WORK_MEM"] = ""
    try:
        tally("county", Filters())
        assert show() == server_default
    finally:
        app.config["REPORT_WORK_MEM"] = "64MB"
        db.session.rollback()

"""Catalogue search: substring matching that works for Chinese, backed by an index on both databases.

A buyer types 红枣 and expects 新疆柯坪红枣 to turn up, so the search box matches substrings, as
`LIKE '%红枣%'` does. LIKE alone reads every listing, and a word index does not help because Chinese is
written without spaces (PostgreSQL's pg_trgm and SQLite's trigram tokenizer cannot use their index for
queries shorter than three characters, and most Chinese queries are one or two).

So every one- and two-character piece ("term") of each product's search text is kept in
product_search_terms. A text that contains the query contains every term of the query, so the products
holding all of the query's terms are a small superset of the answer; LIKE then checks just those rows.

Each term also holds its product's created_at and price, so newest first (the default) and price either way are
read straight off the first term's index entries: a search page stops once it has its rows (in_term_order())
rather than reading and sorting every match.

The terms follow the products' name, spec, created_at and price: changes made through the ORM are picked up as they
are flushed (the mapper listeners at the bottom); bulk Core statements that write names or specs call
refresh_terms() for the products they wrote, and those that change prices alone reprice_terms().
`flask --app wsgi reindex-search` rebuilds everything.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Join, Select, bindparam, event, inspect, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from shop.catalog.models import Product, SearchTerm
from shop.core.database import SessionLike
from shop.core.joins import left_first

# Any subset of the query's terms still finds every match; a handful keeps the lookup cheap for long queries.
MAX_QUERY_TERMS = 6
_BATCH = 500


def terms_of(search_text: str) -> set[str]:
    """Every character and every pair of neighbouring characters of each whitespace-separated word."""
    terms: set[str] = set()
    for word in search_text.split():
        terms.update(word)
        terms.update(word[i:i + 2] for i in range(len(word) - 1))
    return terms


def query_terms(query: str) -> list[str]:
    """Terms that every text containing `query` (already lower-case) holds: each word's pairs of
    neighbouring characters, or the word itself when it is a single character."""
    terms: dict[str, None] = {}  # ordered and without repeats
    for word in query.split():
        terms.update(dict.fromkeys([word] if len(word) == 1 else [word[i:i + 2] for i in range(len(word) - 1)]))
    return list(terms)[:MAX_QUERY_TERMS]


def matching(stmt: Select, query: str) -> Select:
    """Narrow `stmt` (a select of products) to those whose search text contains `query` (lower-case)."""
    terms = query_terms(query)
    if terms:
        joined, term_columns, _ = _terms_joined(len(terms))
        stmt = stmt.select_from(joined).where(*(column == term for column, term in zip(term_columns, terms)))
        if terms == [query]:
            # A query of one or two characters (no space) is a term itself: a text holds it exactly when the text
            # contains the query, so the term decides alone. Without a LIKE to misjudge, PostgreSQL also sees how
            # many products hold the term, and reads a page off the term's index instead of scanning products.
            return stmt
    # Otherwise the terms only narrow the rows down; LIKE decides. search_text is lower-case already, so this is a
    # case-insensitive match on both databases.
    return stmt.where(Product.search_text.contains(query, autoescape=True))


def in_term_order(query: str, sort: str) -> tuple[Any, ...] | None:
    """The ORDER BY of a matching(stmt, query) statement for `sort` ("newest", "price_asc" or "price_desc"), read
    from its driving term's index (the same order as the catalogue's: the products' created_at or price, then id);
    None when the query has no terms (nothing to drive) or the sort is not one the terms carry."""
    terms = query_terms(query)
    if not terms:
        return None
    first = _terms_joined(len(terms))[2]
    orders = {"newest": (first.c.created_at.desc(), first.c.product_id.desc()),
              "price_asc": (first.c.price_fen.asc(), first.c.product_id.asc()),
              "price_desc": (first.c.price_fen.desc(), first.c.product_id.desc())}
    return orders.get(sort)


@functools.cache
def _terms_joined(count: int):
    """products joined to `count` copies of the terms table, the first one driving; the copies' term
    columns; the driving copy (built once per count: constructing joins is a noticeable share of a search
    page's time)."""
    tables = [SearchTerm.__table__.alias(f"term_{n}") for n in range(count)]
    products = Product.__table__
    # The terms drive: without statistics SQLite would rather walk a products index and probe the terms, which
    # reads the whole catalogue.
    joined: Join = left_first(tables[0], products, tables[0].c.product_id == products.c.id)
    for table in tables[1:]:
        joined = joined.join(table, table.c.product_id == products.c.id)
    return joined, [table.c.term for table in tables], tables[0]


def refresh_terms(connection: Connection | SessionLike, product_ids: Iterable[int]) -> None:
    """Rewrite the terms of these products from their current search text (inside the caller's
    transaction, after the products were written)."""
    if not isinstance(connection, Connection):
        connection = connection.connection()  # a session's, in its transaction
    terms = SearchTerm.__table__
    ids = sorted(set(product_ids))
    for chunk in (ids[start:start + _BATCH] for start in range(0, len(ids), _BATCH)):
        # created_at as the driver gives it (SQLite's text, PostgreSQL's datetime): no conversion to and from a
        # timezone-aware datetime for each of some thirty terms per product
        texts = connection.execute(select(Product.id, Product.search_text, type_coerce(Product.created_at, NullType()),
                                          Product.price_fen).where(Product.id.in_(chunk))).all()
        connection.execute(terms.delete().where(terms.c.product_id.in_(chunk)))
        _write(connection, [(term, created_at, price_fen, product_id)
                            for product_id, text, created_at, price_fen in texts for term in sorted(terms_of(text))])


def reprice_terms(connection: Connection | SessionLike, prices: Iterable[tuple[int, int]]) -> None:
    """Give the terms of these products their new prices, from (product id, price in fen) pairs (inside the caller's
    transaction, as the products' prices are written)."""
    if not isinstance(connection, Connection):
        connection = connection.connection()
    rows = [{"id": product_id, "price": price_fen} for product_id, price_fen in sorted(set(prices))]
    if rows:
        terms = SearchTerm.__table__
        connection.execute(terms.update().where(terms.c.product_id == bindparam("id"))
                           .values(price_fen=bindparam("price")), rows)


def _write(connection: Connection, rows: list[tuple[str, Any, int, int]]) -> None:
    """Insert (term, created at as stored, price, product id) rows: a bulk import writes some thirty per product, which
    PostgreSQL takes several times faster through COPY than as INSERTs, and SQLite straight through the driver's
    executemany."""
    if not rows:
        return
    rows.sort()  # by term: each index page is visited once per batch rather than once per product
    if connection.dialect.name == "postgresql":
        # The driver's connection is the one in the caller's transaction.
        driver_connection = connection.connection.driver_connection
        if driver_connection is None:  # only a connection that was closed or invalidated has none
            raise RuntimeError("the database connection is closed")
        with driver_connection.cursor() as cursor:
            with cursor.copy("COPY product_search_terms (term, created_at, price_fen, product_id) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    else:
        connection.exec_driver_sql(
            "INSERT INTO product_search_terms (term, created_at, price_fen, product_id) VALUES (?, ?, ?, ?)", rows)


def reindex_all(session: SessionLike) -> int:
    """Rebuild the terms of every product; returns how many products were indexed."""
    ids = list(session.scalars(select(Product.id).order_by(Product.id)))
    session.execute(SearchTerm.__table__.delete())
    refresh_terms(session, ids)
    return len(ids)


def stale_products(session: Session) -> list[int]:
    """Ids of products whose stored terms differ from their search text or price (for checks and tests)."""
    stored: dict[int, set[tuple[str, int]]] = {}
    for product_id, term, price_fen in session.execute(
            select(SearchTerm.product_id, SearchTerm.term, SearchTerm.price_fen)):
        stored.setdefault(product_id, set()).add((term, price_fen))
    return [product_id for product_id, text, price_fen in session.execute(
            select(Product.id, Product.search_text, Product.price_fen))
            if stored.get(product_id, set()) != {(term, price_fen) for term in terms_of(text)}]


def _drop_deleted_product(mapper, connection: Connection, product: Product) -> None:
    terms = SearchTerm.__table__
    connection.execute(terms.delete().where(terms.c.product_id == product.id))


def _index_new_product(mapper, connection: Connection, product: Product) -> None:
    refresh_terms(connection, [product.id])


def _reindex_changed_product(mapper, connection: Connection, product: Product) -> None:
    attrs = inspect(product).attrs
    if attrs.name.history.has_changes() or attrs.spec.history.has_changes() or attrs.created_at.history.has_changes():
        refresh_terms(connection, [product.id])
    elif attrs.price_fen.history.has_changes():
        reprice_terms(connection, [(product.id, product.price_fen)])


_LISTENERS = (("after_delete", _drop_deleted_product), ("after_insert", _index_new_product),
              ("after_update", _reindex_changed_product))


def listen() -> None:
    """Keep the terms current on every ORM write to a product (create_app calls it; once per process)."""
    for identifier, listener in _LISTENERS:
        if not event.contains(Product, identifier, listener):
            event.listen(Product, identifier, listener)

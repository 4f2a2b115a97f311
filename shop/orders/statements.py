"""The statements a checkout runs, each built once per process with bound parameters (building a statement and its
cache key cost more than running it), and how they are run: on the session's connection, in its transaction."""
from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Executable, Result, Table, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from shop.catalog.models import Product
from shop.cooperatives.models import Cooperative
from shop.extensions import db
from shop.orders.models import Address, Cart, CartLine, Order, OrderCounter
from shop.regions.models import Region


def execute(statement: Executable, params: Any) -> Result[Any]:
    """Run one of these statements on the session's connection, in its transaction. Not through Session.execute:
    its per-statement events (the catalogue's and the tallies' bookkeeping, which none of these statements need
    but the stock decrement, whose caller tells the catalogue itself) cost more than a statement's own work."""
    return db.session.connection().execute(statement, params)


def snapshot_columns() -> tuple[Any, ...]:
    """What an order line snapshots of a product, with its cooperative and county (join both in); table columns,
    so a statement of them runs without the ORM's compilation step."""
    products, cooperatives, regions = Product.__table__.c, Cooperative.__table__.c, Region.__table__.c
    return (products.id, products.name, products.sku, products.spec, products.unit, products.net_weight_g,
            products.is_active, products.cooperative_id, products.origin_county_code, products.category_id,
            cooperatives.name.label("cooperative_name"), cooperatives.status.label("cooperative_status"),
            regions.name.label("county_name"))


@cache
def cart_lines() -> Executable:
    """The user's (`user_id`) cart lines in product-id order, each with its cart id and quantity, what the order
    line snapshots of the product, and its cooperative's shipping terms."""
    lines, carts, products = CartLine.__table__, Cart.__table__, Product.__table__
    cooperatives, regions = Cooperative.__table__, Region.__table__
    return (select(lines.c.cart_id, lines.c.quantity, *snapshot_columns(), cooperatives.c.shipping_fee_fen,
                   cooperatives.c.free_shipping_from_fen)
            .select_from(lines.join(carts, carts.c.id == lines.c.cart_id)
                         .join(products, products.c.id == lines.c.product_id)
                         .join(cooperatives, cooperatives.c.id == products.c.cooperative_id)
                         .join(regions, regions.c.code == products.c.origin_county_code))
            .where(carts.c.user_id == bindparam("user_id")).order_by(lines.c.product_id))


@cache
def take_stock() -> Executable:
    """The guarded decrement: `quantity` units of product `product_id` if that many are left and it is on sale,
    returning its price and the stock left (no row when refused)."""
    table = Product.__table__
    quantity = bindparam("quantity", type_=table.c.stock.type)
    return (update(table)
            .where(table.c.id == bindparam("product_id"), table.c.stock >= quantity, table.c.is_active.is_(True))
            .values(stock=table.c.stock - quantity)
            .returning(table.c.price_fen, table.c.stock))


@cache
def bump_counter(dialect: str) -> Executable:
    """The `day`'s order counter moved by one (created at 1), returning it: an upsert for the dialect."""
    table = OrderCounter.__table__
    upsert = pg_insert if dialect == "postgresql" else sqlite_insert
    return (upsert(table).values(day=bindparam("day", type_=table.c.day.type), last=1)
            .on_conflict_do_update(index_elements=[table.c.day], set_={"last": table.c.last + 1})
            .returning(table.c.last))


@cache
def insert_order() -> Executable:
    """The order's INSERT, returning its id."""
    table = Order.__table__
    return insert(table).returning(table.c.id)


@cache
def insert_into(table: Table) -> Executable:
    """A plain INSERT into `table` of the columns its parameters name."""
    return insert(table)


@cache
def remember_address(fields: tuple[str, ...]) -> Executable:
    """The user's (`user_id`) address of these `fields` saved (with `created_at`) unless they have it already: one
    INSERT ... SELECT ... WHERE NOT EXISTS."""
    table = Address.__table__
    names = ["user_id", "created_at", *fields]
    known = select(table.c.id).where(*[table.c[name] == bindparam(name) for name in names if name != "created_at"])
    return insert(table).from_select(names, select(*[bindparam(name, type_=table.c[name].type).label(name)
                                                     for name in names]).where(~known.exists()))

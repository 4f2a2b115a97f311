"""Saving a plan: bulk inserts and updates in the caller's transaction, so a file is saved whole or not at all."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import insert, select, update

from shop.catalog import search
from shop.catalog.importing.columns import FIELDS
from shop.catalog.importing.exceptions import ImportRejected
from shop.catalog.importing.planning import Plan
from shop.catalog.models import Product
from shop.cooperatives.models import Cooperative
from shop.core.database import utcnow
from shop.extensions import db

OPTIONAL_TEXT = ("certificate_type", "certificate_number", "certificate_issuer")


def save_plan(cooperative: Cooperative, plan: Plan) -> dict[str, int]:
    """Write the plan inside the caller's transaction; stock is set to the file's figure (never below zero, so a
    checkout running at the same moment can never make it negative). Returns what was done, counted."""
    if plan.errors:
        raise ImportRejected(_("The file still has errors; nothing was saved."))
    now = utcnow()
    written = _insert_creates(cooperative, plan.creates, now) + _update_existing(cooperative, plan.updates, now)
    # Bulk statements bypass the ORM's listeners: the search index of new and renamed products is
    # brought up to date here.
    search.refresh_terms(db.session, written)
    if plan.absent:
        db.session.execute(
            update(Product).where(Product.cooperative_id == cooperative.id,
                                  Product.id.in_([absent[0] for absent in plan.absent]))
            .values(stock=0, updated_at=now).execution_options(synchronize_session=False))
    return {"created": len(plan.creates), "updated": len(plan.updates), "zeroed": len(plan.absent)}


def _product_values(values: dict) -> dict:
    """The Product columns of a planned row; optional certificate text left empty is stored as NULL."""
    result = {key: values[key] for key in FIELDS}
    for key in OPTIONAL_TEXT:
        result[key] = result[key] or None
    return result


def _insert_creates(cooperative: Cooperative, creates: list[dict], now: datetime) -> list[int]:
    """Insert the new products in one statement; returns their ids."""
    if not creates:
        return []
    return list(db.session.scalars(insert(Product).returning(Product.id), [
        {**_product_values(values), "cooperative_id": cooperative.id, "origin_county_code": cooperative.county_code,
         "is_active": True, "created_at": now, "updated_at": now} for values in creates]).all())


def _update_existing(cooperative: Cooperative, updates: list[dict], now: datetime) -> list[int]:
    """Update the existing products in one executemany; returns the ids of those renamed or respecified (whose
    search terms the caller rewrites). The terms of those only repriced get their new price here."""
    if not updates:
        return []
    before = {product_id: (name, spec, price_fen) for product_id, name, spec, price_fen in db.session.execute(
        select(Product.id, Product.name, Product.spec, Product.price_fen)
        .where(Product.cooperative_id == cooperative.id))}
    renamed, repriced = [], []
    for values in updates:
        name, spec, price_fen = before.get(values["id"], (None, None, None))
        if (name, spec) != (values["name"], values["spec"]):
            renamed.append(values["id"])
        elif price_fen != values["price_fen"]:
            repriced.append((values["id"], values["price_fen"]))
    # Ids come from this cooperative's own products, read by the plan in the same transaction, so one
    # executemany UPDATE by primary key is safe and fast.
    db.session.execute(update(Product), [{**_product_values(values), "id": values["id"], "updated_at": now}
                                         for values in updates])
    search.reprice_terms(db.session, repriced)
    return renamed

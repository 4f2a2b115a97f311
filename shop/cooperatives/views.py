"""Public cooperative pages."""
from __future__ import annotations

from flask import Blueprint, abort, render_template

from shop.catalog import queries as catalog_queries
from shop.catalog.queries import ProductFilters
from shop.cooperatives.queries import get_verified_cooperative

bp = Blueprint("cooperatives", __name__)

COOPERATIVE_PRODUCTS = 24


@bp.get("/cooperatives/<int:cooperative_id>")
def cooperative_detail(cooperative_id: int):
    cooperative = get_verified_cooperative(cooperative_id)
    if cooperative is None:
        abort(404)
    filters = ProductFilters(cooperative=cooperative_id)
    page = catalog_queries.search_products(filters, 1, COOPERATIVE_PRODUCTS)
    return render_template("cooperatives/cooperative.html", cooperative=cooperative, page=page)

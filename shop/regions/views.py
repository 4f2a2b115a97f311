"""The region tree for pickers: a region's children as JSON (`/regions/<code>/children`)."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify

from shop.extensions import db
from shop.regions.models import Region
from shop.regions.queries import children_of

bp = Blueprint("regions", __name__)

CACHE_SECONDS = 3600  # the tree changes only when staff load a new code table


@bp.get("/regions/<string(length=6):code>/children")
def children(code: str):
    """The regions directly under `code`, as JSON: {"regions": [{"code", "name"}, ...]}."""
    if not code.isdigit() or db.session.get(Region, code) is None:
        abort(404)
    response = jsonify(regions=[{"code": r.code, "name": r.name} for r in children_of(code)])
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    return response

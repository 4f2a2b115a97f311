"""`GET /api/v1/tallies`: the staff tallies as JSON for partner platforms, behind bearer tokens."""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import force_locale

from shop.api.services import authenticate
from shop.reports.exports import kilograms, yuan
from shop.reports.forms import TallyFilterForm
from shop.reports.ledger import Row, tally

bp = Blueprint("api", __name__)


def _error(status: int, code: str, message: str):
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="bangfu"'
    return response


def _metrics(row: Row) -> dict:
    return {"orders": row.orders, "buyers": row.buyers, "units": row.units, "weight_kg": kilograms(row.weight_g),
            "gross_yuan": yuan(row.gross_fen), "refunded_yuan": yuan(row.refunded_fen), "net_yuan": yuan(row.net_fen)}


@bp.get("/tallies")
def tallies():
    if authenticate(request.headers.get("Authorization")) is None:
        return _error(401, "unauthorized", "a valid bearer token is required")
    with force_locale("en"):  # partners get English messages
        form = TallyFilterForm(formdata=request.args)
        if not form.validate():
            return _error(400, "bad_request", form.error_text())
    result = tally(form.by.data, form.to_filters())
    keys = [name for name, _ in result.grouping.keys]
    return jsonify(
        by=form.by.data,
        **{"from": form.date_from.data.isoformat() if form.date_from.data else None,
           "to": form.date_to.data.isoformat() if form.date_to.data else None},
        currency="CNY",
        rows=[{**{key: row.keys.get(key) for key in keys}, **_metrics(row)} for row in result.rows],
        totals=_metrics(result.require_totals()),
        notes=result.notes,
    )

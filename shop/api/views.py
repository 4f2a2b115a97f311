"""`GET /api/v1/tallies` and `GET /api/v1/pledges`: the staff tallies and pledge progress as JSON for partner
platforms, behind bearer tokens."""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import force_locale

from shop.api.services import authenticate
from shop.core.money import fen_to_yuan_str
from shop.core.timezones import today_in_china
from shop.reports import pledges
from shop.reports.columns import METRIC_COLUMNS, columns_of
from shop.reports.forms import PledgeYearForm, TallyFilterForm
from shop.reports.ledger import Row, tally
from shop.web.forms import error_text

bp = Blueprint("api", __name__)


def _error(status: int, code: str, message: str):
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="bangfu"'
    return response


def _fields(columns, row: Row) -> dict:
    """A row as the API writes it: the tally's column keys, money and weight as exact decimal text."""
    return {column.key: column.json(row) for column in columns}


@bp.get("/tallies")
def tallies():
    if authenticate(request.headers.get("Authorization")) is None:
        return _error(401, "unauthorized", "a valid bearer token is required")
    with force_locale("en"):  # partners get English messages
        form = TallyFilterForm(formdata=request.args)
        if not form.validate():
            return _error(400, "bad_request", error_text(form))
    result = tally(form.by.data, form.to_filters())
    columns = columns_of(result.grouping)
    return jsonify(
        by=form.by.data,
        **{"from": form.date_from.data.isoformat() if form.date_from.data else None,
           "to": form.date_to.data.isoformat() if form.date_to.data else None},
        currency="CNY",
        rows=[_fields(columns, row) for row in result.rows],
        totals=_fields(METRIC_COLUMNS, result.require_totals()),
        notes=result.notes,
    )


@bp.get("/pledges")
def pledge_list():
    """Every organization's pledge for `year` (this year by default) with its completion; money as yuan text."""
    if authenticate(request.headers.get("Authorization")) is None:
        return _error(401, "unauthorized", "a valid bearer token is required")
    with force_locale("en"):
        form = PledgeYearForm(formdata=request.args)
        if not form.validate():
            return _error(400, "bad_request", error_text(form))
    year = form.year.data or today_in_china().year
    money = {key for key, _header, kind in pledges.COLUMNS if kind == "money"}
    rows = [{key: fen_to_yuan_str(int(value)) if key in money and value is not None else value
             for key, value in pledges.record(row).items()} for row in pledges.all_progress(year)]
    return jsonify(year=year, currency="CNY", pledges=rows)

"""The staff tallies page and its CSV/XLSX exports (the same query, the same filters); the pledges page
(`/staff/pledges`) and its exports."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue

from shop.accounts.decorators import staff_required
from shop.core.timezones import today_in_china
from shop.reports import charts, exports, menus, pledges
from shop.reports.columns import METRIC_COLUMNS, key_columns
from shop.reports.forms import PledgeYearForm, TallyFilterForm
from shop.reports.ledger import tally
from shop.reports.rollup_read import county_net_sales, monthly_net_sales
from shop.web.downloads import csv_download, xlsx_download
from shop.web.forms import error_text

bp = Blueprint("reports", __name__)
pledges_bp = Blueprint("pledges", __name__)


def _form() -> TallyFilterForm:
    form = TallyFilterForm(formdata=request.args)
    if not form.validate():
        abort(400, description=error_text(form))
    return form


@bp.get("/")
@staff_required
def tallies() -> ResponseReturnValue:
    form = _form()
    filters = form.to_filters()
    result = tally(form.by.data, filters)
    # The charts show net sales of groups, never totals or distinct counts: sums alone, unless the table has them.
    if form.by.data == "county":
        counties = [(str(row.keys["county"]), row.net_fen) for row in result.rows]
    else:
        counties = county_net_sales(filters)
    if form.by.data == "month":
        months = [(str(row.keys["month"]), row.net_fen) for row in result.rows]
    else:
        months = monthly_net_sales(filters)
    return render_template("staff/tallies.html", form=form, tally=result, key_columns=key_columns(result.grouping),
                           metric_columns=METRIC_COLUMNS, args=form.query_args(),
                           menus=menus.filter_menus(),
                           county_bars=charts.bars(counties), trend=charts.trend(months))


def _filename(form: TallyFilterForm, extension: str) -> str:
    period = "-".join(str(d) for d in (form.date_from.data, form.date_to.data) if d) or "all"
    return f"tallies-{form.by.data}-{period}.{extension}"


@bp.get("/export.csv")
@staff_required
def export_csv() -> ResponseReturnValue:
    form = _form()
    result = tally(form.by.data, form.to_filters(), with_totals=False)
    return csv_download(_filename(form, "csv"), exports.header(result), exports.rows(result))


@bp.get("/export.xlsx")
@staff_required
def export_xlsx() -> ResponseReturnValue:
    form = _form()
    result = tally(form.by.data, form.to_filters())
    names = menus.filter_menus()
    data = exports.xlsx_bytes(result, form.described(lambda name, value: menus.label_of(names, name, value)))
    return xlsx_download(_filename(form, "xlsx"), data)


def _pledge_year() -> int:
    form = PledgeYearForm(formdata=request.args)
    if not form.validate():
        abort(400, description=error_text(form))
    return form.year.data or today_in_china().year


@pledges_bp.get("/")
@staff_required
def pledge_list() -> ResponseReturnValue:
    """Every organization's pledge for the year with its completion."""
    year = _pledge_year()
    return render_template("staff/pledges.html", year=year, rows=pledges.all_progress(year))


@pledges_bp.get("/export.csv")
@staff_required
def pledge_csv() -> ResponseReturnValue:
    """The pledge list as CSV (UTF-8 with BOM)."""
    year = _pledge_year()
    return csv_download(f"pledges-{year}.csv", [key for key, _header, _kind in pledges.COLUMNS],
                        pledges.csv_rows(pledges.all_progress(year)))


@pledges_bp.get("/export.xlsx")
@staff_required
def pledge_xlsx() -> ResponseReturnValue:
    """The pledge list as an Excel workbook."""
    year = _pledge_year()
    return xlsx_download(f"pledges-{year}.xlsx", pledges.xlsx_bytes(pledges.all_progress(year), year))

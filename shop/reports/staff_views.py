"""The staff tallies page and its CSV/XLSX exports (the same query, the same filters)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask.typing import ResponseReturnValue

from shop.accounts.decorators import staff_required
from shop.reports import charts, exports, menus
from shop.reports.forms import COLUMN_LABELS, GROUPING_LABELS, TallyFilterForm
from shop.reports.ledger import METRICS, tally

bp = Blueprint("reports", __name__)


def _form() -> TallyFilterForm:
    form = TallyFilterForm(formdata=request.args)
    if not form.validate():
        abort(400, description=form.error_text())
    return form


@bp.get("/")
@staff_required
def tallies() -> ResponseReturnValue:
    form = _form()
    filters = form.to_filters()
    result = tally(form.by.data, filters)
    by_county = result if form.by.data == "county" else tally("county", filters)
    by_month = result if form.by.data == "month" else tally("month", filters)
    return render_template("staff/tallies.html", form=form, tally=result, metrics=METRICS,
                           grouping_labels=GROUPING_LABELS, columns=COLUMN_LABELS, args=form.query_args(),
                           menus=menus.filter_menus(),
                           county_bars=charts.bars(by_county.rows, "county"), trend=charts.trend(by_month.rows))


def _filename(form: TallyFilterForm, extension: str) -> str:
    period = "-".join(str(d) for d in (form.date_from.data, form.date_to.data) if d) or "all"
    return f"tallies-{form.by.data}-{period}.{extension}"


@bp.get("/export.csv")
@staff_required
def export_csv() -> ResponseReturnValue:
    form = _form()
    result = tally(form.by.data, form.to_filters(), with_totals=False)
    lines = (line.encode("utf-8") for line in exports.csv_lines(result))
    return Response(stream_with_context(lines), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{_filename(form, "csv")}"'})


@bp.get("/export.xlsx")
@staff_required
def export_xlsx() -> ResponseReturnValue:
    form = _form()
    result = tally(form.by.data, form.to_filters())
    names = menus.filter_menus()
    data = exports.xlsx_bytes(result, form.described(lambda name, value: menus.label_of(names, name, value)))
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{_filename(form, "xlsx")}"'})

"""Fulfilment in the cooperative portal: `/coop/orders`, shipping, and the packing list."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from shop.cooperatives.portal import coop_required, fulfils_orders
from shop.orders import fulfilment, lifecycle
from shop.orders.exceptions import OrderError
from shop.orders.forms import ShipForm
from shop.orders.models import OrderStatus
from shop.web.downloads import csv_download

bp = Blueprint("orders", __name__)


@bp.get("/")
@coop_required
def order_list() -> ResponseReturnValue:
    tab = request.args.get("tab", "to_ship")
    if tab not in fulfilment.FULFILMENT_TABS:
        abort(400, description=_("Unknown tab"))
    return render_template("coop/orders.html", tab=tab, rows=fulfilment.fulfilment_orders(g.cooperative.id, tab),
                           form=ShipForm(formdata=None), S=OrderStatus)


@bp.post("/<number>/ship")
@coop_required
@fulfils_orders
def ship(number: str) -> ResponseReturnValue:
    order = fulfilment.fulfilment_order(g.cooperative.id, number)
    if order is None:
        abort(404)
    form = ShipForm()
    if not form.validate():
        flash(_("Enter the carrier and the tracking number."), "error")
        return redirect(url_for("coop.orders.order_list"))
    try:
        lifecycle.ship(order.id, g.cooperative.id, form.carrier.data, form.tracking_number.data, current_user.id)
    except OrderError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Order %(number)s marked as shipped; the buyer is told by email.", number=number), "success")
    return redirect(url_for("coop.orders.order_list"))


@bp.get("/packing-list.csv")
@coop_required
def packing_list() -> ResponseReturnValue:
    rows = list(fulfilment.packing_rows(g.cooperative.id))
    return csv_download("packing-list.csv", fulfilment.PACKING_HEADER, rows, private=True)

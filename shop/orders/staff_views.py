"""The staff order desk: every order, filtered and paged; open one; cancel with a reason."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from shop.accounts.decorators import staff_required
from shop.orders import lifecycle, queries
from shop.orders.exceptions import OrderError
from shop.orders.forms import CancelForm
from shop.orders.lookups import order_or_404
from shop.orders.models import Order
from shop.orders.staff_forms import StaffOrderFilterForm
from shop.payments import refunds
from shop.reports.menus import filter_menus
from shop.web.forms import error_text

bp = Blueprint("orders", __name__)


@bp.get("/")
@staff_required
def order_list() -> ResponseReturnValue:
    form = StaffOrderFilterForm(formdata=request.args)
    if not form.validate():
        abort(400, description=error_text(form))
    page = queries.staff_orders(form.to_filters(), form.page.data or 1)
    return render_template("staff/orders.html", form=form, page=page, menus=filter_menus())


@bp.get("/<number>")
@staff_required
def order_detail(number: str) -> ResponseReturnValue:
    order = order_or_404(number)
    return _order_page(order, CancelForm())


def _order_page(order: Order, form: CancelForm) -> str:
    return render_template("staff/order.html", order=order, form=form, payment=refunds.order_payment(order.id),
                           history=refunds.refunds_for(order.id))


@bp.post("/<number>/cancel")
@staff_required
def order_cancel(number: str) -> ResponseReturnValue:
    order = order_or_404(number)
    form = CancelForm()
    if not form.validate():
        flash(_("Give a reason for cancelling."), "error")
        return _order_page(order, form), 400
    try:
        lifecycle.cancel_order(order.id, current_user.id, form.reason.data, by_staff=True)
        flash(_("Order %(number)s cancelled; its stock was given back.", number=number), "success")
    except OrderError as exc:
        flash(str(exc), "error")
    return redirect(url_for("staff.orders.order_detail", number=number))

"""Fulfilment in the cooperative portal: `/coop/orders`, shipping (a gift order per recipient), the packing list;
and an organization's gift orders (`/org/<id>/gifts`: upload recipients, preview, confirm)."""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from shop.accounts.models import OrganizationRole
from shop.catalog.importing import reading
from shop.catalog.importing.exceptions import ImportRejected
from shop.cooperatives.portal import coop_required, fulfils_orders
from shop.orders import fulfilment, lifecycle
from shop.orders.exceptions import OrderError
from shop.orders.forms import GiftConfirmForm, GiftFileForm, ShipForm
from shop.orders.gifts import columns as gift_columns
from shop.orders.gifts import services as gift_services
from shop.orders.gifts import template as gift_template
from shop.orders.gifts.planning import MAX_RECIPIENT_ROWS
from shop.orders.models import OrderStatus
from shop.organizations.portal import org_member_required
from shop.web.downloads import csv_download, xlsx_download

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


@bp.get("/<number>/recipients")
@coop_required
def gift_recipients(number: str) -> ResponseReturnValue:
    """A gift order's parcels from this cooperative: one per recipient, each shipped with its own tracking number."""
    order = fulfilment.fulfilment_order(g.cooperative.id, number)
    if order is None or not order.is_gift:
        abort(404)
    return render_template("coop/gift_recipients.html", order=order, form=ShipForm(formdata=None), S=OrderStatus,
                           parcels=fulfilment.gift_parcels(g.cooperative.id, order.id))


@bp.post("/<number>/recipients/<int:recipient_id>/ship")
@coop_required
@fulfils_orders
def ship_recipient(number: str, recipient_id: int) -> ResponseReturnValue:
    order = fulfilment.fulfilment_order(g.cooperative.id, number)
    if order is None or not order.is_gift:
        abort(404)
    form = ShipForm()
    if not form.validate():
        flash(_("Enter the carrier and the tracking number."), "error")
    else:
        try:
            lifecycle.ship(order.id, g.cooperative.id, form.carrier.data, form.tracking_number.data, current_user.id,
                           recipient_id=recipient_id)
        except OrderError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Parcel marked as shipped."), "success")
    return redirect(url_for("coop.orders.gift_recipients", number=number))


# -- an organization's gift orders: /org/<id>/gifts -------------------------------------------------------------------

gifts_bp = Blueprint("gifts", __name__)
BUYING = tuple(role for role in OrganizationRole if role.can_buy)


def buyers_only(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """org_member_required for the roles that may order (admins and purchasers), typed for this module."""
    wrapped: Callable[..., ResponseReturnValue] = org_member_required(*BUYING)(view)
    return wrapped


def _gifts_page(form: GiftFileForm, status: int = 200) -> ResponseReturnValue:
    return render_template("org/gifts.html", organization=g.organization, form=form, columns=gift_columns.COLUMNS,
                           instructions=gift_columns.INSTRUCTIONS, max_mb=reading.MAX_FILE_BYTES // 2**20,
                           max_rows=MAX_RECIPIENT_ROWS), status


# One endpoint for the page and its upload: with two, a POST to an id out of range would be told 405, not 404.
@gifts_bp.route("/<int:organization_id>/gifts", methods=["GET", "POST"])
@buyers_only
def gift_start() -> ResponseReturnValue:
    """The upload page, and the upload itself: a readable file goes on to its preview."""
    if request.method == "GET":
        return _gifts_page(GiftFileForm(formdata=None))
    form = GiftFileForm()
    if form.validate():
        data = form.file.data.read(reading.MAX_FILE_BYTES + 1)
        try:
            upload = gift_services.start_gifts(g.organization.id, current_user.id, form.file.data.filename or "",
                                               data)
        except (ImportRejected, OrderError) as exc:
            form.file.errors = [str(exc)]
        else:
            return redirect(url_for("org.gifts.gift_preview", organization_id=g.organization.id,
                                    upload_id=upload.id))
    return _gifts_page(form, 400)


@gifts_bp.get("/<int:organization_id>/gifts/<int:upload_id>")
@buyers_only
def gift_preview(upload_id: int) -> ResponseReturnValue:
    upload = gift_services.own_upload(g.organization.id, upload_id)
    if upload is None:
        abort(404)
    plan = gift_services.preview_gifts(upload)
    return render_template("org/gift_preview.html", organization=g.organization, upload=upload, plan=plan,
                           form=GiftConfirmForm(expected_total=str(plan.total_fen)))


@gifts_bp.post("/<int:organization_id>/gifts/<int:upload_id>/confirm")
@buyers_only
def gift_confirm(upload_id: int) -> ResponseReturnValue:
    if gift_services.own_upload(g.organization.id, upload_id) is None:
        abort(404)
    form = GiftConfirmForm()
    if not form.validate():
        abort(400, description=_("The form has expired; please try again."))
    try:
        order = gift_services.confirm_gifts(g.organization.id, upload_id, current_user.id,
                                            int(form.expected_total.data),
                                            payment_minutes=current_app.config["ORDER_PAYMENT_MINUTES"],
                                            invoice=form.invoice_choice())
    except OrderError as exc:
        flash(str(exc), "error")
        return redirect(url_for("org.gifts.gift_preview", organization_id=g.organization.id, upload_id=upload_id))
    return redirect(url_for("payments.pay", number=order.number))


@gifts_bp.get("/<int:organization_id>/gifts/template.xlsx")
@buyers_only
def gift_template_xlsx() -> ResponseReturnValue:
    return xlsx_download("gift-recipients-template.xlsx", gift_template.template_xlsx())


@gifts_bp.get("/<int:organization_id>/gifts/template.csv")
@buyers_only
def gift_template_csv() -> ResponseReturnValue:
    header, *rows = gift_template.template_rows()
    return csv_download("gift-recipients-template.csv", header, rows)

"""The cooperative portal's own pages: its home, the application to join, and what invoices it can issue
(`/coop/`, `/coop/apply`, `/coop/invoicing`), and its shipping terms (`/coop/shipping`)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from shop.cooperatives import applications
from shop.cooperatives.forms import ApplicationForm, InvoiceCapabilityForm, ShippingForm
from shop.cooperatives.invoicing import declare_invoice_capability
from shop.cooperatives.models import CooperativeKind, InvoiceCapability
from shop.cooperatives.portal import coop_required
from shop.cooperatives.shipping import ShippingRefused, set_shipping_terms
from shop.core.money import fen_to_yuan_str
from shop.core.timezones import today_in_china
from shop.orders.fulfilment import to_ship_summary
from shop.reports.dashboards import coop_dashboard
from shop.web.backoffice import Family, NavEntry

bp = Blueprint("cooperatives", __name__)

NAV = Family(
    name="coop", title=_l("Cooperative portal"), home="coop.cooperatives.home",
    # g.cooperative is set by @coop_required: pages without one (applying, choosing) keep the shop's layout.
    allowed=lambda: g.get("cooperative") is not None,
    entries=(
        NavEntry(_l("Overview"), "coop.cooperatives.home"),
        NavEntry(_l("Listings"), "coop.catalog.product_list"),
        NavEntry(_l("Bulk upload"), "coop.catalog.import_start"),
        NavEntry(_l("Orders to ship"), "coop.orders.order_list", badge=lambda: to_ship_summary(g.cooperative.id)[0]),
        NavEntry(_l("Invoices"), "coop.invoices.invoice_list"),
        NavEntry(_l("Shipping"), "coop.cooperatives.shipping"),
    ),
)
"""The cooperative portal's side navigation; entries for pages that do not exist (yet) are left out when drawn."""


@bp.get("/")
@coop_required
def home():
    board = coop_dashboard(g.cooperative.id, today_in_china(), current_app.config["LOW_STOCK_UNITS"])
    return render_template("coop/home.html", cooperative=g.cooperative, board=board)


@bp.route("/apply", methods=["GET", "POST"])
@login_required
def apply():
    form = ApplicationForm()
    submitted = request.method == "POST" and not form.region_step.data
    form.load_region_choices()
    if submitted and form.validate():
        data = applications.Application(
            name=form.name.data, credit_code=form.credit_code.data, county_code=form.region_county.data,
            kind=form.kind.data, contact_name=form.contact_name.data, contact_phone=form.contact_phone.data,
            description=form.description.data or "")
        try:
            cooperative = applications.apply(current_user.id, data, form.licence.content())
        except applications.LicenceRejected as exc:
            form.licence.drop()
            form.licence.errors = [*form.licence.errors, str(exc)]
        except applications.ApplicationError as exc:
            form.form_errors.append(str(exc))
        else:
            form.licence.release()
            flash(_("Thank you! “%(name)s” is registered and waits for verification by the platform.",
                    name=cooperative.name), "success")
            return redirect(url_for("coop.cooperatives.home"))
    if request.method == "POST":
        form.licence.keep()  # the next submit (or the next level of the county) need not choose it again
    return render_template("coop/apply.html", form=form), 400 if submitted else 200


@bp.route("/invoicing", methods=["GET", "POST"])
@coop_required
def invoicing():
    """Declare what invoices the cooperative can issue; buyers asking for another kind are refused at checkout."""
    form = InvoiceCapabilityForm(data={"capability": g.cooperative.invoice_capability.value})
    if request.method == "POST":
        form = InvoiceCapabilityForm()
        if form.validate():
            declare_invoice_capability(g.cooperative.id, InvoiceCapability(form.capability.data))
            flash(_("Saved what your cooperative can issue."), "success")
            return redirect(url_for("coop.cooperatives.invoicing"))
        status = 400
    else:
        status = 200
    exempt = g.cooperative.kind == CooperativeKind.COOPERATIVE
    return render_template("coop/invoicing.html", form=form, exempt=exempt), status


@bp.route("/shipping", methods=["GET", "POST"])
@coop_required
def shipping():
    """Set the fee per parcel and the 包邮 threshold that checkout charges from now on."""
    cooperative = g.cooperative
    threshold = cooperative.free_shipping_from_fen
    form = ShippingForm(data={"fee": fen_to_yuan_str(cooperative.shipping_fee_fen),
                              "free_from": "" if threshold is None else fen_to_yuan_str(threshold)})
    status = 200
    if request.method == "POST":
        form = ShippingForm()
        if form.validate():
            try:
                set_shipping_terms(cooperative.id, current_user.id, form.fee.fen or 0, form.free_from.fen)
            except ShippingRefused as exc:
                form.form_errors.append(str(exc))
            else:
                flash(_("Saved your shipping terms; orders placed from now on use them."), "success")
                return redirect(url_for("coop.cooperatives.shipping"))
        status = 400
    return render_template("coop/shipping.html", form=form), status

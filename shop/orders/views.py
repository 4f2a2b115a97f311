"""Buyer pages: cart, checkout, the order list with its tabs, and an order with its timeline."""
from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from shop.accounts.acting import acting_organization_id
from shop.accounts.decorators import login_required
from shop.accounts.models import OrganizationMembership
from shop.invoices import queries as invoices
from shop.orders import cart as carts
from shop.orders import lifecycle, queries
from shop.orders.addresses import NEW_ADDRESS, delete_address, delivery_address, region_choices
from shop.orders.checkout import place_order, saved_addresses
from shop.orders.exceptions import AddressNotFound, AddressRefused, EmptyCart, OrderError, OutOfStock, PriceChanged
from shop.orders.forms import ADDRESS_FIELDS, AddToCartForm, CheckoutForm, QuantityForm
from shop.orders.gifts import queries as gift_queries
from shop.orders.gifts.places import MUNICIPAL_PREFECTURES, Places
from shop.orders.lookups import buyer_order_or_404
from shop.orders.models import Address, OrderStatus
from shop.orders.signals import CART_TOKEN
from shop.organizations.models import OrganizationStatus
from shop.payments import refunds
from shop.web.forms import ConfirmForm, error_text, require_confirmation

bp = Blueprint("orders", __name__)

# Where deleting a saved address returns to (the `next` argument), by name: never a URL taken from the request.
ADDRESS_RETURNS = {"checkout": "orders.checkout", "account": "accounts.overview"}


def cart_owner(create: bool = False) -> carts.CartOwner:
    """The signed-in user's cart, or the visitor's (a token kept in their session)."""
    if current_user.is_authenticated:
        return carts.CartOwner(user_id=current_user.id)
    token = session.get(CART_TOKEN)
    if token is None and create:
        token = session[CART_TOKEN] = secrets.token_urlsafe(24)
    return carts.CartOwner(token=token)


@bp.app_context_processor
def _cart_badge() -> dict[str, Callable[[], int]]:
    """`cart_count()` for the header and the phones' tab bar: a callable, so only pages that show it pay for it."""
    return {"cart_count": lambda: queries.cart_quantity(cart_owner())}


@bp.get("/cart")
def cart() -> ResponseReturnValue:
    rows = carts.cart_rows(cart_owner())
    groups = queries.group_cart(rows)
    return render_template("orders/cart.html", groups=groups, total=queries.cart_total(groups),
                           items=sum(row.line.quantity for row in rows if row.available))


@bp.post("/cart/add")
def cart_add() -> ResponseReturnValue:
    form = AddToCartForm()
    if not form.validate():
        flash(error_text(form), "error")
        return redirect(url_for("orders.cart"))
    try:
        carts.add_to_cart(cart_owner(create=True), form.product_id.data, form.quantity.data)
    except OrderError as exc:
        flash(str(exc), "error")
        return redirect(url_for("catalog.product_detail", product_id=form.product_id.data))
    flash(_("Added to your cart."), "success")
    return redirect(url_for("orders.cart"))


@bp.post("/cart/<int:product_id>")
def cart_update(product_id: int) -> ResponseReturnValue:
    form = QuantityForm()
    if not form.validate():
        flash(error_text(form), "error")
    else:
        try:
            carts.set_quantity(cart_owner(), product_id, form.quantity.data)
        except OrderError as exc:
            flash(str(exc), "error")
    return redirect(url_for("orders.cart"))


@bp.post("/cart/<int:product_id>/remove")
def cart_remove(product_id: int) -> ResponseReturnValue:
    require_confirmation()
    try:
        carts.remove_line(cart_owner(), product_id)
    except OrderError as exc:
        flash(str(exc), "error")
    return redirect(url_for("orders.cart"))


def _offer_choices(form: CheckoutForm, addresses: list[Address], organizations: bool = True,
                   regions: bool = True) -> None:
    """Fill the form's choices: whom the order is for (the user's organizations unless `organizations` is False),
    the saved `addresses` and, unless `regions` is False, the region selects."""
    choices = [SelectChoice("self", _("Myself (public buyer)"))]
    if organizations:
        choices += [_buy_for(m) for m in current_user.organization_memberships]
    form.buy_for.choices = choices
    form.show_addresses(addresses, region_choices(Places(), form.province.data or "", form.city.data or "")
                        if regions else None)


def _buy_for(membership: OrganizationMembership) -> SelectChoice:
    """An organization that is not verified, or one the member may not buy for (a viewer), is shown but cannot be
    picked; a form from before such a change is refused by the checkout, which says why."""
    organization = membership.organization
    value = f"org:{organization.id}"
    if organization.is_active and membership.role.can_buy:
        return SelectChoice(value, organization.name)
    if organization.status == OrganizationStatus.SUSPENDED:
        label = _("%(name)s (suspended by the platform)", name=organization.name)
    elif not organization.is_active:
        label = _("%(name)s (not verified by the platform)", name=organization.name)
    else:
        label = _("%(name)s (your role cannot order)", name=organization.name)
    return SelectChoice(value, label, render_kw={"disabled": True})


def _render_checkout(form: CheckoutForm, addresses: list[Address] | None = None, status: int = 200,
                     rows: list[carts.CartRow] | None = None) -> ResponseReturnValue:
    """The checkout page; without `addresses` the form's choices are filled here, all of them."""
    if addresses is None:
        addresses = saved_addresses(current_user.id)
        _offer_choices(form, addresses)
    rows = carts.cart_rows(cart_owner()) if rows is None else rows
    groups = queries.group_cart(rows)
    total = queries.cart_total(groups)
    form.expected_total.data = str(total)
    form.checkout_token.data = form.checkout_token.data or secrets.token_urlsafe(24)
    return render_template("orders/checkout.html", form=form, groups=groups, total=total, addresses=addresses,
                           municipal=",".join(MUNICIPAL_PREFECTURES)), status


@bp.get("/checkout")
@login_required
def checkout() -> ResponseReturnValue:
    rows = carts.cart_rows(cart_owner())
    if not rows:
        flash(_("Your cart is empty."), "error")
        return redirect(url_for("orders.cart"))
    addresses = saved_addresses(current_user.id)
    wanted = request.args.get("address")
    chosen = next((a for a in addresses if str(a.id) == wanted), addresses[0] if addresses else None)
    # The latest saved address is picked, and also fills the new address's fields, to edit a copy of it.
    prefill = MultiDict({field: getattr(chosen, field) for field in ADDRESS_FIELDS}) if chosen else None
    form = CheckoutForm(formdata=prefill)
    _offer_choices(form, addresses)
    form.address.data = str(chosen.id) if chosen else NEW_ADDRESS
    acting = f"org:{acting_organization_id()}"
    can_pick = any(choice.value == acting and not choice.render_kw for choice in form.buy_for.choices)
    form.buy_for.data = acting if can_pick else "self"
    form.checkout_token.data = None
    return _render_checkout(form, addresses, rows=rows)


@bp.post("/checkout")
@login_required
def checkout_submit() -> ResponseReturnValue:
    form = CheckoutForm(formdata=request.form)
    # Only what validating this submit needs is read: the user's organizations when one is picked, the saved
    # addresses when one is picked, and no region selects (they take any name). A page shown again offers every
    # choice (_render_checkout fills them).
    _offer_choices(form, saved_addresses(current_user.id) if form.address.data != NEW_ADDRESS else [],
                   organizations=form.buy_for.data != "self", regions=False)
    if form.region_step.data:  # without JavaScript: the next region level, everything typed kept
        return _render_checkout(form)
    if not form.validate():
        return _render_checkout(form, status=400)
    buy_for = form.buy_for.data
    organization_id = int(buy_for.split(":", 1)[1]) if buy_for.startswith("org:") else None
    try:
        address = delivery_address(current_user.id, form.address.data, form.typed_address())
        order = place_order(current_user.id, address, form.checkout_token.data,
                            organization_id=organization_id, expected_total_fen=int(form.expected_total.data),
                            payment_minutes=current_app.config["ORDER_PAYMENT_MINUTES"],
                            invoice=form.invoice_choice())
    except EmptyCart as exc:
        flash(str(exc), "error")
        return redirect(url_for("orders.order_list"))
    except OutOfStock as exc:
        flash(str(exc), "error")
        return redirect(url_for("orders.cart"))
    except (AddressRefused, AddressNotFound) as exc:
        form[getattr(exc, "field", "address")].errors.append(str(exc))
        return _render_checkout(form, status=400)
    except PriceChanged as exc:
        flash(str(exc), "error")
        form.checkout_token.data = None
        return _render_checkout(form, status=409)
    except OrderError as exc:
        flash(str(exc), "error")
        return _render_checkout(form, status=400)
    return redirect(url_for("payments.pay", number=order.number))


@bp.post("/addresses/<int:address_id>/delete")
@login_required
def address_delete(address_id: int) -> ResponseReturnValue:
    """Forget a saved address, then go back to the checkout or the account page."""
    require_confirmation()
    try:
        delete_address(current_user.id, address_id)
    except AddressNotFound as exc:
        flash(str(exc), "error")
    else:
        flash(_("The address was deleted."), "success")
    return redirect(url_for(ADDRESS_RETURNS.get(request.args.get("next", ""), "accounts.overview")))


@bp.get("/orders")
@login_required
def order_list() -> ResponseReturnValue:
    tab = request.args.get("tab")
    if tab is not None and tab not in queries.TABS:
        abort(400, description=_("Unknown tab"))
    page_number = request.args.get("page", "1")
    if not page_number.isdigit() or not 1 <= int(page_number) <= 10_000:
        abort(400, description=_("Page must be between 1 and 10000"))
    organization_id = acting_organization_id()
    page = queries.buyer_orders(current_user.id, organization_id, tab, int(page_number))
    return render_template("orders/list.html", page=page, tab=tab, tabs=queries.TABS,
                           counts=queries.tab_counts(current_user.id, organization_id),
                           may_act=organization_id is None or queries.can_buy_for(organization_id, current_user.id),
                           thumbs=queries.order_thumbs([order.id for order in page.items]))


@bp.get("/orders/<number>")
@login_required
def order_detail(number: str) -> ResponseReturnValue:
    order = buyer_order_or_404(number)
    if order.status == OrderStatus.PENDING_PAYMENT and lifecycle.expire_if_due(order.id) is not None:
        order = buyer_order_or_404(number)
    parcels, thumbs = queries.order_parcels(order) if not order.is_gift else ([], {})
    recipients = gift_queries.order_recipients(order.id) if order.is_gift else []
    return render_template("orders/detail.html", order=order, form=ConfirmForm(), S=OrderStatus,
                           may_act=queries.may_act_on(order, current_user.id), parcels=parcels, thumbs=thumbs,
                           history=refunds.refunds_for(order.id), invoices=invoices.for_order(order.id),
                           recipients=recipients,
                           recipient_count=gift_queries.recipient_count(order.id) if order.is_gift else 0)


@bp.post("/orders/<number>/cancel")
@login_required
def order_cancel(number: str) -> ResponseReturnValue:
    order = buyer_order_or_404(number, to_act=True)
    require_confirmation()
    try:
        lifecycle.cancel_order(order.id, current_user.id, _("cancelled by the buyer"))
        flash(_("The order was cancelled."), "success")
    except OrderError as exc:
        flash(str(exc), "error")
    return redirect(url_for("orders.order_detail", number=number))


@bp.post("/orders/<number>/receive")
@login_required
def order_receive(number: str) -> ResponseReturnValue:
    order = buyer_order_or_404(number, to_act=True)
    require_confirmation()
    try:
        lifecycle.confirm_receipt(order.id, current_user.id)
        flash(_("Thank you! Receipt confirmed."), "success")
    except OrderError as exc:
        flash(str(exc), "error")
    return redirect(url_for("orders.order_detail", number=number))


@bp.post("/orders/<number>/parcels/<int:shipment_id>/receive")
@login_required
def parcel_receive(number: str, shipment_id: int) -> ResponseReturnValue:
    """The buyer of a gift order confirms one recipient's parcel arrived."""
    order = buyer_order_or_404(number)
    require_confirmation()
    try:
        lifecycle.receive_parcel(order.id, shipment_id, current_user.id)
        flash(_("Receipt of the parcel confirmed."), "success")
    except OrderError as exc:
        flash(str(exc), "error")
    return redirect(url_for("orders.order_detail", number=number))

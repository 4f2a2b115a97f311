"""Paying an order (buyer pages) and Stripe's webhook."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from shop.accounts.decorators import login_required
from shop.extensions import csrf
from shop.orders.lookups import buyer_order_or_404
from shop.orders.models import OrderStatus
from shop.payments import attempts
from shop.payments.events import apply_event
from shop.payments.exceptions import PaymentError
from shop.payments.gateway import InvalidWebhook, get_gateway
from shop.payments.models import METHOD_LABELS, STRIPE_METHODS, AttemptStatus, Method
from shop.web.forms import ConfirmForm, require_confirmation

bp = Blueprint("payments", __name__)


def _not_payable(number: str, exc: PaymentError) -> ResponseReturnValue:
    flash(str(exc), "error")
    return redirect(url_for("orders.order_detail", number=number))


@bp.get("/orders/<number>/pay")
@login_required
def pay(number: str) -> ResponseReturnValue:
    order = buyer_order_or_404(number, to_act=True)
    try:
        order = attempts.payable_order(order.id)
    except PaymentError as exc:
        return _not_payable(number, exc)
    return render_template("payments/pay.html", order=order, methods=attempts.stripe_methods(),
                           bank_transfer=attempts.bank_transfer_offered(order), labels=METHOD_LABELS,
                           form=ConfirmForm())


@bp.post("/orders/<number>/pay/<method>")
@login_required
def start(number: str, method: str) -> ResponseReturnValue:
    order = buyer_order_or_404(number, to_act=True)
    if method not in {m.value for m in STRIPE_METHODS}:
        abort(404)
    require_confirmation()
    try:
        attempt = attempts.start_stripe_payment(order.id, Method(method))
    except PaymentError as exc:
        flash(str(exc), "error")
        return redirect(url_for("payments.pay", number=number))
    return redirect(url_for("payments.attempt", number=number, attempt_id=attempt.id))


def _stripe_csp() -> str:
    """The page's Content-Security-Policy, widened for Stripe.js and the API it talks to."""
    js = urlsplit(current_app.config["STRIPE_JS_URL"])
    js_origin = f"{js.scheme}://{js.netloc}"
    api_base = current_app.config.get("STRIPE_API_BASE")
    api_origin = "https://api.stripe.com"
    if api_base:
        api = urlsplit(api_base)
        api_origin = f"{api.scheme}://{api.netloc}"
    return (f"default-src 'self'; img-src 'self' data: https://*.stripe.com; style-src 'self' 'unsafe-inline'; "
            f"script-src 'self' {js_origin}; connect-src 'self' {api_origin} {js_origin}; "
            f"frame-src {js_origin} https://*.stripe.com; frame-ancestors 'none'; form-action 'self'")


@bp.get("/orders/<number>/pay/attempts/<int:attempt_id>")
@login_required
def attempt(number: str, attempt_id: int) -> ResponseReturnValue:
    order = buyer_order_or_404(number, to_act=True)
    found = attempts.find_attempt(order, attempt_id)
    if found is None or found.method == Method.BANK_TRANSFER:
        abort(404)
    try:
        attempts.payable_order(order.id)
    except PaymentError as exc:
        return _not_payable(number, exc)
    response = current_app.make_response(render_template(
        "payments/stripe.html", order=order, attempt=found, label=METHOD_LABELS[found.method],
        publishable_key=current_app.config["STRIPE_PUBLISHABLE_KEY"], stripe_js=current_app.config["STRIPE_JS_URL"]))
    response.headers["Content-Security-Policy"] = _stripe_csp()
    response.headers["Cache-Control"] = "no-store"  # the page holds the intent's client secret
    return response


@bp.post("/orders/<number>/pay/attempts/<int:attempt_id>/card")
@login_required
def card(number: str, attempt_id: int) -> ResponseReturnValue:
    """The page's script posts the Stripe.js card token here (JSON; CSRF token in the X-CSRFToken header)."""
    order = buyer_order_or_404(number, to_act=True)
    body = request.get_json(silent=True)
    token = body.get("token") if isinstance(body, dict) else None
    if not isinstance(token, str):
        return jsonify(error=_("The card details were not read; please enter them again.")), 400
    try:
        result = attempts.pay_with_card(order.id, attempt_id, token)
    except PaymentError as exc:
        return jsonify(error=str(exc)), 402
    done = url_for("payments.done", number=number, attempt=attempt_id)
    if result.status == AttemptStatus.REQUIRES_ACTION:
        return jsonify(action="authenticate", client_secret=result.client_secret, next=done)
    return jsonify(next=done)


@bp.get("/orders/<number>/pay/done")
@login_required
def done(number: str) -> ResponseReturnValue:
    """Where the buyer lands after paying: the order's true state, waiting for Stripe's event if needed."""
    order = buyer_order_or_404(number)
    attempt_id = request.args.get("attempt", "")
    found = attempts.find_attempt(order, int(attempt_id)) if attempt_id.isdigit() and len(attempt_id) < 10 else None
    waiting = order.status == OrderStatus.PENDING_PAYMENT and (
        found is None or found.status in (AttemptStatus.CREATED, AttemptStatus.PROCESSING,
                                          AttemptStatus.REQUIRES_ACTION))
    response = current_app.make_response(render_template(
        "payments/done.html", order=order, attempt=found, waiting=waiting, S=OrderStatus, A=AttemptStatus))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/orders/<number>/pay/bank-transfer")
@login_required
def bank_transfer(number: str) -> ResponseReturnValue:
    order = buyer_order_or_404(number, to_act=True)
    require_confirmation()
    try:
        attempts.choose_bank_transfer(order.id)
    except PaymentError as exc:
        return _not_payable(number, exc)
    return redirect(url_for("payments.bank_details", number=number))


@bp.get("/orders/<number>/pay/bank-transfer")
@login_required
def bank_details(number: str) -> ResponseReturnValue:
    order = buyer_order_or_404(number)
    if not attempts.bank_transfer_offered(order):
        abort(404)
    return render_template("payments/bank_transfer.html", order=order,
                           reference=attempts.remittance_reference(order))


@bp.post("/payments/stripe/webhook")
@csrf.exempt  # type: ignore[untyped-decorator]  # Flask-WTF is untyped
def stripe_webhook() -> ResponseReturnValue:
    """Stripe's signed events. 400 for anything not verifiably from Stripe; 200 once handled (or seen)."""
    gateway = get_gateway()
    if gateway is None:
        abort(404)
    try:
        event = gateway.parse_webhook(request.get_data(cache=False), request.headers.get("Stripe-Signature"))
    except InvalidWebhook as exc:
        current_app.logger.warning("refused a Stripe webhook: %s", exc)
        return jsonify(error="invalid webhook"), 400
    return jsonify(outcome=apply_event(event, source="webhook"))

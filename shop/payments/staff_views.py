"""The staff payments desk: open alerts, recording bank transfers, refunding orders."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select, update

from shop.accounts.decorators import staff_required
from shop.audit.services import record
from shop.core.database import reload, rowcount, utcnow, write_transaction
from shop.core.money import format_fen
from shop.extensions import db
from shop.orders.lookups import order_or_404
from shop.orders.models import Order
from shop.payments import bank_transfers, refunds
from shop.payments.exceptions import PaymentError
from shop.payments.forms import BankTransferForm, RefundForm
from shop.payments.models import PaymentAlert
from shop.web.forms import ConfirmForm, require_confirmation

bp = Blueprint("payments", __name__)


def _open_alerts() -> list[PaymentAlert]:
    return list(db.session.scalars(select(PaymentAlert).where(PaymentAlert.resolved_at.is_(None))
                                   .order_by(PaymentAlert.id.desc()).limit(200)))


def _overview(form: BankTransferForm, status: int = 200) -> tuple[str, int]:
    return render_template("staff/payments.html", form=form, alerts=_open_alerts(), resolve_form=ConfirmForm()), status


@bp.get("/")
@staff_required
def overview() -> ResponseReturnValue:
    return _overview(BankTransferForm(formdata=None, order=request.args.get("order", "")))


@bp.post("/bank-transfers")
@staff_required
def record_bank_transfer() -> ResponseReturnValue:
    form = BankTransferForm()
    if not form.validate():
        return _overview(form, 400)
    if form.amount.fen is None:  # set by validation, which passed
        raise ValueError("the bank transfer form was not validated")
    try:
        payment = bank_transfers.record_bank_transfer(form.order.data, form.amount.fen, form.bank_serial.data,
                                                      form.payer.data or "", current_user.id)
    except PaymentError as exc:
        form.amount.errors = [str(exc)]
        return _overview(form, 400)
    number = reload(db.session, Order, payment.order_id).number
    flash(_("Bank transfer recorded; order %(number)s is paid.", number=number), "success")
    return redirect(url_for("staff.payments.overview"))


@bp.post("/alerts/<int:alert_id>/resolve")
@staff_required
def resolve_alert(alert_id: int) -> ResponseReturnValue:
    require_confirmation()
    with write_transaction(db.session):
        done = rowcount(db.session.execute(
            update(PaymentAlert).where(PaymentAlert.id == alert_id, PaymentAlert.resolved_at.is_(None))
            .values(resolved_at=utcnow(), resolved_by=current_user.id)
        ))
        if done:
            record(current_user.id, "payment.alert_resolved", "payment_alert", alert_id)
    if not done:
        abort(404)
    flash(_("Alert marked as handled."), "success")
    return redirect(url_for("staff.payments.overview"))


def _refund_page(order: Order, form: RefundForm, quantities: dict[int, int] | None = None,
                 errors: list[str] | None = None, status: int = 200) -> tuple[str, int]:
    return render_template("staff/refund.html", order=order, form=form, quantities=quantities or {},
                           errors=errors or [], refunded=refunds.refunded_quantities(order.id),
                           payment=refunds.order_payment(order.id), history=refunds.refunds_for(order.id)), status


@bp.get("/orders/<number>/refund")
@staff_required
def refund(number: str) -> ResponseReturnValue:
    order = order_or_404(number)
    return _refund_page(order, RefundForm(formdata=None, request_token=refunds.new_request_token()))


@bp.post("/orders/<number>/refund")
@staff_required
def refund_submit(number: str) -> ResponseReturnValue:
    order = order_or_404(number)
    form = RefundForm()
    quantities: dict[int, int] = {}
    bad = []
    for line in order.lines:
        text = (request.form.get(f"qty-{line.id}") or "0").strip()
        if not text.isdigit() or len(text) > 5:
            bad.append(line.product_name)
        else:
            quantities[line.id] = int(text)
    errors = [_("Quantities must be whole numbers (%(lines)s).", lines=", ".join(bad))] if bad else []
    if not form.validate() or errors:
        return _refund_page(order, form, quantities, errors, 400)
    try:
        result = refunds.refund_order(order.id, quantities, reason=form.reason.data, restock=form.restock.data,
                                      actor_id=current_user.id, request_token=form.request_token.data)
    except PaymentError as exc:
        return _refund_page(order, form, quantities, [str(exc)], 400)
    if result.status.value == "failed":
        flash(_("The refund failed: %(error)s", error=result.failure_message or ""), "error")
    else:
        flash(_("Refund of %(amount)s recorded (%(status)s).", amount=format_fen(result.amount_fen),
                status=result.status_label), "success")
    return redirect(url_for("staff.orders.order_detail", number=number))

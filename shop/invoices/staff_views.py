"""Staff invoice pages (`/staff/invoices`): requests not issued within INVOICE_DAYS of payment and invoices waiting
for their red-letter invoice, with a filter; recording either on a seller's behalf (audited)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from shop.accounts.decorators import staff_required
from shop.core.database import utcnow
from shop.invoices import queries
from shop.invoices.forms import InvoiceForm, RedLetterForm
from shop.invoices.pages import file_response, submit
from shop.invoices.queries import ATTENTION, InvoiceRequest, RequestStatus
from shop.invoices.services import Actor

bp = Blueprint("invoices", __name__)


@bp.get("/")
@staff_required
def invoice_list() -> ResponseReturnValue:
    """Overdue requests and red-letter invoices needed; ?show=overdue or ?show=red_letter keeps one kind."""
    show = request.args.get("show") or None
    if show is not None and show not in ATTENTION:
        abort(400, description=_("Unknown filter"))
    days = current_app.config["INVOICE_DAYS"]
    now = utcnow()
    return render_template("staff/invoices.html", requests=queries.needing_attention(now, days, show), show=show,
                           filters=ATTENTION, now=now, days=days, S=RequestStatus)


def _request_or_404(number: str, cooperative_id: int) -> InvoiceRequest:
    found = queries.one(number, cooperative_id)
    if found is None:
        abort(404)
    return found


def _detail(found: InvoiceRequest, form: RedLetterForm | None = None, status: int = 200) -> ResponseReturnValue:
    if form is None:
        form = InvoiceForm() if found.status == RequestStatus.TO_ISSUE else RedLetterForm()
    return render_template("staff/invoice.html", item=found, form=form, S=RequestStatus), status


@bp.route("/<number>/<int:cooperative_id>", methods=["GET", "POST"])
@staff_required
def invoice_detail(number: str, cooperative_id: int) -> ResponseReturnValue:
    """One seller's request, and the form to record its invoice on its behalf (POST)."""
    found = _request_or_404(number, cooperative_id)
    if request.method == "GET":
        return _detail(found)
    form = InvoiceForm()
    if submit(form, Actor(current_user.id, is_staff=True), found):
        return redirect(url_for("staff.invoices.invoice_detail", number=number, cooperative_id=cooperative_id))
    return _detail(found, form, 400)


@bp.post("/<number>/<int:cooperative_id>/red-letter")
@staff_required
def red_letter_record(number: str, cooperative_id: int) -> ResponseReturnValue:
    """Record the seller's red-letter invoice on its behalf."""
    found = _request_or_404(number, cooperative_id)
    form = RedLetterForm()
    if submit(form, Actor(current_user.id, is_staff=True), found):
        return redirect(url_for("staff.invoices.invoice_detail", number=number, cooperative_id=cooperative_id))
    return _detail(found, form, 400)


@bp.get("/<number>/<int:cooperative_id>/file")
@staff_required
def invoice_file(number: str, cooperative_id: int) -> ResponseReturnValue:
    """The invoice file."""
    return file_response(_request_or_404(number, cooperative_id))


@bp.get("/<number>/<int:cooperative_id>/red-letter/file")
@staff_required
def red_letter_file(number: str, cooperative_id: int) -> ResponseReturnValue:
    """The red-letter invoice file."""
    return file_response(_request_or_404(number, cooperative_id), red=True)

"""A cooperative's invoice pages (`/coop/invoices`: requests to issue, red-letter invoices needed, recording them)
and an organization's (`/org/<id>/invoices`: every invoice of its orders, for every role)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from shop.cooperatives.portal import coop_required, fulfils_orders
from shop.core.database import utcnow
from shop.invoices import queries
from shop.invoices.forms import InvoiceForm, RedLetterForm
from shop.invoices.pages import file_response, submit
from shop.invoices.queries import InvoiceRequest, RequestStatus
from shop.invoices.services import Actor
from shop.organizations.portal import org_member_required

bp = Blueprint("invoices", __name__)
org_bp = Blueprint("invoices", __name__)


def _own_request(number: str) -> InvoiceRequest:
    """The acting cooperative's request for that order; another seller's, or none, is 404."""
    found = queries.one(number, g.cooperative.id)
    if found is None:
        abort(404)
    return found


@bp.get("/")
@coop_required
@fulfils_orders
def invoice_list() -> ResponseReturnValue:
    """The cooperative's invoice requests by status."""
    requests = queries.for_cooperative(g.cooperative.id)
    return render_template("coop/invoices.html", requests=requests, S=RequestStatus, now=utcnow(),
                           days=current_app.config["INVOICE_DAYS"])


def _detail(found: InvoiceRequest, form: RedLetterForm | None = None, status: int = 200) -> ResponseReturnValue:
    if form is None:
        form = InvoiceForm() if found.status == RequestStatus.TO_ISSUE else RedLetterForm()
    return render_template("coop/invoice.html", item=found, form=form, S=RequestStatus), status


@bp.route("/<number>", methods=["GET", "POST"])
@coop_required
@fulfils_orders
def invoice_detail(number: str) -> ResponseReturnValue:
    """One request: the buyer's details, the amount, and the form to record the invoice (POST)."""
    found = _own_request(number)
    if request.method == "GET":
        return _detail(found)
    form = InvoiceForm()
    if submit(form, Actor(current_user.id), found):
        return redirect(url_for("coop.invoices.invoice_detail", number=number))
    return _detail(found, form, 400)


@bp.post("/<number>/red-letter")
@coop_required
@fulfils_orders
def red_letter_record(number: str) -> ResponseReturnValue:
    """Record the red-letter invoice that cancels this order's invoice after a refund."""
    found = _own_request(number)
    form = RedLetterForm()
    if submit(form, Actor(current_user.id), found):
        return redirect(url_for("coop.invoices.invoice_detail", number=number))
    return _detail(found, form, 400)


@bp.get("/<number>/file")
@coop_required
@fulfils_orders
def invoice_file(number: str) -> ResponseReturnValue:
    """The invoice file as recorded."""
    return file_response(_own_request(number))


@bp.get("/<number>/red-letter/file")
@coop_required
@fulfils_orders
def red_letter_file(number: str) -> ResponseReturnValue:
    """The red-letter invoice file as recorded."""
    return file_response(_own_request(number), red=True)


@org_bp.get("/<int:organization_id>/invoices")
@org_member_required()
def organization_invoices() -> ResponseReturnValue:
    """Every invoice asked for on the organization's orders, with its status and file."""
    return render_template("org/invoices.html", organization=g.organization,
                           requests=queries.for_organization(g.organization.id))


def _organization_request(number: str, cooperative_id: int) -> InvoiceRequest | None:
    found = queries.one(number, cooperative_id)
    return found if found is not None and found.organization_id == g.organization.id else None


@org_bp.get("/<int:organization_id>/invoices/<number>/<int:cooperative_id>")
@org_member_required()
def organization_invoice_file(number: str, cooperative_id: int) -> ResponseReturnValue:
    """An invoice file of one of the organization's orders."""
    return file_response(_organization_request(number, cooperative_id))


@org_bp.get("/<int:organization_id>/invoices/<number>/<int:cooperative_id>/red-letter")
@org_member_required()
def organization_red_letter_file(number: str, cooperative_id: int) -> ResponseReturnValue:
    """A red-letter invoice file of one of the organization's orders."""
    return file_response(_organization_request(number, cooperative_id), red=True)

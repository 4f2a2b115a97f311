"""The buyer's invoice files, from the order page (`/orders/<number>/invoices/<cooperative id>`)."""
from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from shop.accounts.decorators import login_required
from shop.invoices import queries
from shop.invoices.pages import file_response
from shop.orders.lookups import buyer_order_or_404

bp = Blueprint("invoices", __name__)


@bp.get("/orders/<number>/invoices/<int:cooperative_id>")
@login_required
def invoice_file(number: str, cooperative_id: int) -> ResponseReturnValue:
    """An invoice of an order the signed-in person may see (their own, or their organization's)."""
    buyer_order_or_404(number)
    return file_response(queries.one(number, cooperative_id))


@bp.get("/orders/<number>/invoices/<int:cooperative_id>/red-letter")
@login_required
def red_letter_file(number: str, cooperative_id: int) -> ResponseReturnValue:
    """The red-letter invoice of an order the signed-in person may see."""
    buyer_order_or_404(number)
    return file_response(queries.one(number, cooperative_id), red=True)

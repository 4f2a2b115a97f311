"""The invoice a buyer asks for at checkout: whose title and tax number it carries, and the check, before anything
is written, that every seller in the cart can issue that type."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from shop.catalog.models import Product
from shop.cooperatives.models import INVOICE_TYPE_LABELS, Cooperative, InvoiceType, can_issue
from shop.extensions import db
from shop.orders.exceptions import InvoiceRefused

PERSONAL_TITLE = "个人"  # what a personal invoice's title reads, in every language (it is printed on the invoice)
# A taxpayer number: the 18-character unified social credit code, or an older 15- or 20-character number.
TAX_NUMBER = re.compile(r"^(?:[0-9A-Z]{15}|[0-9A-Z]{18}|[0-9A-Z]{20})$")


@dataclass(frozen=True)
class InvoiceChoice:
    """What the checkout form asked for: the type, and for a public buyer a personal title or a typed one."""

    invoice_type: InvoiceType
    personal: bool = False
    title: str = ""
    tax_number: str = ""


def invoice_details(choice: InvoiceChoice | None, organization_title: str | None,
                    organization_tax_number: str | None, for_organization: bool) -> tuple[str | None, str | None]:
    """The title and tax number the order keeps: the organization's when ordering for one, else what the buyer
    typed (or 个人); InvoiceRefused when they cannot carry the invoice asked for."""
    if for_organization:
        if choice is not None and not organization_tax_number:
            raise InvoiceRefused(_("The organization has no tax number on record, so it cannot ask for an invoice. "
                                   "Ask the platform staff to add it."))
        return organization_title, organization_tax_number
    if choice is None:
        return None, None
    if choice.personal:
        if choice.invoice_type == InvoiceType.SPECIAL:
            raise InvoiceRefused(_("A special VAT invoice is only issued to a business with a tax number. For a "
                                   "personal invoice choose the electronic ordinary invoice."))
        return PERSONAL_TITLE, None
    title, tax_number = choice.title.strip(), choice.tax_number.strip().upper()
    if not title or len(title) > 120:
        raise InvoiceRefused(_("Enter the invoice title (at most 120 characters), or choose a personal invoice."))
    if not TAX_NUMBER.match(tax_number):
        raise InvoiceRefused(_("The tax number must be 15, 18 or 20 digits and capital letters, like the unified "
                               "social credit code 91330500MA2B3C4D5E."))
    return title, tax_number


def check_sellers(product_ids: Iterable[int], wanted: InvoiceType | None) -> None:
    """InvoiceRefused, naming the product and its seller, if a seller of one of the products cannot issue `wanted`."""
    if wanted is None:
        return
    rows = db.session.execute(
        select(Product.name, Cooperative.name.label("seller"), Cooperative.kind, Cooperative.invoice_capability)
        .join(Cooperative, Cooperative.id == Product.cooperative_id)
        .where(Product.id.in_(list(product_ids))).order_by(Product.id))
    for row in rows:
        if not can_issue(row.kind, row.invoice_capability, wanted):
            raise InvoiceRefused(_("“%(product)s” is sold by “%(seller)s”, which cannot issue a %(type)s. Choose "
                                   "another invoice type, or remove the product from your cart.",
                                   product=row.name, seller=row.seller,
                                   type=str(INVOICE_TYPE_LABELS[wanted]).lower()))

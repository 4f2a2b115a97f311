"""The forms that record an invoice and a red-letter invoice (number, date, amount, file)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Regexp

from shop.invoices.services import MAX_INVOICE_BYTES, Issued
from shop.web.forms import DATE_MESSAGE, DateOnly, Form, YuanField, strip
from shop.web.uploads import KeptFileField, KeptFileRequired

# Paper-era invoices have an 8-digit number, fully digital ones (全电发票) 20 digits; codes may add letters.
NUMBER = Regexp(r"^[0-9A-Za-z]{8,20}$", message=_l("An invoice number has 8 to 20 digits or letters."))


class RedLetterForm(Form):
    """The red-letter invoice: its number, date and file."""

    number = StringField(_l("Invoice number"), filters=[strip], validators=[DataRequired(), NUMBER])
    issued_on = DateOnly(_l("Invoice date (yyyy-mm-dd)"), format="%Y-%m-%d",
                         validators=[DataRequired(message=DATE_MESSAGE)])
    file = KeptFileField(_l("Invoice file (PDF, OFD, or a photo or scan)"), validators=[KeptFileRequired()],
                         max_bytes=MAX_INVOICE_BYTES)

    def issued(self) -> Issued:
        """The invoice as typed."""
        return Issued(self.number.data.upper(), self.issued_on.data)

    def file_bytes(self) -> bytes:
        """The uploaded file (or the one kept from a failed submit); one byte more than allowed is enough to tell a
        file that is too large."""
        return self.file.content()


class InvoiceForm(RedLetterForm):
    """The invoice: number, date, amount in yuan and file."""

    amount = YuanField(_l("Amount (yuan)"), filters=[strip], validators=[DataRequired()])

    def issued(self) -> Issued:
        """The invoice as typed."""
        return Issued(self.number.data.upper(), self.issued_on.data, self.amount.fen)

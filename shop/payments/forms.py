"""Staff payment forms: recording a bank transfer, refunding order lines."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from shop.web.forms import Form, YuanField, strip


class BankTransferForm(Form):
    order = StringField(_l("Order number or remittance reference"), filters=[strip],
                        validators=[DataRequired(), Length(max=40)])
    amount = YuanField(_l("Amount received (yuan)"), filters=[strip], validators=[DataRequired(), Length(max=20)])
    bank_serial = StringField(_l("Bank serial number"), filters=[strip], validators=[DataRequired(), Length(max=64)])
    payer = StringField(_l("Paying account name"), filters=[strip], validators=[Length(max=120)])


class RefundForm(Form):
    """Quantities come as fields named qty-<order line id>, read by the view against the order's lines."""

    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    restock = BooleanField(_l("Put the refunded quantities back in stock"))
    request_token = HiddenField(validators=[DataRequired(), Length(min=16, max=64)])

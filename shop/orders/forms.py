"""Cart, checkout, order and shipping forms; all POST forms carry a CSRF token."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from shop.cooperatives.models import INVOICE_TYPE_LABELS, InvoiceType
from shop.orders.invoicing import InvoiceChoice
from shop.orders.models import MAX_QUANTITY
from shop.web.forms import Form, strip

INVOICE_CHOICES = [SelectChoice("none", _l("No invoice"))] + [
    SelectChoice(kind.value, label) for kind, label in INVOICE_TYPE_LABELS.items()]

MOBILE = Regexp(r"^1[3-9]\d{9}$", message=_l("Enter an 11-digit mainland China mobile number."))
QUANTITY_MESSAGE = _l("Quantity must be a whole number from 1 to %(max)d.", max=MAX_QUANTITY)


class QuantityField(IntegerField):  # type: ignore[misc]  # WTForms is untyped
    """An integer quantity whose parse error says what a buyer can act on."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(str(QUANTITY_MESSAGE)) from exc


class AddToCartForm(Form):
    product_id = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=2**31 - 1)])
    quantity = QuantityField(_l("Quantity"), default=1, validators=[
        InputRequired(message=QUANTITY_MESSAGE), NumberRange(min=1, max=MAX_QUANTITY, message=QUANTITY_MESSAGE)])


class QuantityForm(Form):
    quantity = QuantityField(_l("Quantity"), validators=[
        InputRequired(message=QUANTITY_MESSAGE), NumberRange(min=1, max=MAX_QUANTITY, message=QUANTITY_MESSAGE)])


class CheckoutForm(Form):
    """Delivery address in the Chinese format, who the order is for, and the page's checkout token."""

    recipient = StringField(_l("Recipient"), filters=[strip], validators=[DataRequired(), Length(max=40)])
    mobile = StringField(_l("Mobile number"), filters=[strip], validators=[DataRequired(), MOBILE])
    province = StringField(_l("Province"), filters=[strip], validators=[DataRequired(), Length(max=40)])
    city = StringField(_l("City"), filters=[strip], validators=[DataRequired(), Length(max=40)])
    district = StringField(_l("District / county"), filters=[strip], validators=[DataRequired(), Length(max=40)])
    street = StringField(_l("Street address"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    buy_for = RadioField(_l("Buying for"), default="self", validate_choice=True)
    invoice_type = RadioField(_l("Invoice"), default="none", validate_choice=True, choices=INVOICE_CHOICES)
    invoice_title_kind = RadioField(_l("Invoice title for"), default="company", validate_choice=True, choices=[
        SelectChoice("company", _l("A company or organization")),
        SelectChoice("personal", _l("Myself (personal, 个人)"))])
    invoice_title = StringField(_l("Invoice title"), filters=[strip], validators=[Optional(), Length(max=120)])
    tax_number = StringField(_l("Tax number"), filters=[strip], validators=[Optional(), Length(max=20)])
    checkout_token = HiddenField(validators=[DataRequired(), Length(min=16, max=64)])
    expected_total = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,15}$")])

    def invoice_choice(self) -> InvoiceChoice | None:
        """The invoice asked for, or None; the checkout checks the title and tax number."""
        if self.invoice_type.data == "none":
            return None
        return InvoiceChoice(InvoiceType(self.invoice_type.data), self.invoice_title_kind.data == "personal",
                             self.invoice_title.data or "", self.tax_number.data or "")


class CancelForm(Form):
    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[DataRequired(), Length(max=200)])


class ShipForm(Form):
    carrier = StringField(_l("Carrier"), filters=[strip], validators=[DataRequired(), Length(max=40)])
    tracking_number = StringField(_l("Tracking number"), filters=[strip], validators=[
        DataRequired(), Length(max=64)])


class GiftFileForm(Form):
    file = FileField(_l("Recipients file (Excel .xlsx or CSV)"), validators=[FileRequired()])


class GiftConfirmForm(Form):
    """The total the preview showed, compared when the order is placed, and the invoice asked for (it carries the
    organization's title and tax number)."""

    expected_total = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,15}$")])
    invoice_type = RadioField(_l("Invoice"), default="none", validate_choice=True, choices=INVOICE_CHOICES)

    def invoice_choice(self) -> InvoiceChoice | None:
        """The invoice asked for, or None."""
        return None if self.invoice_type.data == "none" else InvoiceChoice(InvoiceType(self.invoice_type.data))

"""Cart, checkout, order and shipping forms; all POST forms carry a CSRF token."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, StopValidation

from shop.cooperatives.models import INVOICE_TYPE_LABELS, InvoiceType
from shop.orders.addresses import NEW_ADDRESS, RegionChoices
from shop.orders.checkout import DeliveryAddress
from shop.orders.invoicing import InvoiceChoice
from shop.orders.models import MAX_QUANTITY, Address
from shop.web.forms import Form, strip

INVOICE_CHOICES = [SelectChoice("none", _l("No invoice"))] + [
    SelectChoice(kind.value, label) for kind, label in INVOICE_TYPE_LABELS.items()]

MOBILE_MESSAGE = _l("Enter the recipient’s 11-digit mainland China mobile number, starting with 1 (e.g. 13812345678).")
MOBILE = Regexp(r"^1[3-9]\d{9}$", message=MOBILE_MESSAGE)
ADDRESS_FIELDS = ("recipient", "mobile", "province", "city", "district", "street")
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


def _mobile_digits(value: str | None) -> str | None:
    """The number without the spaces, dashes and +86 people type around it."""
    if value is None:
        return None
    digits = "".join(value.split()).replace("-", "")
    return digits[3:] if digits.startswith("+86") else digits


def _only_for_a_new_address(form: CheckoutForm, field: object) -> None:
    """Skip a typed address field's checks when a saved address is picked."""
    if form.address.data != NEW_ADDRESS:
        field.errors[:] = []  # type: ignore[attr-defined]  # a WTForms field
        raise StopValidation()


class CheckoutForm(Form):
    """Delivery address (a saved one, or one typed in the Chinese format with province, city and district picked
    from the region table), who the order is for, and the page's checkout token."""

    address = RadioField(_l("Deliver to"), default=NEW_ADDRESS, validate_choice=True)
    recipient = StringField(_l("Recipient"), filters=[strip], validators=[
        _only_for_a_new_address, DataRequired(), Length(max=40)])
    mobile = StringField(_l("Mobile number"), filters=[strip, _mobile_digits], validators=[
        _only_for_a_new_address, DataRequired(message=MOBILE_MESSAGE), MOBILE])
    province = SelectField(_l("Province"), validate_choice=False, validators=[
        _only_for_a_new_address, DataRequired(message=_l("Choose a province.")), Length(max=40)])
    city = SelectField(_l("City"), validate_choice=False, validators=[
        _only_for_a_new_address, DataRequired(message=_l("Choose a city.")), Length(max=40)])
    district = SelectField(_l("District / county"), validate_choice=False, validators=[
        _only_for_a_new_address, DataRequired(message=_l("Choose a district or county.")), Length(max=40)])
    street = StringField(_l("Street address"), filters=[strip], validators=[
        _only_for_a_new_address, DataRequired(), Length(max=200)])
    region_step = SubmitField(_l("Show the next level"))
    buy_for = RadioField(_l("Buying for"), default="self", validate_choice=True)
    invoice_type = RadioField(_l("Invoice"), default="none", validate_choice=True, choices=INVOICE_CHOICES)
    invoice_title_kind = RadioField(_l("Invoice title for"), default="company", validate_choice=True, choices=[
        SelectChoice("company", _l("A company or organization")),
        SelectChoice("personal", _l("Myself (personal, 个人)"))])
    invoice_title = StringField(_l("Invoice title"), filters=[strip], validators=[Optional(), Length(max=120)])
    tax_number = StringField(_l("Tax number"), filters=[strip], validators=[Optional(), Length(max=20)])
    checkout_token = HiddenField(validators=[DataRequired(), Length(min=16, max=64)])
    expected_total = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,15}$")])

    def show_addresses(self, addresses: list[Address], regions: RegionChoices | None) -> None:
        """Offer the saved addresses (and a new one), and fill the province, city and district selects; without
        `regions` they stay empty, for a submit that only validates (they take any name, which the checkout's
        address check compares with the region table)."""
        self.address.choices = [SelectChoice(str(a.id), a.recipient) for a in addresses] + [
            SelectChoice(NEW_ADDRESS, _l("Use a new address"))]
        if regions is None:
            return
        for field, options in ((self.province, regions.provinces), (self.city, regions.cities),
                               (self.district, regions.districts)):
            field.choices = [SelectChoice("", _l("— choose —"))] + [
                SelectChoice(name, name, render_kw={"data-codes": codes} if codes else None)
                for name, codes in options]

    def typed_address(self) -> DeliveryAddress:
        """The address as typed in the form's fields."""
        return DeliveryAddress(**{name: self[name].data or "" for name in ADDRESS_FIELDS})

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

"""Portal forms: a listing, a stock adjustment, a photo, a shipment."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from shop.forms import Form, YuanField, strip

MAX_STOCK = 1_000_000


class ListingForm(Form):
    sku = StringField(_l("SKU (your own code)"), filters=[strip], validators=[
        DataRequired(), Length(max=64), Regexp(r"^[A-Za-z0-9._\-]+$", message=_l("Letters, digits, . _ - only."))])
    name = StringField(_l("Product name"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    category = SelectField(_l("Category"), coerce=int, validate_choice=True)
    unit = StringField(_l("Sale unit (箱, 袋, 罐 …)"), filters=[strip], validators=[DataRequired(), Length(max=16)])
    spec = StringField(_l("Spec (e.g. 5 kg/箱)"), filters=[strip], validators=[DataRequired(), Length(max=64)])
    net_weight_g = IntegerField(_l("Net weight per unit (grams)"), validators=[
        InputRequired(), NumberRange(min=1, max=1_000_000)])
    price = YuanField(_l("Price per unit (yuan)"), filters=[strip], validators=[DataRequired(), Length(max=20)])
    stock = IntegerField(_l("Stock"), default=0, validators=[Optional(), NumberRange(min=0, max=MAX_STOCK)])
    description = TextAreaField(_l("Description"), filters=[strip], validators=[Length(max=5000)])
    certificate_type = StringField(_l("Certificate type (绿色食品, 有机 …)"), filters=[strip],
                                   validators=[Length(max=40)])
    certificate_number = StringField(_l("Certificate number"), filters=[strip], validators=[Length(max=64)])
    certificate_issuer = StringField(_l("Issued by"), filters=[strip], validators=[Length(max=120)])
    certificate_valid_until = DateField(_l("Valid until"), validators=[Optional()])


class StockForm(Form):
    change = IntegerField(_l("Add (or remove, with a minus sign)"), validators=[
        InputRequired(), NumberRange(min=-MAX_STOCK, max=MAX_STOCK)])


class PhotoForm(Form):
    photo = FileField(_l("Photo (JPEG, PNG or WebP)"), validators=[FileRequired()])


class ShipForm(Form):
    carrier = StringField(_l("Carrier"), filters=[strip], validators=[DataRequired(), Length(max=40)])
    tracking_number = StringField(_l("Tracking number"), filters=[strip], validators=[
        DataRequired(), Length(max=64)])


class ImportForm(Form):
    file = FileField(_l("Listings file (Excel .xlsx or CSV)"), validators=[FileRequired()])
    zero_missing = BooleanField(_l("Set stock to zero for my products that are not in the file"))


class ApplicationForm(Form):
    name = StringField(_l("Cooperative's registered name"), filters=[strip],
                       validators=[DataRequired(), Length(max=120)])
    credit_code = StringField(_l("Unified social credit code (18 characters)"), filters=[strip],
                              validators=[DataRequired(), Length(min=18, max=22)])
    county = StringField(_l("Registered county (6-digit code, e.g. 652929)"), filters=[strip], validators=[
        DataRequired(), Regexp(r"^\d{6}$", message=_l("must be a 6-digit region code"))])
    kind = SelectField(_l("Kind"), validate_choice=True)
    contact_name = StringField(_l("Contact person"), filters=[strip], validators=[DataRequired(), Length(max=40)])
    contact_phone = StringField(_l("Contact phone"), filters=[strip], validators=[
        DataRequired(), Regexp(r"^[0-9+\- ]{7,20}$", message=_l("Enter a phone number."))])
    description = TextAreaField(_l("About the cooperative"), filters=[strip], validators=[Length(max=2000)])
    licence = FileField(_l("Business licence (photo or scan)"), validators=[FileRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from shop.cooperatives.models import KIND_LABELS
        self.kind.choices = [(kind.value, label) for kind, label in KIND_LABELS.items()]


class ReasonForm(Form):
    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[Length(max=200)])


class MemberForm(Form):
    identifier = StringField(_l("Email or mobile number of a registered user"), filters=[strip],
                             validators=[DataRequired(), Length(max=254)])

"""Portal forms: a listing, a stock adjustment, a photo, a shipment."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from shop.forms import Form, YuanField

MAX_STOCK = 1_000_000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ListingForm(Form):
    sku = StringField(_l("SKU (your own code)"), filters=[_strip], validators=[
        DataRequired(), Length(max=64), Regexp(r"^[A-Za-z0-9._\-]+$", message=_l("Letters, digits, . _ - only."))])
    name = StringField(_l("Product name"), filters=[_strip], validators=[DataRequired(), Length(max=120)])
    category = SelectField(_l("Category"), coerce=int, validate_choice=True)
    unit = StringField(_l("Sale unit (箱, 袋, 罐 …)"), filters=[_strip], validators=[DataRequired(), Length(max=16)])
    spec = StringField(_l("Spec (e.g. 5 kg/箱)"), filters=[_strip], validators=[DataRequired(), Length(max=64)])
    net_weight_g = IntegerField(_l("Net weight per unit (grams)"), validators=[
        InputRequired(), NumberRange(min=1, max=1_000_000)])
    price = YuanField(_l("Price per unit (yuan)"), filters=[_strip], validators=[DataRequired(), Length(max=20)])
    stock = IntegerField(_l("Stock"), default=0, validators=[Optional(), NumberRange(min=0, max=MAX_STOCK)])
    description = TextAreaField(_l("Description"), filters=[_strip], validators=[Length(max=5000)])
    certificate_type = StringField(_l("Certificate type (绿色食品, 有机 …)"), filters=[_strip],
                                   validators=[Length(max=40)])
    certificate_number = StringField(_l("Certificate number"), filters=[_strip], validators=[Length(max=64)])
    certificate_issuer = StringField(_l("Issued by"), filters=[_strip], validators=[Length(max=120)])
    certificate_valid_until = DateField(_l("Valid until"), validators=[Optional()])


class StockForm(Form):
    change = IntegerField(_l("Add (or remove, with a minus sign)"), validators=[
        InputRequired(), NumberRange(min=-MAX_STOCK, max=MAX_STOCK)])


class PhotoForm(Form):
    photo = FileField(_l("Photo (JPEG, PNG or WebP)"), validators=[FileRequired()])


class ShipForm(Form):
    carrier = StringField(_l("Carrier"), filters=[_strip], validators=[DataRequired(), Length(max=40)])
    tracking_number = StringField(_l("Tracking number"), filters=[_strip], validators=[
        DataRequired(), Length(max=64)])

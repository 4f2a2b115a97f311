"""Cooperatives' forms: the application to join, staff decisions and members."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from shop.web.forms import Form, YuanField, strip


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


class InvoiceCapabilityForm(Form):
    capability = SelectField(_l("Invoices your cooperative can issue"), validate_choice=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from shop.cooperatives.models import INVOICE_CAPABILITY_LABELS
        self.capability.choices = [(value.value, label) for value, label in INVOICE_CAPABILITY_LABELS.items()]


class ShippingForm(Form):
    fee = YuanField(_l("Shipping fee per parcel (yuan)"), allow_zero=True, filters=[strip],
                    validators=[DataRequired(), Length(max=20)])
    free_from = YuanField(_l("Free shipping from (yuan, optional)"), optional=True, filters=[strip],
                          validators=[Length(max=20)])

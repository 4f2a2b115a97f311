"""Cooperatives' forms: the application to join, staff decisions and members."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from shop.cooperatives.applications import MAX_LICENCE_BYTES
from shop.regions.forms import RegionPickerForm
from shop.web.forms import Form, YuanField, strip
from shop.web.uploads import KeptFileField, KeptFileRequired


class ApplicationForm(RegionPickerForm):
    """A cooperative's application: its county picked from the region table, its licence kept across a failed
    submit; call load_region_choices() before validating or rendering it."""

    name = StringField(_l("Cooperative's registered name"), filters=[strip],
                       validators=[DataRequired(), Length(max=120)])
    credit_code = StringField(_l("Unified social credit code (18 characters)"), filters=[strip],
                              validators=[DataRequired(), Length(min=18, max=22)])
    kind = SelectField(_l("Kind"), validate_choice=True)
    contact_name = StringField(_l("Contact person"), filters=[strip], validators=[DataRequired(), Length(max=40)])
    contact_phone = StringField(_l("Contact phone"), filters=[strip], validators=[
        DataRequired(), Regexp(r"^[0-9+\- ]{7,20}$", message=_l("Enter a phone number."))])
    description = TextAreaField(_l("About the cooperative"), filters=[strip], validators=[Length(max=2000)])
    licence = KeptFileField(_l("Business licence (photo or scan)"), validators=[KeptFileRequired()],
                            max_bytes=MAX_LICENCE_BYTES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from shop.cooperatives.models import KIND_LABELS
        self.kind.choices = [(kind.value, label) for kind, label in KIND_LABELS.items()]

    def validate_region_county(self, field):
        """The cooperative is registered in a county: the picker must be taken down to that level."""
        if not field.data:
            raise ValidationError(_l("Choose the county where the cooperative is registered."))


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

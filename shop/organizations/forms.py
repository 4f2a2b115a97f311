"""Staff forms for organizations and their members."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from shop.organizations.models import KIND_LABELS
from shop.web.forms import Form, strip


class OrganizationForm(Form):
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()])
    credit_code = StringField(_l("Unified social credit code"), filters=[strip],
                              validators=[DataRequired(), Length(max=24)])
    region_code = StringField(_l("Region code"), filters=[strip], validators=[
        DataRequired(), Regexp(r"^\d{6}$", message=_l("must be a 6-digit region code"))])
    invoice_title = StringField(_l("Invoice title"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    tax_number = StringField(_l("Tax number"), filters=[strip], validators=[DataRequired(), Length(max=24)])


class MemberForm(Form):
    identifier = StringField(_l("Email or mobile number"), filters=[strip],
                             validators=[DataRequired(), Length(max=254)])


class ReasonForm(Form):
    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[Length(max=200)])


class RemoveMemberForm(Form):
    """The CSRF token is all a removal needs."""

"""Organization forms: the application, the portal's member management, and staff's forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, TelField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from shop.accounts.models import ORGANIZATION_ROLE_LABELS, OrganizationRole
from shop.organizations.applications import Application
from shop.organizations.exceptions import ApplicationError
from shop.organizations.models import KIND_LABELS, Organization
from shop.organizations.proofs import MAX_PROOF_BYTES
from shop.regions.forms import RegionPickerForm
from shop.web.forms import Form, strip
from shop.web.uploads import KeptFileField

ROLE_CHOICES = [SelectChoice(role.value, label) for role, label in ORGANIZATION_ROLE_LABELS.items()]
KIND_CHOICES = [SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()]


class ApplicationForm(RegionPickerForm):
    """An organization's application, or its correction (where a new proof is optional)."""

    name = StringField(_l("Organization's registered name"), filters=[strip],
                       validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES)
    credit_code = StringField(_l("Unified social credit code (18 characters)"), filters=[strip],
                              validators=[DataRequired(), Length(max=24)])
    invoice_title = StringField(_l("Invoice title (the name, unless you change it)"), filters=[strip],
                                validators=[Length(max=120)])
    tax_number = StringField(_l("Tax number (the credit code, unless you change it)"), filters=[strip],
                             validators=[Length(max=24)])
    contact_name = StringField(_l("Contact person"), filters=[strip], validators=[DataRequired(), Length(max=40)])
    contact_mobile = TelField(_l("Contact's mobile number (11 digits)"), filters=[strip],
                              validators=[DataRequired(), Length(max=20)])
    proof = KeptFileField(_l("Proof document: registration certificate or licence (PDF, or a photo or scan)"),
                          max_bytes=MAX_PROOF_BYTES)

    def application(self) -> Application:
        """What the form says, for the services (which check it)."""
        return Application(name=self.name.data or "", kind=self.kind.data or "",
                           credit_code=self.credit_code.data or "", region_code=self.chosen_region(),
                           invoice_title=self.invoice_title.data or "", tax_number=self.tax_number.data or "",
                           contact_name=self.contact_name.data or "", contact_mobile=self.contact_mobile.data or "")

    def proof_bytes(self) -> bytes:
        """The uploaded proof (or the one kept from a failed submit), read up to one byte more than allowed."""
        return self.proof.content()

    def show(self, organization: Organization) -> None:
        """Fill the form from a saved application (for its correction)."""
        for name in ("name", "credit_code", "invoice_title", "tax_number", "contact_name", "contact_mobile"):
            self[name].data = getattr(organization, name)
        self.kind.data = organization.kind.value
        self.show_region(organization.region)

    def add_error(self, error: ApplicationError) -> None:
        """Show a service's error next to its field (the region's under the picker), or above the form."""
        field = self._fields.get(error.field) if error.field else None
        if field is self.proof:
            self.proof.drop()
        if field is None:
            self.form_errors.append(str(error))
        else:
            field.errors = [*field.errors, str(error)]


class InviteForm(Form):
    email = EmailField(_l("Email address to invite"), filters=[strip], validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=OrganizationRole.PURCHASER.value)


class RoleForm(Form):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)


class OrganizationForm(Form):
    name = StringField(_l("Organization name"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES)
    credit_code = StringField(_l("Unified social credit code"), filters=[strip],
                              validators=[DataRequired(), Length(max=24)])
    region_code = StringField(_l("Region code"), filters=[strip], validators=[
        DataRequired(), Regexp(r"^\d{6}$", message=_l("must be a 6-digit region code"))])
    invoice_title = StringField(_l("Invoice title"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    tax_number = StringField(_l("Tax number"), filters=[strip], validators=[DataRequired(), Length(max=24)])


class MemberForm(Form):
    identifier = StringField(_l("Email or mobile number"), filters=[strip],
                             validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=OrganizationRole.PURCHASER.value)


class ReasonForm(Form):
    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[Length(max=200)])


class RemoveMemberForm(Form):
    """The CSRF token is all a removal needs."""

"""The staff order desk's filter form (query string) and cancel form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, Regexp

from shop.orders.models import BUYER_CLASS_LABELS, STATUS_LABELS
from shop.orders.queries import StaffOrderFilters
from shop.web.forms import DateOnly, Form


class StaffOrderFilterForm(Form):
    class Meta:
        csrf = False

    number = StringField(_l("Order number"), validators=[Optional(), Length(max=24)])
    status = SelectField(_l("Status"), validators=[Optional()])
    date_from = DateOnly(_l("From"), validators=[Optional()])
    date_to = DateOnly(_l("To"), validators=[Optional()])
    buyer_class = SelectField(_l("Buyer class"), validators=[Optional()])
    organization = IntegerField(_l("Organization"), validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])
    cooperative = IntegerField(_l("Cooperative"), validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])
    county = StringField(_l("Origin county"), validators=[
        Optional(), Regexp(r"^\d{6}$", message=_l("must be a 6-digit region code"))])
    page = IntegerField(_l("Page"), default=1, validators=[Optional(), NumberRange(min=1, max=10_000)])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        everything = SelectChoice("", _l("All"))
        self.status.choices = [everything] + [SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()]
        self.buyer_class.choices = [everything] + [
            SelectChoice(c.value, label) for c, label in BUYER_CLASS_LABELS.items()]

    def to_filters(self) -> StaffOrderFilters:
        return StaffOrderFilters(
            number=self.number.data or None,
            status=self.status.data or None,
            date_from=self.date_from.data,
            date_to=self.date_to.data,
            buyer_class=self.buyer_class.data or None,
            organization_id=self.organization.data,
            cooperative_id=self.cooperative.data,
            county_code=self.county.data or None,
        )

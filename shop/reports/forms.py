"""The tallies' filters, read from a query string (staff page, exports and the API share them)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional, Regexp, ValidationError

from shop.orders.models import BUYER_CLASS_LABELS
from shop.reports.exports import heading
from shop.reports.ledger import GROUPINGS, Filters
from shop.web.forms import DateText, Form

GROUPING_LABELS = {
    "county": _l("County"), "prefecture": _l("Prefecture"), "province": _l("Province"),
    "helper": _l("Helper region"), "cooperative": _l("Cooperative"), "product": _l("Product"),
    "category": _l("Category"), "month": _l("Month"), "organization": _l("Buying organization"),
    "buyer_class": _l("Buyer class"), "buyer_region": _l("Buyer's region"),
}
ID = [Optional(), NumberRange(min=1, max=2**31 - 1)]


class TallyFilterForm(Form):
    class Meta:
        csrf = False

    by = SelectField(_l("Group by"), default="county")
    # "from" and "to" in the query string (the API's names); the page's inputs carry the same names.
    date_from = DateField(_l("From"), validators=[Optional()], widget=DateText())
    date_to = DateField(_l("To"), validators=[Optional()], widget=DateText())
    buyer_class = SelectField(_l("Buyer class"), validators=[Optional()])
    organization = IntegerField(_l("Organization"), validators=ID)
    cooperative = IntegerField(_l("Cooperative"), validators=ID)
    category = IntegerField(_l("Category"), validators=ID)
    county = StringField(_l("Origin county"), validators=[
        Optional(), Regexp(r"^\d{6}$", message=_l("must be a 6-digit region code"))])

    def __init__(self, formdata: MultiDict[str, str] | None = None, **kwargs: object) -> None:
        if formdata is not None:
            # The API and the export links use ?from=...&to=...; WTForms fields cannot be named "from".
            formdata = formdata.copy()
            for short, name in (("from", "date_from"), ("to", "date_to")):
                if short in formdata and name not in formdata:
                    formdata.setlist(name, formdata.getlist(short))
        super().__init__(formdata=formdata, **kwargs)
        self.by.choices = [SelectChoice(name, GROUPING_LABELS[name]) for name in GROUPINGS]
        self.buyer_class.choices = [SelectChoice("", _l("All"))] + [
            SelectChoice(c.value, label) for c, label in BUYER_CLASS_LABELS.items()]

    def validate_date_from(self, field: DateField) -> None:
        if field.data and not 2000 <= field.data.year <= 2999:
            raise ValidationError(_l("must be a date from 2000 on"))

    def validate_date_to(self, field: DateField) -> None:
        if field.data and not 2000 <= field.data.year <= 2999:
            raise ValidationError(_l("must be a date from 2000 on"))
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("must not be before the start date"))

    def to_filters(self) -> Filters:
        return Filters(date_from=self.date_from.data, date_to=self.date_to.data,
                       buyer_class=self.buyer_class.data or None, organization_id=self.organization.data,
                       cooperative_id=self.cooperative.data, category_id=self.category.data,
                       county=self.county.data or None)

    def query_args(self) -> dict[str, object]:
        """The filters as query-string arguments (for export links)."""
        args: dict[str, object] = {"by": self.by.data}
        for name, value in (("from", self.date_from.data), ("to", self.date_to.data),
                            ("buyer_class", self.buyer_class.data), ("organization", self.organization.data),
                            ("cooperative", self.cooperative.data), ("category", self.category.data),
                            ("county", self.county.data)):
            if value:
                args[name] = value.isoformat() if isinstance(value, date) else value
        return args

    def described(self, label_of: Callable[[str, object], str] = lambda name, value: str(value)
                  ) -> list[tuple[str, str]]:
        """(label, value) of every filter set, for the top of an XLSX export; `label_of(name, value)` names
        ids and codes (see reports/menus.py)."""
        parts = heading(str(GROUPING_LABELS[self.by.data]), self.date_from.data, self.date_to.data)
        if self.buyer_class.data:
            label = next(c.label for c in self.buyer_class.choices if c.value == self.buyer_class.data)
            parts.append((str(self.buyer_class.label.text), str(label)))
        for field in (self.organization, self.cooperative, self.category, self.county):
            if field.data:
                parts.append((str(field.label.text), f"{label_of(field.name, field.data)} ({field.data})"))
        return parts


class PledgeYearForm(Form):
    """The year of the staff pledge list, its exports and the API (this year when not given)."""

    class Meta:
        csrf = False

    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=2000, max=2100)])

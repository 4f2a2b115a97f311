"""The catalogue's query-string form: every filter validated before it reaches a query."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import AnyOf, Length, NumberRange, Optional, Regexp

from shop.catalog.queries import DEFAULT_SORT, ProductFilters
from shop.forms import Form, strip

SORT_CHOICES = [
    ("newest", _l("Newest")),
    ("price_asc", _l("Price: low to high")),
    ("price_desc", _l("Price: high to low")),
]
REGION_CODE = Regexp(r"^\d{6}$", message=_l("must be a 6-digit region code"))
MAX_PAGE = 10_000


class ProductSearchForm(Form):
    """Filters of /products, read from the query string (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), filters=[strip], validators=[
        Optional(), Length(max=100, message=_l("Search text is limited to 100 characters"))])
    category = StringField(_l("Category"), filters=[strip], validators=[Optional(), Length(max=40)])
    province = StringField(_l("Province"), filters=[strip], validators=[Optional(), REGION_CODE])
    county = StringField(_l("County"), filters=[strip], validators=[Optional(), REGION_CODE])
    helper = StringField(_l("Paired with"), filters=[strip], validators=[Optional(), REGION_CODE])
    cooperative = IntegerField(_l("Cooperative"), validators=[
        Optional(), NumberRange(min=1, max=2**31 - 1)])
    in_stock = BooleanField(_l("In stock only"))
    sort = StringField(_l("Sort"), validators=[
        Optional(), AnyOf([value for value, _ in SORT_CHOICES], message=_l("Unknown sort order"))])
    page = IntegerField(_l("Page"), default=1, validators=[
        Optional(), NumberRange(min=1, max=MAX_PAGE, message=_l("Page must be between 1 and 10000"))])

    def to_filters(self) -> ProductFilters:
        """The validated values as a ProductFilters."""
        return ProductFilters(
            q=self.q.data or "",
            category=self.category.data or None,
            province=self.province.data or None,
            county=self.county.data or None,
            helper=self.helper.data or None,
            cooperative=self.cooperative.data,
            in_stock=bool(self.in_stock.data),
            sort=self.sort.data or DEFAULT_SORT,
        )

    def error_messages(self) -> list[str]:
        """'Field: message' for the first error of each field, for the 400 page."""
        return [f"{self[name].label.text}: {msgs[0]}" for name, msgs in self.errors.items()]

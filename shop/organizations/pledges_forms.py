"""The pledge form on an organization's pages: the year, a target or a base amount with a ratio, tied counties."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from shop.core.money import MoneyError, fen_to_yuan_str, parse_yuan
from shop.organizations.exceptions import PledgeError
from shop.organizations.models import BASIS_POINTS, Pledge
from shop.organizations.pledges import PledgeTerms, paired_counties, years_open
from shop.web.forms import Form, strip

TARGET, RATIO = "target", "ratio"


class PledgeForm(Form):
    """A new pledge (with its year) or a change to one (the year is fixed by the page)."""

    year = SelectField(_l("Year"), validate_choice=False)
    how = RadioField(_l("How the target is set"), default=TARGET, choices=[
        SelectChoice(TARGET, _l("An amount")), SelectChoice(RATIO, _l("A base amount times a ratio (预留份额)"))])
    target = StringField(_l("Target in yuan"), filters=[strip])
    base = StringField(_l("Base amount in yuan (e.g. the canteen's yearly budget)"), filters=[strip])
    ratio = StringField(_l("Ratio in percent (e.g. 10)"), filters=[strip])
    counties = SelectMultipleField(_l("Tied to these paired counties (optional)"), validate_choice=False,
                                   widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())

    def load_choices(self, year: int | None = None) -> None:
        """The open years, and the counties paired in the chosen (or given) year."""
        self.year.choices = [SelectChoice(str(y), str(y)) for y in reversed(years_open())]
        chosen = year or (int(self.year.data) if (self.year.data or "").isdigit() else years_open()[-2])
        self.counties.choices = [SelectChoice(region.code, region.name) for region in paired_counties(chosen)]

    def show(self, pledge: Pledge) -> None:
        """Fill the form from a saved pledge."""
        self.year.data = str(pledge.year)
        self.how.data = TARGET if pledge.base_fen is None else RATIO
        self.target.data = fen_to_yuan_str(pledge.target_fen) if pledge.base_fen is None else ""
        self.base.data = fen_to_yuan_str(pledge.base_fen) if pledge.base_fen is not None else ""
        self.ratio.data = _percent_text(pledge.ratio_bp) if pledge.ratio_bp is not None else ""
        self.counties.data = pledge.county_codes

    def terms(self, year: int | None = None) -> PledgeTerms | None:
        """What the form asks for (the page's year when given), or None with the errors on their fields."""
        year_text = str(year) if year is not None else (self.year.data or "")
        if not year_text.isdigit() or len(year_text) != 4:
            self.year.errors = [*self.year.errors, _("Choose a year.")]
            return None
        codes = tuple(self.counties.data or ())
        if self.how.data == RATIO:
            base, ratio = _amount(self.base), _ratio(self.ratio)
            if base is None or ratio is None:
                return None
            return PledgeTerms(int(year_text), base_fen=base, ratio_bp=ratio, county_codes=codes)
        target = _amount(self.target)
        return None if target is None else PledgeTerms(int(year_text), target_fen=target, county_codes=codes)

    def add_error(self, error: PledgeError) -> None:
        """Show a service's error next to its field, or above the form."""
        field = self._fields.get(error.field) if error.field else None
        if field is None:
            self.form_errors.append(str(error))
        else:
            field.errors = [*field.errors, str(error)]


def _amount(field) -> int | None:
    text = field.data or ""
    if text.startswith("-"):
        field.errors = [*field.errors, _("The amount must be more than zero.")]
        return None
    try:
        fen = parse_yuan(text)
    except MoneyError:
        field.errors = [*field.errors, _("“%(value)s” is not an amount in yuan (e.g. 1280.50).", value=text)]
        return None
    if fen <= 0:
        field.errors = [*field.errors, _("The amount must be more than zero.")]
        return None
    return fen


def _ratio(field) -> int | None:
    """A percentage with at most two decimals, as basis points."""
    text = (field.data or "").rstrip("%％").strip()
    try:
        points = Decimal(text) * 100
    except InvalidOperation:
        points = Decimal("NaN")
    if not points.is_finite() or points != points.to_integral_value() or not 0 < points <= BASIS_POINTS:
        field.errors = [*field.errors, _("Give the ratio as a percentage above 0 and at most 100, with at most two "
                                         "decimals (e.g. 10 or 12.5).")]
        return None
    return int(points)


def _percent_text(ratio_bp: int) -> str:
    """1000 → '10', 1250 → '12.5'."""
    return f"{Decimal(ratio_bp) / 100:f}".rstrip("0").rstrip(".") if ratio_bp % 100 else str(ratio_bp // 100)

"""The catalogue's forms: the query-string filters (validated before they reach a query), and a cooperative's
listing, stock, photo and listings-upload forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from shop.catalog.queries import DEFAULT_SORT, ProductFilters
from shop.core.money import fen_to_yuan_str
from shop.web.forms import DateOnly, Form, YuanField, strip

SORT_CHOICES = [
    ("newest", _l("Newest")),
    ("price_asc", _l("Price: low to high")),
    ("price_desc", _l("Price: high to low")),
]
REGION_CODE = Regexp(r"^\d{6}$", message=_l("must be a 6-digit region code"))
MAX_PAGE = 10_000
MAX_STOCK = 1_000_000


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


class ListingForm(Form):
    """A cooperative's product listing (new or edited); the view fills in the category choices."""

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
    certificate_valid_until = DateOnly(_l("Valid until"), validators=[Optional()])

    @classmethod
    def for_product(cls, product) -> ListingForm:
        """The form showing `product` as it is: its price in yuan and its category selected."""
        form = cls(formdata=None, obj=product, price=fen_to_yuan_str(product.price_fen))
        # obj=product hands the `category` field the Category object, which coerce=int turns into None
        # (nothing selected, so a save moved the product to the first category): select it by id.
        form.category.process_data(product.category_id)
        return form


class StockForm(Form):
    change = IntegerField(_l("Add (or remove, with a minus sign)"), validators=[
        InputRequired(), NumberRange(min=-MAX_STOCK, max=MAX_STOCK)])


class PhotoForm(Form):
    photo = FileField(_l("Photo (JPEG, PNG or WebP)"), validators=[FileRequired()])


class ImportForm(Form):
    file = FileField(_l("Listings file (Excel .xlsx or CSV)"), validators=[FileRequired()])
    zero_missing = BooleanField(_l("Set stock to zero for my products that are not in the file"))

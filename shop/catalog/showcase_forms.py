"""Staff forms for the home page: a banner slide and a section of picked products."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from shop.catalog.showcase import ShelfData, SlideData
from shop.web.forms import Form, strip

POSITION = [Optional(), NumberRange(min=0, max=99)]
SEPARATORS = re.compile(r"[\s,，、;；]+")


class SlideForm(Form):
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=60)])
    title_en = StringField(_l("Title in English (optional)"), filters=[strip], validators=[Length(max=80)])
    link = StringField(_l("Link (a path on this site such as /products?q=红枣, or an https:// address)"),
                       filters=[strip], validators=[DataRequired(), Length(max=300)])
    position = IntegerField(_l("Order (smaller first)"), default=0, validators=POSITION)
    is_active = BooleanField(_l("Shown on the home page"), default=True)
    picture = FileField(_l("Picture (JPEG, PNG or WebP; wide, about 1200 × 480)"))

    def to_data(self) -> SlideData:
        """The slide as the service takes it."""
        return SlideData(title=self.title.data, title_en=self.title_en.data or None, link=self.link.data,
                         position=self.position.data or 0, is_active=bool(self.is_active.data))

    def picture_bytes(self) -> bytes | None:
        """The uploaded picture, or None when none was chosen."""
        upload = self.picture.data
        return upload.read() if upload and getattr(upload, "filename", "") else None


class ShelfForm(Form):
    title = StringField(_l("Section name (e.g. 年货节, 当季新品)"), filters=[strip],
                        validators=[DataRequired(), Length(max=40)])
    title_en = StringField(_l("Name in English (optional)"), filters=[strip], validators=[Length(max=60)])
    products = StringField(_l("Product numbers in the order shown (e.g. 12, 7, 33)"), filters=[strip],
                           validators=[DataRequired(), Length(max=200)])
    position = IntegerField(_l("Order (smaller first)"), default=0, validators=POSITION)
    is_active = BooleanField(_l("Shown on the home page"), default=True)

    def validate_products(self, field) -> None:
        tokens = [token for token in SEPARATORS.split(field.data or "") if token]
        bad = [token for token in tokens if not (token.isascii() and token.isdigit()) or len(token) > 9]
        if bad:
            raise ValidationError(_l("“%(value)s” is not a product number.", value=bad[0]))

    def to_data(self) -> ShelfData:
        """The section as the service takes it."""
        ids = tuple(int(token) for token in SEPARATORS.split(self.products.data or "") if token)
        return ShelfData(title=self.title.data, title_en=self.title_en.data or None, product_ids=ids,
                         position=self.position.data or 0, is_active=bool(self.is_active.data))

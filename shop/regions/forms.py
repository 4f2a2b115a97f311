"""A province → prefecture → county picker for forms, from the region table.

Each level is a select filled on the server from the level above it, so the picker works without JavaScript: the
"next level" button posts the form back and the page comes again with the next select filled. With JavaScript
(static/js/organization-apply.js) the selects fill themselves from /regions/<code>/children and the button hides.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SubmitField

from shop.regions.models import Region
from shop.regions.queries import children_of
from shop.web.forms import Form

LEVELS = ("region_province", "region_prefecture", "region_county")


class RegionPickerForm(Form):
    """A form with the three region selects; call load_region_choices() before rendering it."""

    region_province = SelectField(_l("Province"), validate_choice=False)
    region_prefecture = SelectField(_l("Prefecture or city"), validate_choice=False)
    region_county = SelectField(_l("County or district"), validate_choice=False)
    region_step = SubmitField(_l("Show the next level"))

    def load_region_choices(self) -> None:
        """Fill each select with the children of the choice above it; a choice not among them is dropped."""
        parent: str | None = None
        for level, name in enumerate(LEVELS):
            field = self[name]
            regions = children_of(parent) if level == 0 or parent else []
            codes = {region.code for region in regions}
            if field.data not in codes:
                field.data = ""
            field.choices = [("", str(_l("— choose —")))] + [(region.code, region.name) for region in regions]
            field.render_kw = {"disabled": True} if not regions else None
            parent = field.data or None

    def chosen_region(self) -> str:
        """The deepest level chosen (a code), or "" when none is; call load_region_choices() first."""
        return next((self[name].data for name in reversed(LEVELS) if self[name].data), "")

    def show_region(self, region: Region | None) -> None:
        """Preselect `region` and the levels above it (when a form shows a saved region)."""
        if region is None:
            return
        path = [*region.ancestors, region]
        for name, node in zip(LEVELS, path):
            self[name].data = node.code

    @property
    def region_errors(self) -> list[str]:
        """The errors of the three selects, for showing once below the picker."""
        return [error for name in LEVELS for error in self[name].errors]

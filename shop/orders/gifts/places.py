"""Province / city / district names of an address checked against the shipped region table."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from shop.catalog.importing.columns import CellError
from shop.core.caching import kept
from shop.extensions import db
from shop.regions.models import Region, RegionLevel

# The prefecture level of Beijing, Tianjin, Shanghai and Chongqing is named like this in the table, never by people.
MUNICIPAL_PREFECTURES = ("市辖区", "县")


RegionNames = tuple[dict[str, str], dict[str, dict[str, str]]]


def _region_names() -> RegionNames:
    """Provinces by name, and each region's children by name: codes."""
    provinces: dict[str, str] = {}
    children: dict[str, dict[str, str]] = {}
    for code, name, level, parent in db.session.execute(
            select(Region.code, Region.name, Region.level, Region.parent_code).order_by(Region.code)):
        if level == RegionLevel.PROVINCE:
            provinces[name] = code
        elif parent is not None:
            children.setdefault(parent, {})[name] = code
    return provinces, children


class Places:
    """The region table by name, to check addresses (a checkout's, or a whole gift file's). Kept for
    MENU_CACHE_SECONDS per process like the catalogue's menus: the table changes only when regions are imported,
    and reading its 3,232 rows once per checkout page and twice per submit made checkout three times slower
    (bench/checkout.py on SQLite: 20 orders/s, 60 with the table kept)."""

    def __init__(self) -> None:
        # Shared between requests: read only, never changed in place.
        self.provinces, self.children = kept(("regions", "by name"), current_app.config["MENU_CACHE_SECONDS"],
                                             _region_names)

    def province(self, name: str) -> str:
        """The province's code; CellError if no province has that name."""
        code = self.provinces.get(name)
        if code is None:
            raise CellError(_("“%(name)s” is not a province in the region table", name=name))
        return code

    def cities(self, province_code: str, province_name: str, name: str) -> list[str]:
        """The codes of the prefectures `name` may mean in the province; CellError if none."""
        prefectures = self.children.get(province_code, {})
        if name in prefectures and name not in MUNICIPAL_PREFECTURES:
            return [prefectures[name]]
        municipal = [code for label, code in prefectures.items() if label in MUNICIPAL_PREFECTURES]
        if municipal and name in (province_name, *MUNICIPAL_PREFECTURES):
            return municipal
        raise CellError(_("“%(name)s” is not a city of %(province)s", name=name, province=province_name))

    def district(self, city_codes: list[str], city_name: str, name: str) -> str:
        """The district's code under one of the cities; CellError if none has it."""
        for code in city_codes:
            found = self.children.get(code, {}).get(name)
            if found is not None:
                return found
        raise CellError(_("“%(name)s” is not a district or county of %(city)s", name=name, city=city_name))

    def city_choices(self, province_name: str) -> list[tuple[str, list[str]]]:
        """The cities of a province as people name them, each with its prefecture codes: a municipality is one city
        named like the province, over its 市辖区 and 县; none for a name that is not a province."""
        code = self.provinces.get(province_name)
        prefectures = self.children.get(code, {}) if code else {}
        municipal = [code for label, code in prefectures.items() if label in MUNICIPAL_PREFECTURES]
        named = [(label, [code]) for label, code in prefectures.items() if label not in MUNICIPAL_PREFECTURES]
        return ([(province_name, municipal)] if municipal else []) + named

    def district_names(self, city_codes: list[str]) -> list[str]:
        """The districts and counties under the prefectures `city_codes`, by code."""
        return [name for code in city_codes for name in self.children.get(code, {})]

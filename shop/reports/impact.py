"""The public impact board: this year's sales per paired county, and how evenly they are spread.

The balance view compares each county's share of the year's net sales with an equal share across the
counties that have an active pairing today. A county whose share is under half of the equal share is
marked under-served, so buyers can find it.

Beside each county's sales stands what organizations pledged to it this year (shop/reports/pledges.py: a pledge tied
to several counties splits its target evenly across them); pledges tied to no county are one line of their own.
Sales and pledges of counties without an active pairing today (the pairing ended, or there never was one) are
listed on their own, so the board adds up: the headline is the sum of every figure on the page, fen for fen.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import func, or_, select

from shop.core.caching import kept
from shop.core.timezones import today_in_china
from shop.extensions import db
from shop.regions.models import Pairing, Region
from shop.reports.ledger import Filters, Row, tally
from shop.reports.pledges import pledged_by_county

UNDERSERVED_BELOW = 0.5  # of the equal share

Place = Callable[[str], tuple[str, str]]  # a county code -> (its name, its province's name)


@dataclass(frozen=True)
class CountyImpact:
    code: str
    name: str
    province: str
    net_fen: int
    weight_g: int
    orders: int
    share: float  # of all paired counties' net sales this year
    equal_share: float
    any_sales: bool  # whether any paired county sold anything this year (no sales: nobody is behind)
    pledged_fen: int = 0  # organizations' pledges to it this year

    @property
    def pledge_gap_fen(self) -> int:
        """How much of what was pledged to it has not been bought from it (never below zero)."""
        return max(self.pledged_fen - self.net_fen, 0)

    @property
    def underserved(self) -> bool:
        """Whether its share is under UNDERSERVED_BELOW of an equal share."""
        return self.any_sales and self.share < self.equal_share * UNDERSERVED_BELOW

    @property
    def share_of_equal(self) -> float:
        """Its share as a fraction of an equal share (1.0 = exactly even)."""
        return self.share / self.equal_share if self.equal_share else 0.0


@dataclass(frozen=True)
class UnpairedCounty:
    """A county that sold or was pledged to this year without an active pairing today."""
    code: str
    name: str
    province: str
    net_fen: int
    weight_g: int
    pledged_fen: int
    paired_until: date | None  # the last day of its latest pairing; None: never paired


@dataclass(frozen=True)
class ImpactBoard:
    year: int
    counties: list[CountyImpact]
    net_fen: int
    weight_g: int
    orders: int
    untied_pledged_fen: int = 0  # pledges tied to no county
    unpaired: list[UnpairedCounty] = field(default_factory=list)

    @property
    def pledged_fen(self) -> int:
        """Every pledge of the year: the counties' shares, the unpaired counties' and the untied pledges."""
        return (sum(county.pledged_fen for county in self.counties) + self.untied_pledged_fen
                + sum(county.pledged_fen for county in self.unpaired))

    @property
    def equal_fen(self) -> int:
        """An even split of the paired counties' (positive) sales: where each bar's marker stands."""
        total = sum(max(county.net_fen, 0) for county in self.counties)
        return total // len(self.counties) if self.counties else 0

    @property
    def scale_fen(self) -> int:
        """The one scale every bar on the board shares: the largest figure drawn (or the even split)."""
        figures = [county.net_fen for county in self.counties] + [county.net_fen for county in self.unpaired]
        return max([self.equal_fen, *figures, 0])

    def bar_percent(self, fen: int) -> float:
        """A figure's bar length as a percentage of the shared scale (negative figures draw empty)."""
        return round(max(fen, 0) * 100 / self.scale_fen, 1) if self.scale_fen else 0.0


def paired_counties(day: date) -> list[str]:
    """The counties with a pairing active on `day`."""
    return list(db.session.scalars(
        select(Pairing.recipient_code).where(Pairing.starts_on <= day,
                                             or_(Pairing.ends_on.is_(None), Pairing.ends_on >= day))
        .distinct().order_by(Pairing.recipient_code)
    ))


def impact_board(today: date | None = None) -> ImpactBoard:
    """The board for `today`'s year; kept IMPACT_CACHE_SECONDS per process, since county pages show it too."""
    today = today or today_in_china()
    return kept(("impact", today), current_app.config["IMPACT_CACHE_SECONDS"], lambda: _compute(today))


def _places(codes: set[str]) -> tuple[dict[str, Region], dict[str, str]]:
    """The counties' regions and their provinces' names."""
    if not codes:
        return {}, {}
    regions = {r.code: r for r in db.session.scalars(select(Region).where(Region.code.in_(codes)))}
    provinces = dict(db.session.execute(select(Region.code, Region.name).where(
        Region.code.in_({r.province_code for r in regions.values()}))).all()) if regions else {}
    return regions, provinces


def _compute(today: date) -> ImpactBoard:
    pledged, untied = pledged_by_county(today.year)
    result = tally("county", Filters(date_from=date(today.year, 1, 1), date_to=date(today.year, 12, 31)))
    by_code = {str(row.keys["county_code"]): row for row in result.rows}
    active = set(paired_counties(today))
    others = (set(by_code) | set(pledged)) - active
    regions, provinces = _places(active | others)

    def place(code: str) -> tuple[str, str]:
        region = regions.get(code)
        return (region.name, provinces.get(region.province_code, "")) if region else (code, "")

    counties = _paired(sorted(active), by_code, pledged, place)
    totals = result.require_totals()  # every sale once, even an order with products from several counties
    return ImpactBoard(year=today.year, counties=counties, net_fen=totals.net_fen, weight_g=totals.weight_g,
                       orders=totals.orders, untied_pledged_fen=untied,
                       unpaired=_unpaired(others, by_code, pledged, place))


def _paired(codes: list[str], by_code: dict[str, Row], pledged: dict[str, int], place: Place) -> list[CountyImpact]:
    """The cards: counties paired today, least helped first."""
    rows: list[Row | None] = [by_code.get(code) for code in codes]
    total = sum(max(row.net_fen, 0) for row in rows if row)
    equal = 1 / len(codes) if codes else 0.0
    counties = []
    for code, row in zip(codes, rows):
        net = row.net_fen if row else 0
        name, province = place(code)
        counties.append(CountyImpact(
            code=code, name=name, province=province,
            net_fen=net, weight_g=row.weight_g if row else 0, orders=row.orders if row else 0,
            share=max(net, 0) / total if total else 0.0, equal_share=equal, any_sales=total > 0,
            pledged_fen=pledged.get(code, 0)))
    counties.sort(key=lambda county: (county.share, county.code))
    return counties


def _unpaired(codes: set[str], by_code: dict[str, Row], pledged: dict[str, int],
              place: Place) -> list[UnpairedCounty]:
    """Counties without an active pairing that sold or were pledged to, largest sales first."""
    if not codes:
        return []
    until = dict(db.session.execute(select(Pairing.recipient_code, func.max(Pairing.ends_on))
                                    .where(Pairing.recipient_code.in_(codes))
                                    .group_by(Pairing.recipient_code)).all())
    listed = []
    for code in codes:
        row = by_code.get(code)
        name, province = place(code)
        listed.append(UnpairedCounty(code=code, name=name, province=province, net_fen=row.net_fen if row else 0,
                                     weight_g=row.weight_g if row else 0, pledged_fen=pledged.get(code, 0),
                                     paired_until=until.get(code)))
    listed.sort(key=lambda county: (-county.net_fen, county.code))
    return listed


def county_impact(code: str, today: date | None = None) -> CountyImpact | None:
    """The board's figure for one county, or None when it has no active pairing."""
    board = impact_board(today)
    return next((county for county in board.counties if county.code == code), None)

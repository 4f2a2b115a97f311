"""The public impact board: this year's sales per paired county, and how evenly they are spread.

The balance view compares each county's share of the year's net sales with an equal share across the
counties that have an active pairing today. A county whose share is under half of the equal share is
marked under-served, so buyers can find it.

Beside each county's sales stands what organizations pledged to it this year (shop/reports/pledges.py: a pledge tied
to several counties splits its target evenly across them); pledges tied to no county are one line of their own. A
county that is pledged to but has no active pairing today still gets its line, so the pledges add up.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import or_, select

from shop.core.caching import kept
from shop.core.timezones import today_in_china
from shop.extensions import db
from shop.regions.models import Pairing, Region
from shop.reports.ledger import Filters, tally
from shop.reports.pledges import pledged_by_county

UNDERSERVED_BELOW = 0.5  # of the equal share


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
        return self.any_sales and self.share < self.equal_share * UNDERSERVED_BELOW

    @property
    def share_of_equal(self) -> float:
        return self.share / self.equal_share if self.equal_share else 0.0


@dataclass(frozen=True)
class ImpactBoard:
    year: int
    counties: list[CountyImpact]
    net_fen: int
    weight_g: int
    orders: int
    untied_pledged_fen: int = 0  # pledges tied to no county

    @property
    def pledged_fen(self) -> int:
        """Every pledge of the year: the counties' shares and the untied pledges."""
        return sum(county.pledged_fen for county in self.counties) + self.untied_pledged_fen


def paired_counties(day: date) -> list[str]:
    return list(db.session.scalars(
        select(Pairing.recipient_code).where(Pairing.starts_on <= day,
                                             or_(Pairing.ends_on.is_(None), Pairing.ends_on >= day))
        .distinct().order_by(Pairing.recipient_code)
    ))


def impact_board(today: date | None = None) -> ImpactBoard:
    """The board for `today`'s year; kept IMPACT_CACHE_SECONDS per process, since county pages show it too."""
    today = today or today_in_china()
    return kept(("impact", today), current_app.config["IMPACT_CACHE_SECONDS"], lambda: _compute(today))


def _compute(today: date) -> ImpactBoard:
    pledged, untied = pledged_by_county(today.year)
    codes = sorted(set(paired_counties(today)) | set(pledged))
    result = tally("county", Filters(date_from=date(today.year, 1, 1), date_to=date(today.year, 12, 31)))
    by_code = {row.keys["county_code"]: row for row in result.rows}
    regions = {r.code: r for r in db.session.scalars(select(Region).where(Region.code.in_(codes)))} if codes else {}
    provinces = dict(db.session.execute(select(Region.code, Region.name).where(
        Region.code.in_({r.province_code for r in regions.values()}))).all()) if regions else {}
    rows = [by_code.get(code) for code in codes]
    total = sum(max(row.net_fen, 0) for row in rows if row)
    equal = 1 / len(codes) if codes else 0.0
    counties = []
    for code, row in zip(codes, rows):
        region = regions.get(code)
        net = row.net_fen if row else 0
        counties.append(CountyImpact(
            code=code, name=region.name if region else code,
            province=provinces.get(region.province_code, "") if region else "",
            net_fen=net, weight_g=row.weight_g if row else 0, orders=row.orders if row else 0,
            share=max(net, 0) / total if total else 0.0, equal_share=equal, any_sales=total > 0,
            pledged_fen=pledged.get(code, 0)))
    counties.sort(key=lambda county: (county.share, county.code))
    totals = result.require_totals()  # every sale once, even an order with products from several counties
    return ImpactBoard(year=today.year, counties=counties, net_fen=totals.net_fen, weight_g=totals.weight_g,
                       orders=totals.orders, untied_pledged_fen=untied)


def county_impact(code: str, today: date | None = None) -> CountyImpact | None:
    """The board's figure for one county, or None when it has no active pairing."""
    board = impact_board(today)
    return next((county for county in board.counties if county.code == code), None)

"""Yearly pledges (认购目标 / 预留份额): an organization's admins set and change the target for a year, as an amount
or as a base amount times a ratio, optionally tied to paired counties. Each change is checked, audited and saved in
one transaction; progress is counted by shop/reports/pledges.py."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import or_, select

from shop.audit.services import record
from shop.core.database import write_transaction
from shop.core.money import MAX_FEN
from shop.core.timezones import today_in_china
from shop.extensions import db
from shop.organizations.exceptions import PledgeError
from shop.organizations.members import lock_organization, require_admin
from shop.organizations.models import BASIS_POINTS, Pledge, PledgeCounty
from shop.regions.models import Pairing, Region

FIRST_YEAR = 2020
MAX_COUNTIES = 20


@dataclass(frozen=True)
class PledgeTerms:
    """What an admin asks for: a typed target, or a base amount and a ratio (basis points); the tied counties."""

    year: int
    target_fen: int | None = None
    base_fen: int | None = None
    ratio_bp: int | None = None
    county_codes: tuple[str, ...] = ()


def target_of(base_fen: int, ratio_bp: int) -> int:
    """base × ratio in fen, rounded half up to the fen (¥2,000,000 × 1,000 bp → ¥200,000)."""
    return (base_fen * ratio_bp + BASIS_POINTS // 2) // BASIS_POINTS


def years_open(today: date | None = None) -> list[int]:
    """The years a pledge may be set for: from FIRST_YEAR to next year."""
    return list(range(FIRST_YEAR, (today or today_in_china()).year + 2))


def paired_counties(year: int) -> list[Region]:
    """Counties with a pairing valid on some day of `year`, by code: the counties a pledge may be tied to."""
    valid = select(Pairing.recipient_code).where(
        Pairing.starts_on <= date(year, 12, 31), or_(Pairing.ends_on.is_(None), Pairing.ends_on >= date(year, 1, 1)))
    return list(db.session.scalars(select(Region).where(Region.code.in_(valid)).order_by(Region.code)))


def pledge_for(organization_id: int, year: int) -> Pledge | None:
    """The organization's pledge for `year`, or None."""
    return db.session.scalar(select(Pledge).filter_by(organization_id=organization_id, year=year))


def pledges_of(organization_id: int) -> list[Pledge]:
    """The organization's pledges, newest year first."""
    return list(db.session.scalars(select(Pledge).filter_by(organization_id=organization_id)
                                   .order_by(Pledge.year.desc())))


def _checked_target(terms: PledgeTerms) -> int:
    """The target in fen the terms give, or PledgeError naming the field that is wrong."""
    if terms.year not in years_open():
        raise PledgeError(_("Choose a year from %(first)d to %(last)d.", first=FIRST_YEAR,
                            last=years_open()[-1]), "year")
    if terms.target_fen is not None:
        if terms.base_fen is not None or terms.ratio_bp is not None:
            raise PledgeError(_("Give either a target amount or a base amount with a ratio, not both."))
        if not 0 < terms.target_fen <= MAX_FEN:
            raise PledgeError(_("The target must be more than zero."), "target")
        return terms.target_fen
    if terms.base_fen is None or terms.ratio_bp is None:
        raise PledgeError(_("Give a target amount, or a base amount with a ratio."))
    if not 0 < terms.base_fen <= MAX_FEN:
        raise PledgeError(_("The base amount must be more than zero."), "base")
    if not 0 < terms.ratio_bp <= BASIS_POINTS:
        raise PledgeError(_("The ratio must be above 0 and at most 100 percent."), "ratio")
    target = target_of(terms.base_fen, terms.ratio_bp)
    if target <= 0:
        raise PledgeError(_("The base amount times the ratio comes to less than one fen."), "ratio")
    return target


def _checked_counties(terms: PledgeTerms) -> list[str]:
    codes = sorted(set(terms.county_codes))
    if len(codes) > MAX_COUNTIES:
        raise PledgeError(_("Tie the pledge to at most %(n)d counties.", n=MAX_COUNTIES), "counties")
    paired = {region.code: region for region in paired_counties(terms.year)}
    unknown = [code for code in codes if code not in paired]
    if unknown:
        raise PledgeError(_("%(codes)s is not a county with a pairing in %(year)d; choose from the list.",
                            codes="、".join(unknown), year=terms.year), "counties")
    return codes


def _snapshot(pledge: Pledge) -> dict:
    return {"year": pledge.year, "target_fen": pledge.target_fen, "base_fen": pledge.base_fen,
            "ratio_bp": pledge.ratio_bp, "counties": pledge.county_codes}


def _apply(pledge: Pledge, terms: PledgeTerms, target: int, codes: list[str]) -> None:
    pledge.target_fen = target
    pledge.base_fen = None if terms.target_fen is not None else terms.base_fen
    pledge.ratio_bp = None if terms.target_fen is not None else terms.ratio_bp
    kept = {county.county_code: county for county in pledge.counties}  # unchanged rows stay, never re-inserted
    pledge.counties = [kept.get(code) or PledgeCounty(county_code=code) for code in codes]


def save_pledge(actor_id: int, organization_id: int, terms: PledgeTerms, *, new: bool) -> Pledge:
    """Create the year's pledge (`new`: PledgeError when one exists) or change it (PledgeError when none does)."""
    target = _checked_target(terms)
    codes = _checked_counties(terms)
    with write_transaction(db.session):
        lock_organization(organization_id)  # two admins saving the same year at once: the second sees the first
        require_admin(actor_id, organization_id)
        pledge = pledge_for(organization_id, terms.year)
        if new and pledge is not None:
            raise PledgeError(_("There is a pledge for %(year)d already: change it instead.", year=terms.year),
                              "year")
        if not new and pledge is None:
            raise PledgeError(_("There is no pledge for %(year)d.", year=terms.year), "year")
        before = None if pledge is None else _snapshot(pledge)
        if pledge is None:
            pledge = Pledge(organization_id=organization_id, year=terms.year)
            db.session.add(pledge)
        _apply(pledge, terms, target, codes)
        db.session.flush()
        record(actor_id, "pledge.create" if before is None else "pledge.update", "organization", organization_id,
               before=before, after=_snapshot(pledge))
    return pledge

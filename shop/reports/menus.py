"""What the staff tallies page offers in its filter menus: organizations, cooperatives, categories and
origin counties by name (the query string still carries their ids and codes, as the API's does)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from shop.catalog.models import Category
from shop.cooperatives.models import Cooperative
from shop.extensions import db
from shop.organizations.models import Organization, OrganizationStatus
from shop.regions.models import Pairing, Region

# Only a verified organization can order, and a verified one can only become suspended (and back).
HAVE_BOUGHT = (OrganizationStatus.VERIFIED, OrganizationStatus.SUSPENDED)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def filter_menus() -> dict[str, list[Choice]]:
    """Menu choices keyed by filter name: every organization that may have bought (verified or suspended: an
    application waiting for review or rejected has never ordered) and every cooperative (suspended ones too: their
    past sales still count), every category (named in the request's language), and the counties that are
    paired or have a cooperative."""
    counties = select(Pairing.recipient_code).union(select(Cooperative.county_code))
    return {
        "organization": [Choice(str(i), name) for i, name in db.session.execute(
            select(Organization.id, Organization.name).where(Organization.status.in_(HAVE_BOUGHT))
            .order_by(Organization.name, Organization.id))],
        "cooperative": [Choice(str(i), name) for i, name in db.session.execute(
            select(Cooperative.id, Cooperative.name).order_by(Cooperative.name, Cooperative.id))],
        "category": [Choice(str(category.id), category.name) for category in db.session.scalars(
            select(Category).order_by(Category.position, Category.id))],
        "county": [Choice(code, name) for code, name in db.session.execute(
            select(Region.code, Region.name).where(Region.code.in_(counties)).order_by(Region.code))],
    }


def label_of(menus: dict[str, list[Choice]], name: str, value: object) -> str:
    """The menu's label for a filter value (the value itself when the menu does not have it)."""
    return next((choice.label for choice in menus.get(name, []) if choice.value == str(value)), str(value))

"""The staff tallies' organization menu lists the organizations that may have bought: verified and suspended ones,
not applications waiting for review or rejected."""
from __future__ import annotations

from shop.organizations.models import OrganizationStatus
from shop.reports.menus import filter_menus
from tests.factories import make_organization


def test_organization_menu_lists_only_organizations_that_could_order(app):
    with app.app_context():
        for status in OrganizationStatus:
            make_organization(name=f"单位-{status.value}", status=status)
        listed = {choice.label for choice in filter_menus()["organization"]}
    assert listed == {"单位-verified", "单位-suspended"}

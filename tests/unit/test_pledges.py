"""The pledge services: a target or a base amount times a ratio, tied only to paired counties, one per year, set by
admins only, audited; anything wrong is refused with nothing saved."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from shop.accounts.models import OrganizationRole
from shop.audit.models import AuditEntry
from shop.core.timezones import today_in_china
from shop.extensions import db
from shop.organizations.exceptions import NotAnAdmin, PledgeError
from shop.organizations.models import Pledge
from shop.organizations.pledges import PledgeTerms, paired_counties, save_pledge, target_of
from tests.factories import add_to_organization, make_organization, make_pairing, make_region, make_user

YEAR = today_in_china().year


@pytest.fixture
def org(app_ctx):
    """An organization with an admin and a purchaser; 柯坪 and 从江 are paired now, 望谟's pairing ended in 2020."""
    make_pairing(helper="330500", recipient="652929", starts_on=date(2010, 7, 1))
    make_pairing(helper="330100", recipient="522633", starts_on=date(2013, 1, 1))
    make_pairing(helper="330200", recipient="522326", starts_on=date(2013, 1, 1), ends_on=date(2020, 12, 31))
    make_region("330502", "吴兴区")
    organization = make_organization()
    admin, purchaser = make_user(), make_user()
    add_to_organization(admin, organization, OrganizationRole.ADMIN)
    add_to_organization(purchaser, organization, OrganizationRole.PURCHASER)
    return organization.id, admin.id, purchaser.id


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_target_amount_is_saved_and_audited(org):
    organization_id, admin_id, _purchaser_id = org
    pledge = save_pledge(admin_id, organization_id, PledgeTerms(YEAR, target_fen=30_000_000,
                                                                county_codes=("652929", "522633")), new=True)
    assert (pledge.target_fen, pledge.base_fen, pledge.ratio_bp, pledge.county_codes) == \
        (30_000_000, None, None, ["522633", "652929"])
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "pledge.create"))
    assert entry.actor_id == admin_id and entry.after["target_fen"] == 30_000_000 and entry.before is None


def test_base_times_ratio_gives_the_target(org):
    organization_id, admin_id, _purchaser_id = org
    pledge = save_pledge(admin_id, organization_id, PledgeTerms(YEAR, base_fen=200_000_000, ratio_bp=1_000),
                         new=True)
    assert (pledge.target_fen, pledge.base_fen, pledge.ratio_bp) == (20_000_000, 200_000_000, 1_000)
    assert target_of(333, 5_000) == 167  # half a fen rounds up


def test_a_change_keeps_the_row_and_audits_before_and_after(org):
    organization_id, admin_id, _purchaser_id = org
    first = save_pledge(admin_id, organization_id, PledgeTerms(YEAR, target_fen=100_000, county_codes=("652929",)),
                        new=True)
    changed = save_pledge(admin_id, organization_id, PledgeTerms(YEAR, base_fen=1_000_000, ratio_bp=1_250,
                                                                 county_codes=("652929", "522633")), new=False)
    assert changed.id == first.id and changed.target_fen == 125_000 and changed.county_codes == ["522633", "652929"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "pledge.update"))
    assert entry.before["counties"] == ["652929"] and entry.after["ratio_bp"] == 1_250


@pytest.mark.parametrize("terms, field", [
    (PledgeTerms(YEAR, target_fen=-100), "target"),
    (PledgeTerms(YEAR, target_fen=0), "target"),
    (PledgeTerms(YEAR, base_fen=100_000, ratio_bp=0), "ratio"),
    (PledgeTerms(YEAR, base_fen=100_000, ratio_bp=10_001), "ratio"),
    (PledgeTerms(YEAR, base_fen=-100_000, ratio_bp=1_000), "base"),
    (PledgeTerms(YEAR, base_fen=1, ratio_bp=1), "ratio"),  # comes to less than a fen
    (PledgeTerms(YEAR, target_fen=100, base_fen=100_000, ratio_bp=1_000), None),
    (PledgeTerms(YEAR), None),
    (PledgeTerms(YEAR + 5, target_fen=100), "year"),
    (PledgeTerms(2019, target_fen=100), "year"),
    (PledgeTerms(YEAR, target_fen=100, county_codes=("522326",)), "counties"),  # pairing ended in 2020
    (PledgeTerms(YEAR, target_fen=100, county_codes=("330502",)), "counties"),  # a helper, not a paired county
    (PledgeTerms(YEAR, target_fen=100, county_codes=("999999",)), "counties"),
])
def test_bad_terms_are_refused_and_nothing_is_saved(org, terms, field):
    organization_id, admin_id, _purchaser_id = org
    with pytest.raises(PledgeError) as raised:
        save_pledge(admin_id, organization_id, terms, new=True)
    assert raised.value.field == field and str(raised.value)
    assert (_count(Pledge), _count(AuditEntry)) == (0, 0)


def test_one_pledge_per_year(org):
    organization_id, admin_id, _purchaser_id = org
    save_pledge(admin_id, organization_id, PledgeTerms(YEAR, target_fen=100), new=True)
    with pytest.raises(PledgeError, match=str(YEAR)):
        save_pledge(admin_id, organization_id, PledgeTerms(YEAR, target_fen=999), new=True)
    with pytest.raises(PledgeError):
        save_pledge(admin_id, organization_id, PledgeTerms(YEAR - 1, target_fen=999), new=False)
    assert [p.target_fen for p in db.session.scalars(select(Pledge))] == [100]


def test_only_admins_set_pledges(org):
    organization_id, _admin_id, purchaser_id = org
    with pytest.raises(NotAnAdmin):
        save_pledge(purchaser_id, organization_id, PledgeTerms(YEAR, target_fen=100), new=True)
    with pytest.raises(NotAnAdmin):
        save_pledge(make_user().id, organization_id, PledgeTerms(YEAR, target_fen=100), new=True)
    assert _count(Pledge) == 0


def test_paired_counties_of_a_year(org):
    assert [region.code for region in paired_counties(YEAR)] == ["522633", "652929"]
    assert [region.code for region in paired_counties(2020)] == ["522326", "522633", "652929"]

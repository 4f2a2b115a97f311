"""The region tree, the code-table loader and pairings valid on a date."""
from datetime import date

import pytest
from sqlalchemy import func, select

from shop.extensions import db
from shop.regions.loaders import (
    SHIPPED_TABLE,
    RegionTableError,
    import_region_file,
    import_region_text,
    level_of,
)
from shop.regions.models import Pairing, PairingKind, Region, RegionLevel
from tests.factories import make_pairing

pytestmark = pytest.mark.usefixtures("app_ctx")

SMALL_TABLE = """code,name,former_poverty_832,key_assistance_160,guapai_2020
650000,新疆维吾尔自治区,,,
652900,阿克苏地区,,,
652929,柯坪县,1,,
652922,温宿县,0,,
659000,自治区直辖县级行政区划,,,
659002,阿拉尔市,,,
110000,北京市,,,
110101,东城区,,,
"""


def test_level_from_code():
    assert level_of("650000") == RegionLevel.PROVINCE
    assert level_of("652900") == RegionLevel.PREFECTURE
    assert level_of("652929") == RegionLevel.COUNTY


def test_import_builds_the_tree():
    created, updated = import_region_text(SMALL_TABLE)
    assert (created, updated) == (8, 0)
    keping = db.session.get(Region, "652929")
    assert keping.parent_code == "652900"
    assert keping.prefecture_code == "652900" and keping.province_code == "650000"
    assert [r.name for r in keping.ancestors] == ["新疆维吾尔自治区", "阿克苏地区"]
    assert keping.full_name == "新疆维吾尔自治区 阿克苏地区 柯坪县"
    assert keping.former_poverty_county and not keping.key_assistance_county
    assert not db.session.get(Region, "652922").former_poverty_county
    # A county directly under a municipality hangs from the province.
    assert db.session.get(Region, "110101").parent_code == "110000"
    assert db.session.get(Region, "659002").parent_code == "659000"


def test_reimport_changes_only_what_differs():
    import_region_text(SMALL_TABLE)
    changed = SMALL_TABLE.replace("652922,温宿县,0", "652922,温宿县,1")
    assert import_region_text(changed) == (0, 1)
    assert db.session.get(Region, "652922").former_poverty_county


@pytest.mark.parametrize("table, message", [
    ("code,name\n65292,柯坪县\n", "line 2: code '65292'"),
    ("code,name\n652929,\n", "line 2: name"),
    ("code\n652929\n", "missing column"),
    ("code,name\n650000,新疆\n650000,新疆\n", "appears twice"),
    ("code,name,guapai_2020\n650000,新疆,maybe\n", "guapai_2020 must be"),
    ("code,name\n", "no rows"),
    ("code,name\n652929,柯坪县\n", "parent region 650000"),
])
def test_bad_tables_are_refused_whole(table, message):
    with pytest.raises(RegionTableError) as info:
        import_region_text(table)
    assert any(message in e for e in info.value.errors), info.value.errors
    assert db.session.scalar(select(func.count()).select_from(Region)) == 0


def test_every_bad_line_is_reported():
    table = "code,name\nabc,甲\n650000,新疆\nxyz,乙\n"
    with pytest.raises(RegionTableError) as info:
        import_region_text(table)
    assert [e.split(":")[0] for e in info.value.errors] == ["line 2", "line 4"]


def test_shipped_table_loads_the_demo_counties():
    created, _ = import_region_file(SHIPPED_TABLE)
    assert created > 3000
    expected = {"522633": "从江县", "522632": "榕江县", "522627": "天柱县", "522324": "晴隆县",
                "522326": "望谟县", "652929": "柯坪县", "652927": "乌什县", "652922": "温宿县",
                "513334": "理塘县", "510821": "旺苍县", "330114": "钱塘区", "330109": "萧山区"}
    for code, name in expected.items():
        region = db.session.get(Region, code)
        assert region.name == name and region.level == RegionLevel.COUNTY
    assert db.session.get(Region, "513334").prefecture_code == "513300"
    assert not db.session.get(Region, "652922").former_poverty_county
    assert db.session.get(Region, "522633").guapai_2020
    assert import_region_file(SHIPPED_TABLE) == (0, 0)


def test_pairing_valid_on_a_date_both_ends_inclusive():
    pairing = make_pairing(helper="330100", recipient="522633", kind=PairingKind.EAST_WEST,
                           starts_on=date(2013, 1, 1), ends_on=date(2020, 12, 31))
    open_ended = make_pairing(helper="330500", recipient="652929", starts_on=date(2010, 7, 1))
    assert not pairing.is_valid_on(date(2012, 12, 31))
    assert pairing.is_valid_on(date(2013, 1, 1))
    assert pairing.is_valid_on(date(2020, 12, 31))
    assert not pairing.is_valid_on(date(2021, 1, 1))
    assert open_ended.is_valid_on(date(2030, 1, 1))

    def valid_ids(day):
        return set(db.session.scalars(select(Pairing.id).where(Pairing.valid_on(day))))

    assert valid_ids(date(2020, 12, 31)) == {pairing.id, open_ended.id}
    assert valid_ids(date(2021, 1, 1)) == {open_ended.id}
    assert valid_ids(date(2009, 1, 1)) == set()


def test_pairing_period_must_be_ordered():
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        make_pairing(starts_on=date(2021, 1, 1), ends_on=date(2020, 1, 1))
    db.session.rollback()

"""Saved addresses and the checkout's region check (shop.orders.addresses), without HTTP."""
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from shop.extensions import db
from shop.orders.addresses import (
    NEW_ADDRESS,
    check_region,
    delete_address,
    delivery_address,
    region_choices,
)
from shop.orders.exceptions import AddressNotFound, AddressRefused
from shop.orders.gifts.places import Places
from shop.orders.models import Address
from tests.factories import make_delivery_regions, make_region, make_user
from tests.order_factories import ADDRESS

pytestmark = pytest.mark.usefixtures("app_ctx")


def saved(user_id: int, **changes) -> int:
    address = Address(user_id=user_id, **{**vars(ADDRESS), **changes})
    db.session.add(address)
    db.session.commit()
    return address.id


def beijing() -> None:
    make_region("110000", "北京市")
    make_region("110100", "市辖区")
    make_region("110105", "朝阳区")
    make_region("110200", "县")
    make_region("110229", "延庆县")


def test_a_saved_address_is_delivered_to_as_it_was_saved():
    user = make_user()
    address_id = saved(user.id, street="红旗路 8 号")
    typed = replace(ADDRESS, province="火星省")  # ignored: a saved address is picked
    assert delivery_address(user.id, str(address_id), typed) == replace(ADDRESS, street="红旗路 8 号")


def test_someone_elses_saved_address_is_not_found():
    address_id = saved(make_user().id)
    with pytest.raises(AddressNotFound):
        delivery_address(make_user().id, str(address_id), ADDRESS)


def test_a_typed_address_is_checked_against_the_region_table():
    make_delivery_regions()
    assert delivery_address(make_user().id, NEW_ADDRESS, ADDRESS) == ADDRESS
    with pytest.raises(AddressRefused) as refused:
        delivery_address(make_user().id, NEW_ADDRESS, replace(ADDRESS, district="海曙区"))
    assert refused.value.field == "district"


@pytest.mark.parametrize("province, city, district, field", [
    ("北京市", "北京市", "朝阳区", None),
    ("北京市", "市辖区", "朝阳区", None),
    ("北京市", "北京市", "延庆县", None),  # under the municipality's 县, still the city of 北京市
    ("北京市", "朝阳区", "朝阳区", "city"),
    ("北京", "北京市", "朝阳区", "province"),
])
def test_a_municipality_is_named_as_people_name_it(province, city, district, field):
    beijing()
    address = replace(ADDRESS, province=province, city=city, district=district)
    if field is None:
        check_region(Places(), address)
    else:
        with pytest.raises(AddressRefused) as refused:
            check_region(Places(), address)
        assert refused.value.field == field


def test_region_choices_follow_the_levels_chosen():
    beijing()
    make_delivery_regions()
    places = Places()
    choices = region_choices(places, "北京市", "北京市")
    assert choices.provinces == [("北京市", "110000"), ("浙江省", "330000")]
    assert choices.cities == [("北京市", "110100,110200")]
    assert [name for name, _ in choices.districts] == ["朝阳区", "延庆县"]
    zhejiang = region_choices(places, "浙江省", "湖州市")
    assert zhejiang.cities == [("宁波市", "330200"), ("湖州市", "330500")]
    assert zhejiang.districts == [("吴兴区", "")]
    assert region_choices(places, "浙江省", "北京市").districts == []  # a city of another province: nothing
    assert region_choices(places, "", "").cities == []


def test_only_the_owner_deletes_a_saved_address():
    owner, other = make_user(), make_user()
    address_id = saved(owner.id)
    with pytest.raises(AddressNotFound):
        delete_address(other.id, address_id)
    assert db.session.get(Address, address_id) is not None
    delete_address(owner.id, address_id)
    assert db.session.scalar(select(func.count()).select_from(Address)) == 0
    with pytest.raises(AddressNotFound):
        delete_address(owner.id, address_id)

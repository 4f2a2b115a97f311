"""Saved delivery addresses, and a typed address's province, city and district checked against the region table."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, select

from shop.catalog.importing.columns import CellError
from shop.core.database import rowcount, write_transaction
from shop.extensions import db
from shop.orders.checkout import DeliveryAddress
from shop.orders.exceptions import AddressNotFound, AddressRefused
from shop.orders.gifts.places import Places
from shop.orders.models import Address

NEW_ADDRESS = "new"  # the checkout's choice of a typed address instead of a saved one


@dataclass(frozen=True)
class RegionChoices:
    """What the province, city and district selects offer: (name, the region codes behind it joined by commas,
    for the page's script to ask for the level below)."""

    provinces: list[tuple[str, str]]
    cities: list[tuple[str, str]]
    districts: list[tuple[str, str]]


def region_choices(places: Places, province: str, city: str) -> RegionChoices:
    """The provinces, the cities of `province` and the districts of `city` (none below a name not in the table)."""
    cities = places.city_choices(province)
    city_codes = next((codes for name, codes in cities if name == city), [])
    return RegionChoices(provinces=[(name, code) for name, code in places.provinces.items()],
                         cities=[(name, ",".join(codes)) for name, codes in cities],
                         districts=[(name, "") for name in places.district_names(city_codes)])


def check_region(places: Places, address: DeliveryAddress) -> None:
    """AddressRefused, beside the first field that is wrong, unless the district lies in the city and the city in
    the province."""
    field = "province"
    try:
        province_code = places.province(address.province)
        field = "city"
        city_codes = places.cities(province_code, address.province, address.city)
        field = "district"
        places.district(city_codes, address.city, address.district)
    except CellError as exc:
        raise AddressRefused(str(exc), field) from exc


def saved_address(user_id: int, address_id: int) -> Address:
    """One of the user's saved addresses; AddressNotFound for anyone else's or one deleted meanwhile."""
    address = db.session.scalar(select(Address).where(Address.id == address_id, Address.user_id == user_id))
    if address is None:
        raise AddressNotFound(_("That saved address no longer exists. Please choose another one."))
    return address


def delivery_address(user_id: int, choice: str, typed: DeliveryAddress) -> DeliveryAddress:
    """Where the order goes: the saved address `choice` (its id), or, for NEW_ADDRESS, the typed one once its
    region checks out (AddressRefused otherwise)."""
    if choice != NEW_ADDRESS:
        saved = saved_address(user_id, int(choice))
        return DeliveryAddress(recipient=saved.recipient, mobile=saved.mobile, province=saved.province,
                               city=saved.city, district=saved.district, street=saved.street)
    check_region(Places(), typed)
    return typed


def delete_address(user_id: int, address_id: int) -> None:
    """Forget one of the user's saved addresses (orders keep their own copy); AddressNotFound for anyone else's."""
    with write_transaction(db.session):
        deleted = rowcount(db.session.execute(
            delete(Address).where(Address.id == address_id, Address.user_id == user_id)
            .execution_options(synchronize_session=False)))
    if not deleted:
        raise AddressNotFound(_("That saved address no longer exists."))

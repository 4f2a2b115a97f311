"""County and region fields are pickers: the cooperative application walks province → prefecture → county
without JavaScript, and the staff order desk and tallies filter by a select of named counties, cooperatives and
organizations (the query string still carries codes and ids)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from shop.accounts.models import User
from shop.extensions import db
from tests.factories import make_cooperative, make_pairing, make_product, make_region, make_user
from tests.order_factories import make_order
from tests.web import csrf_token, english, login


@pytest.fixture
def people(app):
    with app.app_context():
        make_region("652929", "柯坪县")
        make_region("652922", "温宿县")
        make_pairing("330500", "652929")
        make_user(email="farmer@example.cn", name="艾力")
        make_user(email="buyer@example.cn", name="买家")
        make_user(email="staff@example.cn", is_staff=True)


def signed_in(app, email):
    client = app.test_client()
    login(client, email)
    return english(client)


def options(page: str, name: str) -> dict[str, str]:
    """The options of the select named `name`: value → label."""
    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return dict(re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select_html))


def selected(page: str, name: str) -> str:
    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    match = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected',
                      select_html)
    return next(filter(None, match.groups())) if match else ""


def test_the_cooperative_application_picks_its_county_without_javascript(app, people):
    farmer = signed_in(app, "farmer@example.cn")
    page = farmer.get("/coop/apply").get_data(as_text=True)
    assert 'name="county"' not in page  # no typed code any more
    assert "650000" in options(page, "region_province")
    token = csrf_token(farmer, "/coop/apply")
    step = farmer.post("/coop/apply", data={"csrf_token": token, "region_province": "650000", "region_step": "1"})
    assert step.status_code == 200
    assert options(step.get_data(as_text=True), "region_prefecture") == {"": "— choose —", "652900": "阿克苏地区"}
    step = farmer.post("/coop/apply", data={"csrf_token": token, "region_province": "650000",
                                            "region_prefecture": "652900", "region_step": "1"})
    counties = options(step.get_data(as_text=True), "region_county")
    assert counties == {"": "— choose —", "652922": "温宿县", "652929": "柯坪县"}
    assert "error-summary" not in step.get_data(as_text=True)  # a step is not a failed submit


def test_a_county_outside_the_chosen_prefecture_is_refused_beside_the_picker(app, people):
    farmer = signed_in(app, "farmer@example.cn")
    response = farmer.post("/coop/apply", data={
        "csrf_token": csrf_token(farmer, "/coop/apply"), "region_province": "650000", "region_prefecture": "652900",
        "region_county": "330502", "name": "x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'id="region-errors"><span class="field-error">Choose the county where', page)
    assert 'href="#region_county"' in page


@pytest.fixture
def orders(app, people):
    with app.app_context():
        keping, wensu = make_cooperative("652929", name="柯坪合作社"), make_cooperative("652922", name="温宿合作社")
        buyer = db.session.scalar(select(User).where(User.email == "buyer@example.cn"))
        first = make_order(buyer, (make_product(keping, stock=5), 1))
        second = make_order(buyer, (make_product(wensu, stock=5), 1))
        return {"keping": first.number, "wensu": second.number, "wensu_coop": wensu.id}


@pytest.mark.parametrize("url", ["/staff/orders/", "/staff/tallies/"])
def test_staff_filters_pick_counties_and_cooperatives_by_name(app, orders, url):
    staff = signed_in(app, "staff@example.cn")
    page = staff.get(f"{url}?county=652922").get_data(as_text=True)
    # Paired counties and counties with a cooperative, by name; the chosen one stays selected.
    assert options(page, "county") == {"": "All", "652922": "温宿县", "652929": "柯坪县"}
    assert selected(page, "county") == "652922"
    assert options(page, "cooperative")[str(orders["wensu_coop"])] == "温宿合作社"


def test_the_order_desk_filters_by_the_chosen_county(app, orders):
    staff = signed_in(app, "staff@example.cn")
    page = staff.get("/staff/orders/?county=652922").get_data(as_text=True)
    assert orders["wensu"] in page and orders["keping"] not in page

"""Checkout addresses through the test client: saved addresses picked and deleted, a new one typed with its
province, city and district picked from the region table (with and without JavaScript), the mobile number."""
import re

import pytest
from sqlalchemy import event, func, select

from shop.extensions import db
from shop.orders.models import Address, Order
from tests.factories import make_cooperative, make_delivery_regions, make_product, make_region, make_user
from tests.web import english, login, post

NEW = {"address": "new", "recipient": "王五", "mobile": "13912345678", "province": "浙江省", "city": "宁波市",
       "district": "海曙区", "street": "中山西路 2 号"}
OLD = {"recipient": "赵六", "mobile": "13700137000", "province": "浙江省", "city": "湖州市", "district": "吴兴区",
       "street": "人民路 1 号"}
LATEST = {**OLD, "recipient": "钱七", "street": "红旗路 8 号"}


@pytest.fixture
def shop(app):
    """A product in stock, a buyer with two saved addresses (LATEST saved last) and another user with one."""
    with app.app_context():
        make_delivery_regions()
        product = make_product(make_cooperative("652929"), name="新疆柯坪红枣", price_fen=4580, stock=50)
        buyer = make_user(email="buyer@example.cn")
        other = make_user(email="other@example.cn")
        db.session.add_all([Address(user_id=buyer.id, **OLD), Address(user_id=buyer.id, **LATEST),
                            Address(user_id=other.id, **OLD)])
        db.session.commit()
        ids = dict(db.session.execute(select(Address.street, Address.id).where(Address.user_id == buyer.id)).all())
        theirs = db.session.scalar(select(Address.id).where(Address.user_id == other.id))
        return {"product": product.id, "old": ids[OLD["street"]], "latest": ids[LATEST["street"]],
                "theirs": theirs}


def open_checkout(client, shop, email="buyer@example.cn") -> tuple[str, dict]:
    """Log in, put the product in the cart and open the checkout: the page and its hidden fields."""
    english(client)
    login(client, email)
    post(client, "/cart/add", {"product_id": shop["product"], "quantity": 1})
    page = client.get("/checkout").get_data(as_text=True)
    hidden = dict(re.findall(r'<input[^>]*name="(checkout_token|expected_total|csrf_token)"[^>]*value="([^"]*)"',
                             page))
    return page, {**hidden, "buy_for": "self"}


def placed(app) -> Order | None:
    with app.app_context():
        return db.session.scalar(select(Order))


def saved_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Address))


def field_errors(page: str, name: str) -> list[str]:
    """The errors shown inside the label of the field `name` (beside it, not only at the top)."""
    label = re.search(r'<label class="field has-error">(?:(?!</label>).)*?name="%s"(?:(?!</label>).)*</label>' % name,
                      page, re.S)
    return re.findall(r'class="field-error">([^<]*)<', label.group(0)) if label else []


def test_saved_addresses_are_offered_latest_first_with_the_latest_picked(app, client, shop):
    page, _ = open_checkout(client, shop)
    radios = re.findall(r'<input[^>]*name="address"[^>]*>', page)
    values = [re.search(r'value="([^"]*)"', radio).group(1) for radio in radios]
    assert values == [str(shop["latest"]), str(shop["old"]), "new"]
    assert "checked" in radios[0] and not any("checked" in radio for radio in radios[1:])
    assert page.index("红旗路 8 号") < page.index("人民路 1 号")
    assert "Use a new address" in page


def test_a_picked_saved_address_is_where_the_order_goes(app, client, shop):
    _, hidden = open_checkout(client, shop)
    # The new address's fields are sent too (the browser keeps them) but the picked address wins.
    response = client.post("/checkout", data={**hidden, **NEW, "address": str(shop["old"])})
    assert response.status_code == 302
    order = placed(app)
    assert (order.recipient, order.mobile, order.city, order.district, order.street) == (
        "赵六", "13700137000", "湖州市", "吴兴区", "人民路 1 号")
    assert saved_count(app) == 3  # nothing new to remember


def test_a_picked_saved_address_needs_no_typed_fields(app, client, shop):
    _, hidden = open_checkout(client, shop)
    response = client.post("/checkout", data={**hidden, "address": str(shop["latest"])})
    assert response.status_code == 302 and placed(app).street == "红旗路 8 号"


def test_a_new_address_is_delivered_to_and_saved_for_next_time(app, client, shop):
    _, hidden = open_checkout(client, shop)
    assert client.post("/checkout", data={**hidden, **NEW}).status_code == 302
    order = placed(app)
    assert (order.province, order.city, order.district, order.street) == ("浙江省", "宁波市", "海曙区", "中山西路 2 号")
    assert saved_count(app) == 4
    post(client, "/cart/add", {"product_id": shop["product"], "quantity": 1})
    radios = re.findall(r'<input[^>]*name="address"[^>]*>', client.get("/checkout").get_data(as_text=True))
    assert len(radios) == 4 and "checked" in radios[0]


def test_someone_elses_saved_address_cannot_be_picked(app, client, shop):
    _, hidden = open_checkout(client, shop)
    response = client.post("/checkout", data={**hidden, "address": str(shop["theirs"])})
    assert response.status_code == 400 and placed(app) is None


@pytest.mark.parametrize("where, back", [("checkout", "/checkout"), ("account", "/account")])
def test_the_owner_deletes_a_saved_address_from_the_checkout_or_the_account_page(app, client, shop, where, back):
    page, _ = open_checkout(client, shop)
    assert f'/addresses/{shop["old"]}/delete?next=checkout' in page
    assert f'/addresses/{shop["old"]}/delete?next=account' in client.get("/account").get_data(as_text=True)
    response = post(client, f'/addresses/{shop["old"]}/delete?next={where}')
    assert response.status_code == 302 and response.headers["Location"].endswith(back)
    assert "The address was deleted." in client.get(back).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Address, shop["old"]) is None
        assert db.session.get(Address, shop["latest"]) is not None


@pytest.mark.parametrize("who, status", [(None, 302), ("other@example.cn", 302), ("buyer@example.cn", 302)])
def test_only_the_owner_can_delete_a_saved_address(app, client, shop, who, status):
    english(client)
    if who:
        login(client, who)
    response = post(client, f'/addresses/{shop["latest"]}/delete?next=account')
    assert response.status_code == status
    with app.app_context():
        kept = db.session.get(Address, shop["latest"]) is not None
    assert kept == (who != "buyer@example.cn")
    if who is None:
        assert "/account/login" in response.headers["Location"]
    elif who == "other@example.cn":
        assert "That saved address no longer exists." in client.get("/account").get_data(as_text=True)


def test_deleting_needs_the_form_token(app, client, shop):
    login(client, "buyer@example.cn")
    assert client.post(f'/addresses/{shop["latest"]}/delete').status_code == 400
    assert saved_count(app) == 3


@pytest.mark.parametrize("typed, field, message", [
    ({"province": "火星省"}, "province", "“火星省” is not a province in the region table"),
    ({"province": "新疆维吾尔自治区", "city": "湖州市"}, "city", "“湖州市” is not a city of 新疆维吾尔自治区"),
    ({"city": "湖州市", "district": "海曙区"}, "district", "“海曙区” is not a district or county of 湖州市"),
    ({"district": ""}, "district", "Choose a district or county."),
])
def test_a_region_that_does_not_fit_together_is_refused_beside_its_field(app, client, shop, typed, field, message):
    with app.app_context():
        make_region("652929")  # 新疆维吾尔自治区 › 阿克苏地区 › 柯坪县
    _, hidden = open_checkout(client, shop)
    response = client.post("/checkout", data={**hidden, **NEW, **typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and placed(app) is None
    assert message in field_errors(page, field)
    assert 'value="中山西路 2 号"' in page  # the rest of what was typed is kept


def test_a_municipality_is_its_own_city(app, client, shop):
    with app.app_context():
        make_region("110000", "北京市")
        make_region("110100", "市辖区")
        make_region("110105", "朝阳区")
    _, hidden = open_checkout(client, shop)
    step = client.post("/checkout", data={**hidden, **NEW, "province": "北京市", "city": "", "district": "",
                                          "region_step": "1"}).get_data(as_text=True)
    assert re.search(r'<select[^>]*name="city".*?<option[^>]*value="北京市"', step, re.S)
    assert ">市辖区<" not in step
    response = client.post("/checkout", data={**hidden, **NEW, "province": "北京市", "city": "北京市",
                                              "district": "朝阳区"})
    assert response.status_code == 302 and (placed(app).city, placed(app).district) == ("北京市", "朝阳区")


def test_without_javascript_the_next_level_step_keeps_everything_typed(app, client, shop):
    page, hidden = open_checkout(client, shop)
    assert "Show the next level" in page and "/regions/000000/children" in page
    typed = {**hidden, **NEW, "city": "", "district": "", "invoice_type": "none", "region_step": "1"}
    response = client.post("/checkout", data=typed)
    step = response.get_data(as_text=True)
    assert response.status_code == 200 and placed(app) is None
    city_select = re.search(r'<select[^>]*name="city".*?</select>', step, re.S).group(0)
    assert re.findall(r'<option[^>]*value="([^"]+)"', city_select) == ["宁波市", "湖州市"]
    assert 'data-codes="330200"' in city_select
    district_select = re.search(r'<select[^>]*name="district".*?</select>', step, re.S).group(0)
    assert re.findall(r'<option[^>]*value="([^"]+)"', district_select) == []
    for kept in ('value="王五"', 'value="13912345678"', 'value="中山西路 2 号"', f'value="{hidden["checkout_token"]}"'):
        assert kept in step
    assert re.search(r'<input checked[^>]*name="address"[^>]*value="new"', step)
    step = client.post("/checkout", data={**typed, "city": "宁波市"}).get_data(as_text=True)
    district_select = re.search(r'<select[^>]*name="district".*?</select>', step, re.S).group(0)
    assert re.findall(r'<option[^>]*value="([^"]+)"', district_select) == ["海曙区"]
    assert client.post("/checkout", data={**hidden, **NEW}).status_code == 302


@pytest.mark.parametrize("mobile, ok", [("139 1234 5678", True), ("+86 139-1234-5678", True),
                                        ("1391234567", False), ("02912345678", False)])
def test_the_mobile_number_is_checked_with_its_message_beside_the_field(app, client, shop, mobile, ok):
    _, hidden = open_checkout(client, shop)
    response = client.post("/checkout", data={**hidden, **NEW, "mobile": mobile})
    if ok:
        assert response.status_code == 302 and placed(app).mobile == "13912345678"
    else:
        assert response.status_code == 400 and placed(app) is None
        assert field_errors(response.get_data(as_text=True), "mobile") == [
            "Enter the recipient’s 11-digit mainland China mobile number, starting with 1 (e.g. 13812345678)."]


def test_a_checkout_submit_to_a_new_address_stays_within_its_statements(app, client, shop):
    """bench/checkout.py's submit (one cart line, a typed address, for oneself): 12 statements, all but the user's
    read in the order's write transaction, plus a BEGIN for each of the two transactions on SQLite (20 statements
    before a first round of cuts, 15 before a second); on PostgreSQL one transaction in all, the write carrying on
    in the request's read-only one. The form reads no saved addresses, no organizations, and no order by its
    token (that is looked up only when placing fails)."""
    _page, hidden = open_checkout(client, shop)
    with app.app_context():
        engine = db.engine
    statements, begun = [], []

    def record(conn, cursor, statement, *args):
        statements.append(" ".join(statement.split()))

    def begin(conn):
        begun.append(conn)

    event.listen(engine, "before_cursor_execute", record)
    event.listen(engine, "begin", begin)
    try:
        response = client.post("/checkout", data={**hidden, **NEW})
    finally:
        event.remove(engine, "before_cursor_execute", record)
        event.remove(engine, "begin", begin)
    assert response.status_code == 302 and placed(app) is not None
    # The region table is kept per process for MENU_CACHE_SECONDS, which the tests set to 0: not counted.
    statements = [s for s in statements if not s.startswith("SELECT regions.code, regions.name")]
    sqlite = engine.dialect.name == "sqlite"
    work = [s for s in statements if not s.startswith("BEGIN")]
    assert len(work) <= 12, "\n".join(statements)
    assert len(begun) == (2 if sqlite else 1) and len(statements) == len(work) + (2 if sqlite else 0)
    assert not [s for s in statements if s.startswith(("SELECT addresses.id, addresses.user_id",
                                                       "SELECT organization_memberships", "SELECT orders."))]

"""Gift orders through the pages: an organization uploads recipients, checks the preview, places one order,
pays it by bank transfer; each cooperative ships a parcel per recipient; the buyer confirms them."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from shop.catalog.models import Product
from shop.extensions import db
from shop.orders.gifts.models import GiftUpload
from shop.orders.models import Order, OrderLine, OrderRecipient, OrderStatus, Shipment
from shop.reports.ledger import Filters, tally
from tests.factories import add_to_cooperative, make_category, make_cooperative, make_product, make_region, make_user
from tests.org_factories import team
from tests.web import csrf_token, english, login, post

HEADER = ["收件人", "手机号", "省", "市", "区县", "详细地址", "商品编号(SKU)", "合作社", "数量"]
ACCOUNTS = {"admin": "admin@gift.example.cn", "purchaser": "buyer@gift.example.cn",
            "viewer": "viewer@gift.example.cn", "other organization's admin": "admin@other.example.cn",
            "public buyer": "public@gift.example.cn"}


def places() -> None:
    """The regions the files name: 浙江省 湖州市 吴兴区 / 南浔区, and 北京市 市辖区 东城区."""
    make_region("330502", "吴兴区")
    make_region("330503", "南浔区")
    make_region("110000", "北京市")
    make_region("110100", "市辖区")
    make_region("110101", "东城区")


@pytest.fixture
def gifts(app):
    """Organization A (a member per role), organization B, two cooperatives with products, a public buyer, staff."""
    with app.app_context():
        places()
        organization = team("湖州市总工会", **{role: ACCOUNTS[role] for role in ("admin", "purchaser", "viewer")})
        team("别人的单位", admin=ACCOUNTS["other organization's admin"])
        make_user(email=ACCOUNTS["public buyer"])
        make_user(email="staff@gift.example.cn", is_staff=True)
        keping = make_cooperative("652929", name="柯坪县恰玛古果蔬农民专业合作社")
        congjiang = make_cooperative("522633", name="从江县加榜香猪养殖农民专业合作社")
        category = make_category()
        jujube = make_product(keping, category, sku="KP-HZ-001", name="柯坪红枣", price_fen=3990, stock=100)
        bacon = make_product(congjiang, category, sku="CJ-LR-01", name="从江腊肉", price_fen=8800, stock=100)
        make_product(keping, category, sku="KP-OLD", name="下架核桃", is_active=False)
        make_product(keping, category, sku="SAME-1", name="柯坪同码")
        make_product(congjiang, category, sku="SAME-1", name="从江同码")
        keping_user = make_user(email="coop@keping.example.cn")
        congjiang_user = make_user(email="coop@congjiang.example.cn")
        add_to_cooperative(keping_user, keping)
        add_to_cooperative(congjiang_user, congjiang)
        return {"org": organization.id, "jujube": jujube.id, "bacon": bacon.id, "keping": keping.id,
                "congjiang": congjiang.id}


def csv_file(*rows, header=HEADER, encoding="utf-8") -> bytes:
    """A recipients CSV: the header and `rows` (lists of cells)."""
    lines = [",".join(str(cell) for cell in row) for row in (header, *rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def row(name="张三", mobile="13800138000", province="浙江省", city="湖州市", district="吴兴区", street="人民路 1 号",
        sku="KP-HZ-001", cooperative="", quantity=1) -> list[object]:
    return [name, mobile, province, city, district, street, sku, cooperative, quantity]


def logged_in(app, who: str):
    client = app.test_client()
    login(client, ACCOUNTS.get(who, who))
    return client


def upload(client, organization_id: int, data: bytes, filename: str = "recipients.csv"):
    url = f"/org/{organization_id}/gifts"
    return client.post(url, data={"file": (io.BytesIO(data), filename), "csrf_token": csrf_token(client, url)},
                       content_type="multipart/form-data")


def confirm(client, preview_url: str):
    page = client.get(preview_url).get_data(as_text=True)
    total = re.search(r'name="expected_total"[^>]* value="(\d+)"', page).group(1)
    return post(client, preview_url + "/confirm", {"expected_total": total}, token_from=preview_url)


def nothing_ordered(app, stock: dict[int, int]) -> bool:
    with app.app_context():
        counts = [db.session.scalar(select(func.count()).select_from(model))
                  for model in (Order, OrderLine, OrderRecipient, Shipment)]
        stocks = {product_id: db.session.get(Product, product_id).stock for product_id in stock}
        db.session.remove()
    return counts == [0, 0, 0, 0] and stocks == stock


# -- who may ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who, status", [("admin", 200), ("purchaser", 200), ("viewer", 403),
                                         ("other organization's admin", 404), ("public buyer", 404),
                                         ("visitor", 404)])
def test_only_buying_members_open_the_gift_pages(app, gifts, who, status):
    client = app.test_client() if who == "visitor" else logged_in(app, who)
    org = gifts["org"]
    with app.app_context():
        owner = db.session.scalar(select(GiftUpload.id))
    assert owner is None
    for path in (f"/org/{org}/gifts", f"/org/{org}/gifts/template.xlsx", f"/org/{org}/gifts/template.csv"):
        assert client.get(path).status_code == status, path
    # A file uploaded by the purchaser: its preview and confirmation follow the same rule.
    purchaser = logged_in(app, "purchaser")
    preview_url = upload(purchaser, org, csv_file(row())).headers["Location"]
    assert client.get(preview_url).status_code == status
    token_page = "/" if status != 200 else preview_url
    token = csrf_token(client, token_page)
    response = client.post(preview_url + "/confirm", data={"expected_total": "3990", "csrf_token": token})
    assert response.status_code == (302 if status == 200 else status)
    sent = client.post(f"/org/{org}/gifts", data={"file": (io.BytesIO(csv_file(row())), "r.csv"), "csrf_token": token},
                       content_type="multipart/form-data")
    assert sent.status_code == (302 if status == 200 else status)
    with app.app_context():
        orders = db.session.scalar(select(func.count()).select_from(Order))
        uploads = db.session.scalar(select(func.count()).select_from(GiftUpload))
    assert (orders, uploads) == ((1, 2) if status == 200 else (0, 1))


def test_the_templates_have_the_chinese_headers(app, gifts):
    from openpyxl import load_workbook
    client = logged_in(app, "purchaser")
    text = client.get(f"/org/{gifts['org']}/gifts/template.csv").get_data().decode("utf-8-sig")
    assert text.splitlines()[0].split(",") == HEADER
    book = load_workbook(io.BytesIO(client.get(f"/org/{gifts['org']}/gifts/template.xlsx").get_data()))
    assert [cell.value for cell in book.worksheets[0][1]] == HEADER
    assert "合作社" in book.worksheets[1]["A2"].value
    page = english(client).get(f"/org/{gifts['org']}/gifts").get_data(as_text=True)
    assert "when several cooperatives use the same code" in page


# -- bad input -------------------------------------------------------------------------------------------------------

BAD_ROWS = [  # (row, the message the preview shows for it)
    (row(sku="NO-SUCH"), "Row 2 商品编号(SKU): no product on sale has the code “NO-SUCH”"),
    (row(sku="KP-OLD"), "Row 3 商品编号(SKU): “下架核桃” (KP-OLD) is no longer on sale"),
    (row(quantity=0), "Row 4 数量: “0” is not a whole number from 1 to 9999"),
    (row(quantity=10**9), "Row 5 数量: “1000000000” is not a whole number from 1 to 9999"),
    (row(mobile="1380013800"), "Row 6 手机号: “1380013800” is not an 11-digit mainland China mobile number"),
    (row(mobile="23800138000"), "Row 7 手机号: “23800138000” is not an 11-digit mainland China mobile number"),
    (row(province="浙江"), "Row 8 省: “浙江” is not a province in the region table"),
    (row(city="杭州市"), "Row 9 市: “杭州市” is not a city of 浙江省"),
    (row(district="东城区"), "Row 10 区县: “东城区” is not a district or county of 湖州市"),
    (row(name="=HYPERLINK(1)"), "Row 11 收件人: “=HYPERLINK(1)” looks like a formula; type the value itself"),
    (row(name=""), "Row 12 收件人: is required"),
    (row(sku="SAME-1"), "Row 13 商品编号(SKU): several cooperatives use the code “SAME-1”"),
    (row(sku="SAME-1", cooperative="没有的合作社"), "Row 14 商品编号(SKU): “没有的合作社” has no product “SAME-1”"),
    (row(name="李四"), None),  # good: then repeated on the next row
    (row(name="李四"), "Row 16 收件人: the same recipient, address and product are already on row 15"),
]


def test_bad_rows_each_get_their_message_and_nothing_is_ordered(app, gifts):
    client = english(logged_in(app, "purchaser"))
    response = upload(client, gifts["org"], csv_file(*(cells for cells, _message in BAD_ROWS)))
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    for _cells, message in BAD_ROWS:
        if message:
            assert message in page
    assert "14 problems" in page and 'name="expected_total"' not in page
    refused = confirm_anyway(client, preview_url)
    assert "The file has problems; nothing was ordered" in refused
    assert nothing_ordered(app, {gifts["jujube"]: 100, gifts["bacon"]: 100})


def confirm_anyway(client, preview_url: str) -> str:
    """Post the confirmation although the preview offers none; the page the redirect leads to."""
    response = post(client, preview_url + "/confirm", {"expected_total": "0"}, token_from=preview_url,
                    follow_redirects=True)
    return response.get_data(as_text=True)


def test_a_file_of_10001_recipients_is_refused_whole(app, gifts):
    client = english(logged_in(app, "purchaser"))
    rows = [row(name=f"员工{n}", mobile=f"139{n:08d}") for n in range(10_001)]
    response = upload(client, gifts["org"], csv_file(*rows))
    assert response.status_code == 400
    assert "The file has more than 10000 recipient rows; split it into several orders." in \
        response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(GiftUpload)) == 0


@pytest.mark.parametrize("data, message", [
    (b"", "The file is empty."),
    ("收件人,手机号\n张三,13800138000\n".encode(), "missing: 省、市、区县、详细地址、商品编号(SKU)、数量"),
    (b"PK\x03\x04 not really a zip", "The Excel file is damaged or incomplete."),
])
def test_unreadable_files_are_refused_at_upload(app, gifts, data, message):
    client = english(logged_in(app, "purchaser"))
    response = upload(client, gifts["org"], data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(GiftUpload)) == 0


def test_more_units_than_in_stock_are_refused_for_the_whole_file(app, gifts):
    client = english(logged_in(app, "purchaser"))
    rows = [row(name=f"员工{n}", mobile=f"139{n:08d}", quantity=30) for n in range(4)]  # 120 of 100
    preview_url = upload(client, gifts["org"], csv_file(*rows)).headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "“柯坪红枣” (KP-HZ-001): the file asks for 120, only 100 in stock" in page
    assert "The file has problems; nothing was ordered" in confirm_anyway(client, preview_url)
    assert nothing_ordered(app, {gifts["jujube"]: 100})


def test_stock_sold_between_preview_and_confirmation_stops_the_whole_order(app, gifts):
    client = english(logged_in(app, "purchaser"))
    staff = [row(name=f"员工{n}", mobile=f"139{n:08d}", quantity=25) for n in range(4)]
    rows = [row(name="王五", sku="CJ-LR-01", quantity=5), *staff]
    preview_url = upload(client, gifts["org"], csv_file(*rows)).headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    with app.app_context():
        db.session.get(Product, gifts["jujube"]).stock = 99  # someone bought one meanwhile
        db.session.commit()
    total = re.search(r'name="expected_total"[^>]* value="(\d+)"', page).group(1)
    response = post(client, preview_url + "/confirm", {"expected_total": total}, token_from=preview_url,
                    follow_redirects=True)
    assert "the file asks for 100, only 99 in stock" in response.get_data(as_text=True)
    assert nothing_ordered(app, {gifts["jujube"]: 99, gifts["bacon"]: 100})


# -- a good order, all the way ----------------------------------------------------------------------------------------

def test_a_gift_order_for_three_recipients_from_upload_to_receipt(app, gifts):
    client = english(logged_in(app, "purchaser"))
    data = csv_file(row(name="张三", quantity=2), row(name="张三", sku="CJ-LR-01"),
                    row(name="李四", mobile="139 0572 0002", province="北京市", city="北京市", district="东城区",
                        street="东四 5 号"),
                    row(name="王五", mobile="13905720003", district="南浔区", sku="CJ-LR-01", quantity=3),
                    encoding="gb18030")
    preview_url = upload(client, gifts["org"], data).headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "3 recipients" in page and "7 items" in page and "¥471.70" in page  # 3 × 39.90 + 4 × 88.00
    response = confirm(client, preview_url)
    assert response.status_code == 302 and "/pay" in response.headers["Location"]
    assert "already ordered" in confirm_anyway(client, preview_url)  # a second click orders nothing more
    with app.app_context():
        order = db.session.scalar(select(Order))
        number, organization_id = order.number, order.organization_id
        assert order.is_gift and order.total_fen == 47170 and order.item_count == 7
        assert [(r.recipient, r.mobile, r.row) for r in order.recipients] == [
            ("张三", "13800138000", 2), ("李四", "13905720002", 4), ("王五", "13905720003", 5)]
        assert db.session.get(Product, gifts["jujube"]).stock == 97
        assert db.session.get(Product, gifts["bacon"]).stock == 96
        recipients = {r.id: r.recipient for r in order.recipients}
        assert organization_id == gifts["org"]
    # One payment: the organization's bank transfer, recorded by staff.
    post(client, f"/orders/{number}/pay/bank-transfer", token_from=f"/orders/{number}/pay")
    staff = logged_in(app, "staff@gift.example.cn")
    paid = post(staff, "/staff/payments/bank-transfers", {"order": number.replace("-", ""), "amount": "471.70",
                                                          "bank_serial": "GIFT0001", "payer": "湖州市总工会"},
                token_from="/staff/payments/")
    assert paid.status_code == 302
    assert "Gift order to 3 recipients" in english(staff).get(f"/staff/orders/{number}").get_data(as_text=True)
    ship_all(app, number, recipients)
    # The buyer sees every recipient with their parcels, and confirms them one by one.
    detail = client.get(f"/orders/{number}").get_data(as_text=True)
    assert "Gift order to 3 recipients" in detail and "东四 5 号" in detail and "SF1001" in detail
    with app.app_context():
        shipment_ids = list(db.session.scalars(select(Shipment.id).order_by(Shipment.id)))
    for shipment_id in shipment_ids:
        assert order_status(app, number) == OrderStatus.SHIPPED
        post(client, f"/orders/{number}/parcels/{shipment_id}/receive", token_from=f"/orders/{number}")
    assert order_status(app, number) == OrderStatus.RECEIVED
    # In the tallies it is one order by one buyer, the organization.
    with app.app_context():
        totals = tally("organization", Filters()).require_totals()
        assert (totals.orders, totals.buyers, totals.units, totals.gross_fen) == (1, 1, 7, 47170)


def ship_all(app, number: str, recipients: dict[int, str]) -> None:
    """Each cooperative ships a parcel per recipient from its own page; the order is shipped after the last."""
    keping = english(logged_in(app, "coop@keping.example.cn"))
    congjiang = english(logged_in(app, "coop@congjiang.example.cn"))
    listing = keping.get("/coop/orders/").get_data(as_text=True)
    assert f"/coop/orders/{number}/recipients" in listing
    packing = keping.get("/coop/orders/packing-list.csv").get_data().decode("utf-8-sig")
    assert "李四,13905720002,北京市,北京市,东城区,东四 5 号,KP-HZ-001" in packing and "王五" not in packing
    page = congjiang.get(f"/coop/orders/{number}/recipients").get_data(as_text=True)
    assert "张三" in page and "王五" in page and "李四" not in page
    wang = next(key for key, value in recipients.items() if value == "王五")
    foreign = post(keping, f"/coop/orders/{number}/recipients/{wang}/ship", {"carrier": "顺丰", "tracking_number": "X"},
                   token_from=f"/coop/orders/{number}/recipients", follow_redirects=True)
    assert "This order has nothing from that cooperative." in foreign.get_data(as_text=True)  # 王五's is 从江's
    parcels = [(keping, "张三", "SF1001"), (keping, "李四", "SF1002"), (congjiang, "张三", "YT2001"),
               (congjiang, "王五", "YT2002")]
    for client, name, tracking in parcels:
        assert order_status(app, number) == OrderStatus.PAID
        recipient_id = next(key for key, value in recipients.items() if value == name)
        url = f"/coop/orders/{number}/recipients"
        shipped = post(client, f"{url}/{recipient_id}/ship", {"carrier": "顺丰", "tracking_number": tracking},
                       token_from=url, follow_redirects=True)
        assert "Parcel marked as shipped." in shipped.get_data(as_text=True)
    assert order_status(app, number) == OrderStatus.SHIPPED
    with app.app_context():
        assert sorted(s.tracking_number for s in db.session.scalars(select(Shipment))) == [
            "SF1001", "SF1002", "YT2001", "YT2002"]


def order_status(app, number: str) -> OrderStatus:
    with app.app_context():
        status = db.session.scalar(select(Order.status).where(Order.number == number))
        db.session.remove()
    return status


def test_a_gift_order_asks_every_seller_for_its_invoice_or_is_refused_whole(app, gifts):
    """The confirmation asks for an invoice like checkout: every seller must be able to issue it, or nothing is
    ordered; an order it is asked on carries the organization's title and tax number."""
    from shop.cooperatives.models import Cooperative, InvoiceCapability

    client = english(logged_in(app, "purchaser"))
    data = csv_file(row(), row(name="李四", mobile="13900139000", sku="CJ-LR-01"))
    preview_url = upload(client, gifts["org"], data).headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    total = re.search(r'name="expected_total"[^>]* value="(\d+)"', page).group(1)
    with app.app_context():
        db.session.get(Cooperative, gifts["keping"]).invoice_capability = InvoiceCapability.ORDINARY
        db.session.commit()
    refused = post(client, preview_url + "/confirm", {"expected_total": total, "invoice_type": "ordinary"},
                   token_from=preview_url, follow_redirects=True).get_data(as_text=True)
    assert "“从江腊肉” is sold by “从江县加榜香猪养殖农民专业合作社”, which cannot issue" in refused
    assert nothing_ordered(app, {gifts["jujube"]: 100, gifts["bacon"]: 100})
    with app.app_context():
        db.session.get(Cooperative, gifts["congjiang"]).invoice_capability = InvoiceCapability.ORDINARY
        db.session.commit()
    response = post(client, preview_url + "/confirm", {"expected_total": total, "invoice_type": "ordinary"},
                    token_from=preview_url)
    assert response.status_code == 302
    with app.app_context():
        order = db.session.scalar(select(Order))
        assert (order.is_gift, order.invoice_type.value, order.invoice_title) == (True, "ordinary", "湖州市总工会")

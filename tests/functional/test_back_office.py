"""The back office: its own layout on staff and cooperative pages, the side navigation's table, and the staff and
cooperative dashboards, whose figures are checked against a recount of the order lines and refunds."""
import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select

from shop.catalog.models import Product
from shop.cooperatives.models import Cooperative
from shop.core.money import format_fen
from shop.core.timezones import CHINA_TZ, china_date, today_in_china
from shop.extensions import db
from shop.orders import lifecycle
from shop.orders.models import Order, OrderLine
from shop.organizations.models import OrganizationStatus
from shop.payments.models import Method, Payment, PaymentAlert, Refund, RefundLine, RefundStatus
from shop.payments.refunds import refund_order
from shop.web.backoffice import EXTENSION, NavEntry
from tests.factories import add_to_cooperative, make_organization, make_user
from tests.order_factories import make_order
from tests.web import english, login

# The scene pays "today's" orders a minute or two before NOW: at least ten minutes into the China day, so that a run
# just after midnight in China (16:00 UTC) does not put them on yesterday.
NOW = max(datetime.now(timezone.utc),
          datetime.combine(today_in_china(), time(0, 10), tzinfo=CHINA_TZ).astimezone(timezone.utc))


@dataclass
class Scene:
    keping: int
    congjiang: int
    applied: int
    overdue_number: str
    fresh_number: str


def _paid(user, *items, at: datetime) -> Order:
    order = make_order(user, *items, now=at - timedelta(minutes=5))
    db.session.add(Payment(order_id=order.id, method=Method.BANK_TRANSFER, amount_fen=order.total_fen,
                           reference=secrets.token_hex(6), received_at=at))
    db.session.commit()
    return lifecycle.mark_paid(order.id, now=at)


@pytest.fixture
def scene(app, catalog) -> Scene:
    """Paid orders today (one partly refunded, one of another cooperative), an overdue one, one paid yesterday,
    one shipped, one unpaid; open and resolved payment alerts; cooperatives and organizations waiting."""
    with app.app_context():
        jujube, camel, bacon = (db.session.get(Product, i) for i in (catalog.jujube, catalog.camel_milk, catalog.bacon))
        camel.stock = 20
        db.session.commit()
        staff = make_user(email="staff@example.cn", is_staff=True)
        add_to_cooperative(make_user(email="kp@example.cn"), db.session.get(Cooperative, catalog.keping_coop))
        add_to_cooperative(make_user(email="pending@example.cn"), db.session.get(Cooperative, catalog.applied_coop))
        make_user(email="buyer@example.cn")
        buyer = make_user()
        today = _paid(buyer, (jujube, 2), (camel, 1), at=NOW - timedelta(minutes=1))
        line = next(line for line in today.lines if line.product_id == jujube.id)
        refund_order(today.id, {line.id: 1}, reason="破损", restock=False, actor_id=staff.id,
                     request_token=secrets.token_hex(8), now=NOW)
        _paid(buyer, (bacon, 3), at=NOW - timedelta(minutes=2))  # another cooperative's
        overdue = _paid(buyer, (jujube, 1), at=NOW - timedelta(days=5))
        fresh = _paid(buyer, (camel, 2), at=NOW - timedelta(days=1))
        shipped = _paid(buyer, (bacon, 1), at=NOW - timedelta(days=6))
        lifecycle.ship(shipped.id, catalog.congjiang_coop, "顺丰", "SF1", staff.id)
        make_order(buyer, (camel, 1))  # never paid
        db.session.add_all([PaymentAlert(order_id=today.id, kind="amount_mismatch", message="x"),
                            PaymentAlert(order_id=None, kind="late", message="y"),
                            PaymentAlert(order_id=None, kind="late", message="z", resolved_at=NOW)])
        db.session.commit()
        make_organization(status=OrganizationStatus.APPLIED)
        make_organization()
        return Scene(catalog.keping_coop, catalog.congjiang_coop, catalog.applied_coop, overdue.number, fresh.number)


def recount(first, last, cooperative_id=None) -> tuple[int, int]:
    """Orders paid and sales net of refunds in [first, last] (China days), counted line by line in Python."""
    def inside(moment):
        return moment is not None and first <= china_date(moment) <= last

    orders, fen = set(), 0
    for line in db.session.scalars(select(OrderLine)):
        if (cooperative_id is None or line.cooperative_id == cooperative_id) and inside(line.order.paid_at):
            orders.add(line.order_id)
            fen += line.line_total_fen
    for part in db.session.scalars(select(RefundLine)):
        refund = db.session.get(Refund, part.refund_id)
        line = db.session.get(OrderLine, part.order_line_id)
        if refund.status == RefundStatus.SUCCEEDED and inside(refund.refunded_at) and \
                (cooperative_id is None or line.cooperative_id == cooperative_id):
            fen -= part.amount_fen
    return len(orders), fen


def card(page: str, name: str) -> tuple[str, str]:
    """A dashboard card's figure and note."""
    match = re.search(rf'data-figure="{name}">.*?<strong class="dash-figure">(.*?)</strong>\s*'
                      r'<span class="dash-note">(.*?)</span>', page, re.S)
    assert match, name
    return match.group(1), match.group(2)


def signed_in(app, email: str):
    client = app.test_client()
    login(client, email)
    return english(client)


def test_staff_dashboard_equals_a_recount(app, scene):
    page = signed_in(app, "staff@example.cn").get("/staff/").get_data(as_text=True)
    with app.app_context():
        day = today_in_china()
        for name, first in (("today", day), ("month", day.replace(day=1))):
            orders, fen = recount(first, day)
            figure, note = card(page, name)
            assert (figure, int(re.search(r"\d+", note).group())) == (format_fen(fen), orders), name
        assert recount(day, day)[0] == 2  # the scenario is what it says: two orders paid today
    assert card(page, "alerts")[0] == "2"
    assert card(page, "cooperatives")[0] == "1"
    assert card(page, "organizations")[0] == "1"
    assert card(page, "overdue")[0] == "1"
    assert scene.overdue_number in page and scene.fresh_number not in page
    assert 'href="/staff/cooperatives/?status=applied"' in page


def test_cooperative_dashboard_counts_only_its_own(app, scene):
    page = signed_in(app, "kp@example.cn").get("/coop/").get_data(as_text=True)
    with app.app_context():
        day = today_in_china()
        orders, fen = recount(day.replace(day=1), day, scene.keping)
        assert fen != recount(day.replace(day=1), day)[1]  # the other cooperative's sales are left out
        assert card(page, "month") == (format_fen(fen), f"{orders} orders paid" if orders != 1 else "1 order paid")
        low = db.session.scalars(select(Product).where(Product.cooperative_id == scene.keping,
                                                       Product.is_active.is_(True), Product.stock <= 5)).all()
        overdue = db.session.scalar(select(Order).where(Order.number == scene.overdue_number))
        oldest_paid = overdue.paid_at
    figure, note = card(page, "to-ship")
    assert figure == "3" and scene.overdue_number in note  # today's, the overdue one and yesterday's; oldest first
    assert oldest_paid is not None
    assert card(page, "low-stock")[0] == str(len(low)) and all(p.name in page for p in low)
    assert card(page, "no-photo")[0] == "2"  # jujube and camel milk: the archived listing does not count
    assert "下架红枣" not in page


def test_a_pending_cooperative_is_waiting_for_review(app, scene):
    client = app.test_client()
    login(client, "pending@example.cn")
    page = client.get("/coop/").get_data(as_text=True)
    bar = page.split('class="coop-bar"', 1)[1].split("</p>", 1)[0]
    assert '<span class="badge">待审核</span>' in bar and "未认证" not in bar


OFFICE_PAGES = ["/staff/", "/staff/orders/", "/staff/payments/", "/coop/", "/coop/products", "/coop/orders/"]


@pytest.mark.parametrize("url", OFFICE_PAGES)
def test_back_office_pages_have_side_navigation_and_no_shop_header(app, scene, url):
    email = "staff@example.cn" if url.startswith("/staff") else "kp@example.cn"
    page = signed_in(app, email).get(url).get_data(as_text=True)
    assert 'class="bo-side"' in page and 'class="bo-header"' in page
    assert 'role="search"' not in page and "header-cart" not in page and 'class="tabbar"' not in page
    assert 'class="site-header"' not in page
    # The logo leads back to the storefront; the current page is marked in the side navigation.
    assert re.search(r'<a class="brand" href="/"', page)
    side = page.split('class="bo-side"', 1)[1].split("</nav>", 1)[0]
    assert 'aria-current="page"' in side and "Log out" in page


@pytest.mark.parametrize("url", ["/", "/products", "/cart", "/account/"])
def test_storefront_pages_keep_the_shop_header(app, scene, url):
    page = signed_in(app, "staff@example.cn").get(url).get_data(as_text=True)
    assert 'class="site-header"' in page and 'role="search"' in page and 'class="tabbar"' in page
    assert "bo-side" not in page


def test_nav_entries_of_missing_pages_are_skipped(app, scene):
    families = app.extensions[EXTENSION]
    staff = families["staff"]
    families["staff"] = replace(staff, entries=(*staff.entries, NavEntry("Nowhere yet", "staff.nowhere.index")))
    try:
        page = signed_in(app, "staff@example.cn").get("/staff/").get_data(as_text=True)
    finally:
        families["staff"] = staff
    assert "Nowhere yet" not in page
    side = page.split('class="bo-side"', 1)[1].split("</nav>", 1)[0]
    links = re.findall(r'<a href="([^"]+)"', side)
    expected = [entry.endpoint for entry in staff.entries if entry.endpoint in app.view_functions]
    assert len(links) == len(expected) and "/staff/orders/" in links
    # The badges: open payment alerts and cooperatives waiting.
    assert re.search(r'href="/staff/payments/"><span>Payments desk</span> <span class="bo-badge">2</span>', side)


@pytest.mark.parametrize("url", ["/staff/", "/coop/"])
@pytest.mark.parametrize("role, email", [("visitor", None), ("buyer", "buyer@example.cn"),
                                         ("coop member", "kp@example.cn"), ("staff", "staff@example.cn")])
def test_dashboards_by_role(app, scene, url, role, email):
    client = app.test_client()
    if email:
        login(client, email)
    response = client.get(url)
    allowed = {"/staff/": {"staff"}, "/coop/": {"coop member"}}[url]
    expected = 302 if role == "visitor" else 200 if role in allowed else 403
    assert response.status_code == expected
    if expected == 403:  # a refusal is drawn in the shop's layout, without the back office's navigation
        assert "bo-side" not in response.get_data(as_text=True)

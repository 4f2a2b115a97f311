"""An organization's pledge pages (`/org/<id>/pledge`): members see them, only admins set and change a pledge (403
for the other roles), outsiders get 404; bad input gets a clear Chinese message and nothing is saved; the overview
shows the progress."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from shop.audit.models import AuditEntry
from shop.core.timezones import today_in_china
from shop.extensions import db
from shop.orders import lifecycle
from shop.organizations.models import Pledge
from shop.organizations.pledges import PledgeTerms, save_pledge
from tests.factories import make_cooperative, make_pairing, make_product, make_region, make_user
from tests.order_factories import make_order
from tests.org_factories import team
from tests.web import login, post

YEAR = today_in_china().year
ADMIN, PURCHASER, VIEWER = "admin", "purchaser", "viewer"
MEMBERS = (ADMIN, PURCHASER, VIEWER)
OUTSIDERS = ("other organization's member", "public buyer", "staff", "visitor")
ACCOUNTS = {ADMIN: "admin@a.example.cn", PURCHASER: "buyer@a.example.cn", VIEWER: "viewer@a.example.cn",
            "other organization's member": "buyer@b.example.cn", "public buyer": "public@example.cn",
            "staff": "staff@example.cn"}
ENDPOINTS = {
    "overview": ("get", "/org/{org}/", None, MEMBERS),
    "pledges": ("get", "/org/{org}/pledge", None, MEMBERS),
    "set a pledge": ("post", "/org/{org}/pledge/new", {"year": str(YEAR + 1), "how": "target", "target": "5000"},
                     (ADMIN,)),
    "change page": ("get", "/org/{org}/pledge/{year}", None, (ADMIN,)),
    "change a pledge": ("post", "/org/{org}/pledge/{year}", {"how": "target", "target": "1"}, (ADMIN,)),
}


@pytest.fixture
def setting(app):
    """Organization A (a member per role, a pledge for this year tied to 柯坪 and 从江, one paid order); B."""
    with app.app_context():
        make_pairing(helper="330500", recipient="652929", starts_on=date(2010, 7, 1))
        make_pairing(helper="330100", recipient="522633", starts_on=date(2013, 1, 1))
        make_region("522326", "望谟县")  # a county without a pairing
        organization = team(**{role: ACCOUNTS[role] for role in MEMBERS})
        team("别人的单位", purchaser=ACCOUNTS["other organization's member"])
        make_user(email=ACCOUNTS["public buyer"])
        make_user(email=ACCOUNTS["staff"], is_staff=True)
        admin_id = organization.memberships[0].user_id
        save_pledge(admin_id, organization.id, PledgeTerms(YEAR, target_fen=1_000_000,
                                                           county_codes=("522633", "652929")), new=True)
        purchaser = organization.memberships[1].user
        order = make_order(purchaser, (make_product(make_cooperative("652929"), price_fen=4580, stock=50), 2),
                           organization_id=organization.id)
        lifecycle.mark_paid(order.id)
        return {"org": organization.id, "year": YEAR}


def snapshot():
    return (sorted((p.organization_id, p.year, p.target_fen, tuple(p.county_codes))
                   for p in db.session.scalars(select(Pledge))),
            db.session.scalar(select(func.count()).select_from(AuditEntry)))


def expected_status(endpoint: str, role: str) -> int:
    method, _path, _data, allowed = ENDPOINTS[endpoint]
    if role in OUTSIDERS:
        return 404
    if role not in allowed:
        return 403
    return 200 if method == "get" else 302


@pytest.mark.parametrize("role", MEMBERS + OUTSIDERS)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_access_by_role(app, setting, endpoint, role):
    client = app.test_client()
    if role != "visitor":
        login(client, ACCOUNTS[role])
    method, path, data, _allowed = ENDPOINTS[endpoint]
    url = path.format(**setting)
    with app.app_context():
        before = snapshot()
    response = client.get(url) if method == "get" else post(client, url, data)
    assert response.status_code == expected_status(endpoint, role)
    with app.app_context():
        assert (snapshot() == before) == (response.status_code != 302)
    if response.status_code == 200 and endpoint != "change page":
        assert "¥10,000.00" in response.get_data(as_text=True)  # the pledge's target is shown


@pytest.mark.parametrize("data, message", [
    ({"how": "ratio", "base": "2000000", "ratio": "0"}, "比例请填写大于 0、不超过 100 的百分数"),
    ({"how": "ratio", "base": "2000000", "ratio": "150"}, "比例请填写大于 0、不超过 100 的百分数"),
    ({"how": "ratio", "base": "2000000", "ratio": "十"}, "比例请填写大于 0、不超过 100 的百分数"),
    ({"how": "ratio", "base": "2000000", "ratio": "12.345"}, "最多两位小数"),
    ({"how": "ratio", "base": "", "ratio": "10"}, "不是有效的金额"),
    ({"how": "target", "target": "-5000"}, "金额必须大于零"),
    ({"how": "target", "target": "0"}, "金额必须大于零"),
    ({"how": "target", "target": "5000", "year": str(YEAR)}, f"{YEAR} 年已设定认购目标，请修改原目标"),
    ({"how": "target", "target": "5000", "year": "1999"}, "请选择 2020 至"),
    ({"how": "target", "target": "5000", "counties": "522326"}, "没有结对关系，请从列表中选择结对帮扶县"),
    ({"how": "target", "target": "5000", "counties": "999999"}, "没有结对关系"),
])
def test_bad_input_gets_a_clear_message_and_nothing_is_saved(app, setting, data, message):
    client = app.test_client()
    login(client, ACCOUNTS[ADMIN])
    with app.app_context():
        before = snapshot()
    response = post(client, f"/org/{setting['org']}/pledge/new", {"year": str(YEAR + 1), **data})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert snapshot() == before


def test_an_admin_sets_a_share_of_a_budget_and_changes_it(app, setting):
    client = app.test_client()
    login(client, ACCOUNTS[ADMIN])
    org = setting["org"]
    response = post(client, f"/org/{org}/pledge/new", {"year": str(YEAR + 1), "how": "ratio", "base": "2,000,000",
                                                       "ratio": "10", "counties": ["652929", "522633"]})
    assert response.status_code == 302
    with app.app_context():
        pledge = db.session.scalar(select(Pledge).filter_by(year=YEAR + 1))
        assert (pledge.target_fen, pledge.base_fen, pledge.ratio_bp, pledge.county_codes) == \
            (20_000_000, 200_000_000, 1_000, ["522633", "652929"])
    page = client.get(f"/org/{org}/pledge/{YEAR + 1}").get_data(as_text=True)
    assert 'value="2000000.00"' in page and 'value="10"' in page
    response = post(client, f"/org/{org}/pledge/{YEAR + 1}", {"how": "ratio", "base": "2000000", "ratio": "12.5",
                                                              "counties": "652929"})
    assert response.status_code == 302
    with app.app_context():
        pledge = db.session.scalar(select(Pledge).filter_by(year=YEAR + 1))
        assert (pledge.target_fen, pledge.ratio_bp, pledge.county_codes) == (25_000_000, 1_250, ["652929"])
    assert "¥250,000.00" in client.get(f"/org/{org}/pledge").get_data(as_text=True)


def test_a_year_without_a_pledge_has_no_change_page(app, setting):
    client = app.test_client()
    login(client, ACCOUNTS[ADMIN])
    assert client.get(f"/org/{setting['org']}/pledge/{YEAR - 3}").status_code == 404
    assert client.get(f"/org/{setting['org']}/pledge/99999").status_code == 404


def test_the_overview_shows_progress_remaining_and_counties_behind(app, setting):
    client = app.test_client()
    login(client, ACCOUNTS[VIEWER])
    page = client.get(f"/org/{setting['org']}/").get_data(as_text=True)
    # 2 × ¥45.80 from 柯坪 (tied) of a ¥10,000 target: 0 %, ¥9,908.40 still to buy.
    assert "目标 ¥10,000.00，已完成 ¥91.60" in page and "尚差 ¥9,908.40" in page
    assert '<progress max="100" value="0"' in page
    assert "进度落后：某结对县的采购额低于其应分目标" in page  # the rule is said on the page
    assert 'data-county="522633"' in page and 'data-county="652929"' in page
    assert "按月采购" in page and "按县采购" in page

"""Wording in Chinese (the default language): 名称 (not 姓名) for organizations and cooperatives, 单位 (a unit of
measure) kept apart from 件数 (units sold), full-width brackets for （选填）, and a cooperative waiting for review sees
待审核 wherever its standing is shown."""
from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from shop.cooperatives.models import VerificationStatus
from tests.factories import add_to_cooperative, make_category, make_cooperative, make_user
from tests.web import login

CATALOGUE = "shop/translations/zh_Hans_CN/LC_MESSAGES/messages.po"


@pytest.fixture
def people(app):
    with app.app_context():
        make_category("nuts", "干果坚果", "Nuts")
        pending = make_cooperative("652929", name="柯坪县待审核合作社", status=VerificationStatus.APPLIED)
        add_to_cooperative(make_user(email="farmer@example.cn", name="艾力"), pending)
        verified = make_cooperative("652929", name="柯坪县红枣合作社")
        add_to_cooperative(make_user(email="seller@example.cn", name="买买提"), verified)
        make_user(email="staff@example.cn", is_staff=True)


def chinese(app, email):
    client = app.test_client()
    login(client, email)
    return client


def text(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_pending_cooperative_sees_waiting_for_review(app, people):
    farmer = chinese(app, "farmer@example.cn")
    for url in ("/coop/", "/account"):
        page = text(farmer.get(url))
        assert "待审核" in page, url
        assert "未认证" not in page and "未通过认证" not in page, url


def test_a_verified_cooperative_sees_no_review_notice(app, people):
    page = text(chinese(app, "seller@example.cn").get("/coop/"))
    assert "待审核" not in page


def test_organizations_and_cooperatives_have_a_name_not_a_persons_name(app, people):
    staff = chinese(app, "staff@example.cn")
    organizations = text(staff.get("/staff/organizations/"))
    assert "单位名称" in organizations and "姓名" not in organizations
    cooperatives = text(staff.get("/staff/cooperatives/"))
    assert "合作社名称" in cooperatives and "姓名" not in cooperatives


def test_the_import_page_says_sale_units_and_marks_optional_columns_in_full_width(app, people):
    page = text(chinese(app, "seller@example.cn").get("/coop/import"))
    assert "<h3>销售单位</h3>" in page and "件数" not in page
    assert "（选填）" in page and "(选填)" not in page


def test_the_catalogue_keeps_chinese_brackets_full_width_and_units_apart():
    with open(CATALOGUE, "rb") as po:
        catalogue = {message.id: message.string for message in read_po(po)
                     if isinstance(message.id, str) and message.id}
    half_width = [msgid for msgid, msgstr in catalogue.items() if isinstance(msgstr, str)
                  and re.search(r"\([\u4e00-\u9fff]|[\u4e00-\u9fff]\)", msgstr)]
    assert half_width == []
    assert catalogue["Units"] == "件数" and "单位" in catalogue["Sale unit (箱, 袋, 罐 …)"]
    assert "选填" in catalogue["(optional)"] and catalogue["(optional)"].startswith("（")
    names = {msgid: msgstr for msgid, msgstr in catalogue.items()
             if re.search(r"(Organization|Cooperative).*name", msgid, re.I) and len(msgid) < 40}
    assert names and all("姓名" not in msgstr for msgstr in names.values()), names

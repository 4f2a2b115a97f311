"""Staff on a laptop: the sales tallies, narrowed to one cooperative picked by name, downloaded as CSV."""
import csv
import io
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.web import log_in


@pytest.fixture
def staff_and_sales(app, live_server):
    """A staff account and 30 paid demo orders; returns (cooperative name, its county) of the first sale."""
    from shop.cooperatives.models import Cooperative
    from shop.demo.sales import seed_demo_sales
    from shop.extensions import db
    from shop.orders.models import OrderLine
    from tests.factories import make_user

    with app.app_context():
        make_user(email="staff@example.cn", name="赵运营", is_staff=True)
        assert seed_demo_sales(30) == 30
        line = db.session.scalar(select(OrderLine).order_by(OrderLine.id))
        return db.session.get(Cooperative, line.cooperative_id).name, line.origin_county_name


def test_tallies_for_one_cooperative_downloaded_as_csv(live_server, browser, staff_and_sales):
    cooperative, county = staff_and_sales
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, "staff@example.cn")
    page.get_by_role("link", name="平台管理").click()
    page.get_by_role("link", name="销售统计").first.click()
    expect(page.locator("table.tallies")).to_be_visible()

    page.select_option("select[name=cooperative]", label=cooperative)
    page.locator("form.filters button").click()
    expect(page).to_have_url(re.compile(r"cooperative=\d+"))
    expect(page.locator("select[name=cooperative] option:checked")).to_have_text(cooperative)
    expect(page.locator("table.tallies tbody")).to_contain_text(county)

    with page.expect_download() as download:
        page.get_by_role("link", name="下载 CSV").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["county"] for row in rows] == [county]
    assert errors == []
    context.close()

"""A cooperative member on a phone: bulk upload with its preview, then shipping a paid order."""
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.web import log_in, page_width

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "listings"


@pytest.fixture
def coop_member(app, live_server):
    """A member of the demo's 柯坪 cooperative, and a paid order for one of its products."""
    from shop.catalog.models import Product
    from shop.cooperatives.models import Cooperative
    from shop.extensions import db
    from shop.orders import lifecycle
    from tests.factories import add_to_cooperative, make_user
    from tests.order_factories import make_order

    with app.app_context():
        cooperative = db.session.scalar(select(Cooperative).where(Cooperative.county_code == "652929")
                                        .order_by(Cooperative.id))
        add_to_cooperative(make_user(email="coop@example.cn", name="艾力"), cooperative)
        product = db.session.scalar(select(Product).where(Product.cooperative_id == cooperative.id)
                                    .order_by(Product.id))
        order = make_order(make_user(), (product, 1))
        lifecycle.mark_paid(order.id)
        return order.number


def test_upload_preview_confirm_and_ship(live_server, phone, coop_member, tmp_path):
    errors = []
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(phone, live_server, "coop@example.cn")
    phone.get_by_role("link", name="合作社后台").click()
    expect(phone).to_have_url(re.compile(r"/coop/$"))
    phone.locator("main").get_by_role("link", name="批量上传").first.click()
    phone.set_input_files("input[name=file]", str(SAMPLES / "good-gb18030.csv"))
    phone.locator("main form button").last.click()
    expect(phone).to_have_url(re.compile(r"/coop/import/\d+$"))
    expect(phone.locator(".import-summary")).to_contain_text("新增 4")
    phone.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
    phone.locator("main .actions button").click()
    expect(phone).to_have_url(re.compile(r"/coop/products$"))
    expect(phone.locator("table.data")).to_contain_text("柯坪核桃")

    phone.locator("details.bo-menu summary").click()  # on a phone the portal's pages are in the menu
    phone.locator("details.bo-menu").get_by_role("link", name="待发货订单").click()
    expect(phone.locator(".coop-order")).to_contain_text(coop_member)
    phone.fill("input[name=carrier]", "顺丰速运")
    phone.fill("input[name=tracking_number]", "SF1234567890")
    phone.locator(".ship-form button").click()
    expect(phone.locator(".flash.success")).to_contain_text(coop_member)
    phone.screenshot(path=str(tmp_path / "shipped.png"), full_page=True)
    assert page_width(phone) <= 390
    assert errors == []

"""Forms with errors in a browser, at 390 and 1280 px, in Chinese and English: the summary at the top links to
each field, each field shows its own error, a chosen licence or proof stays chosen ("已上传：…"), and nothing
overflows. Full-page screenshots of the cooperative and organization applications and the product form are kept
as artifacts."""
import pytest
from playwright.sync_api import expect

from tests.image_files import image_bytes
from tests.web import log_in, page_width

WIDTHS = {390: {"width": 390, "height": 844}, 1280: {"width": 1280, "height": 900}}
UPLOADED = {"zh": "已上传：", "en": "Uploaded: "}


@pytest.fixture
def applicant(app, live_server):
    """A new user, and a member of the demo's 柯坪 cooperative."""
    from sqlalchemy import select

    from shop.cooperatives.models import Cooperative
    from shop.extensions import db
    from tests.factories import add_to_cooperative, make_user

    with app.app_context():
        make_user(email="applicant@example.cn", name="新用户")
        cooperative = db.session.scalar(select(Cooperative).where(Cooperative.county_code == "652929")
                                        .order_by(Cooperative.id))
        add_to_cooperative(make_user(email="coop@example.cn", name="艾力"), cooperative)


def _page(browser, live_server, width, language, email):
    context = browser.new_context(viewport=WIDTHS[width], locale="zh-CN", is_mobile=width < 768,
                                  has_touch=width < 768)
    page = context.new_page()
    log_in(page, live_server, email)
    if language == "en":
        page.goto(live_server + "/")
        page.locator(".lang-switch button").first.click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    return context, page


def _summary_links_to(page, field_id: str) -> None:
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    summary.locator(f'a[href="#{field_id}"]').click()
    expect(page.locator(f"#{field_id}")).to_be_focused()
    expect(page.locator(f"#{field_id}-error")).to_be_visible()
    assert page.locator(f"#{field_id}").get_attribute("aria-invalid") == "true"


def _fits(page, width: int) -> None:
    assert page_width(page) <= width


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_cooperative_application_with_errors(live_server, browser, applicant, width, language, tmp_path):
    context, page = _page(browser, live_server, width, language, "applicant@example.cn")
    page.goto(live_server + "/coop/apply")
    page.fill("#name", "柯坪县恰玛古果蔬农民专业合作社")
    page.select_option("#region_province", "650000")
    page.select_option("#region_prefecture", "652900")  # filled by the picker's script
    page.select_option("#region_county", "652929")
    page.fill("#contact_phone", "call me")
    page.set_input_files("#licence", files=[{"name": "营业执照.png", "mimeType": "image/png",
                                             "buffer": image_bytes("PNG")}])
    page.locator("form.form button.button").last.click()
    _summary_links_to(page, "contact_phone")
    expect(page.locator(".kept-upload")).to_contain_text(UPLOADED[language] + "营业执照.png")
    _fits(page, width)
    page.screenshot(path=str(tmp_path / f"coop-apply-{width}-{language}.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_organization_application_with_errors(live_server, browser, applicant, width, language, tmp_path):
    context, page = _page(browser, live_server, width, language, "applicant@example.cn")
    page.goto(live_server + "/organizations/apply")
    page.fill("#name", "湖州市吴兴区总工会")
    page.fill("#contact_mobile", "12345")
    page.set_input_files("#proof", files=[{"name": "登记证书.png", "mimeType": "image/png",
                                           "buffer": image_bytes("PNG")}])
    page.locator("form.form > button.button").click()
    _summary_links_to(page, "credit_code")
    expect(page.locator(".kept-upload")).to_contain_text(UPLOADED[language] + "登记证书.png")
    _fits(page, width)
    page.screenshot(path=str(tmp_path / f"org-apply-{width}-{language}.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_product_form_with_errors(live_server, browser, applicant, width, language, tmp_path):
    context, page = _page(browser, live_server, width, language, "coop@example.cn")
    page.goto(live_server + "/coop/products/new")
    page.fill("#price", "abc")
    page.locator("form.form button.button").first.click()
    _summary_links_to(page, "name")
    expect(page.locator("#price-error")).to_be_visible()
    _fits(page, width)
    page.screenshot(path=str(tmp_path / f"product-form-{width}-{language}.png"), full_page=True)
    context.close()

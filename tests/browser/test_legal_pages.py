"""The about, agreement and privacy pages, the consent box and the close-account page in a browser, at 390 and 1280 px
in Chinese and English: nothing scrolls sideways, the footer's links are big enough to tap, and a sign-up without
the box ticked is refused beside it. Full-page screenshots of each are kept as artifacts."""
import pytest
from playwright.sync_api import expect

from tests.web import log_in, page_width

PAGES = ("/about", "/agreement", "/privacy", "/account/register")
TITLES = {"zh": {"/about": "关于帮扶集市", "/agreement": "用户协议", "/privacy": "隐私政策"},
          "en": {"/about": "About Bangfu Market", "/agreement": "User agreement", "/privacy": "Privacy policy"}}
MEASURE = """selector => [...document.querySelectorAll(selector)]
  .filter(e => e.getClientRects().length)
  .map(e => { const r = e.getBoundingClientRect(); return {what: e.outerHTML.slice(0, 80), left: r.left,
              right: r.right, height: r.height}; })"""


@pytest.fixture(params=[390, 1280], ids=["390", "1280"])
def window(request, browser):
    width = request.param
    context = browser.new_context(viewport={"width": width, "height": 844 if width == 390 else 900},
                                  locale="zh-CN", is_mobile=width == 390, has_touch=width == 390)
    page = context.new_page()
    yield page, width
    context.close()


def _fits(page, width: int) -> None:
    assert page_width(page) <= width
    for link in page.evaluate(MEASURE, ".footer-links a, .field.consent a, .field.consent label"):
        assert link["left"] >= 0 and link["right"] <= width and link["height"] >= 44, link


def _english(page) -> None:
    page.locator(".site-header .lang-switch button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_legal_pages_and_sign_up_fit_and_read(live_server, window, language, tmp_path):
    page, width = window
    page.goto(live_server + "/about")
    if language == "en":
        _english(page)
    for path in PAGES:
        page.goto(live_server + path)
        if path in TITLES[language]:
            expect(page.locator("main h1")).to_have_text(TITLES[language][path])
        _fits(page, width)
        page.screenshot(path=str(tmp_path / f"{path.strip('/').replace('/', '-')}-{width}-{language}.png"),
                        full_page=True)
    box = page.locator("input[name=agree]")
    expect(box).not_to_be_checked()
    page.fill("input[name=email]", f"new{width}{language}@example.cn")
    page.fill("input[name=name]", "新用户")
    page.fill("input[name=password]", "12345678")
    page.fill("input[name=confirm]", "12345678")
    page.locator("main form button[type=submit]").click()
    refusal = "请阅读并同意" if language == "zh" else "Please accept the user agreement"
    expect(page.locator("#agree-errors")).to_contain_text(refusal)
    page.screenshot(path=str(tmp_path / f"register-refused-{width}-{language}.png"), full_page=True)
    page.locator("input[name=agree]").check()
    page.fill("input[name=password]", "12345678")
    page.fill("input[name=confirm]", "12345678")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(live_server + "/account")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_account_page_leads_to_the_download_and_the_close_page(live_server, window, buyer_account, language,
                                                                   tmp_path):
    page, width = window
    log_in(page, live_server, buyer_account)
    page.goto(live_server + "/account")
    if language == "en":
        _english(page)
    section = page.locator("#your-data")
    expect(section.locator("a[href='/account/data']")).to_be_visible()
    page.screenshot(path=str(tmp_path / f"account-{width}-{language}.png"), full_page=True)
    section.locator("a[href='/account/close']").click()
    _fits(page, width)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#password-errors")).to_be_visible()
    page.screenshot(path=str(tmp_path / f"close-{width}-{language}.png"), full_page=True)

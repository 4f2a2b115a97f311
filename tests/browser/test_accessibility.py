"""The main pages pass axe-core (no serious or critical violations) at 1280 and 390 px, each loaded once per
width and language, and kept as full-page screenshots; the product page works by keyboard."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.web import log_in, page_width

ROOT = Path(__file__).resolve().parents[2]
WIDTHS = {"wide": (1280, 900), "phone": (390, 844)}
BLOCKING = {"serious", "critical"}
# The focused control's text, and whether it or its wrapper (the header's search box) draws a ring.
FOCUS_RING = """() => {
  const el = document.activeElement;
  const drawn = (node) => { const s = getComputedStyle(node);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; };
  return [(el.textContent || el.getAttribute('aria-label') || '').trim(), drawn(el) || drawn(el.parentElement)];
}"""


def screenshot_folder() -> Path:
    """Where the screenshots are kept: SCREENSHOT_DIR, else test-artifacts/screenshots (git-ignored)."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "test-artifacts" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def main_pages(app, live_server):
    """Accounts and data behind every main page; returns {role: (login email or None, [(name, path)])}."""
    from shop.catalog.models import Product
    from shop.cooperatives.models import Cooperative
    from shop.demo.sales import seed_demo_sales
    from shop.extensions import db
    from tests.factories import add_to_cooperative, make_user
    from tests.order_factories import fill_cart, make_order

    with app.app_context():
        seed_demo_sales(30)
        product = db.session.scalar(select(Product).where(Product.is_active.is_(True), Product.stock > 5)
                                    .order_by(Product.id))
        cooperative = db.session.get(Cooperative, product.cooperative_id)
        add_to_cooperative(make_user(email="coop@example.cn", name="艾力"), cooperative)
        make_user(email="staff@example.cn", name="赵运营", is_staff=True)
        buyer = make_user(email="buyer@example.cn", name="李买家")
        order = make_order(buyer, (product, 1))
        fill_cart(buyer.id, (product, 2))
        visitor = [("home", "/"), ("products", "/products"), ("search", "/products?q=%E7%BA%A2%E6%9E%A3"),
                   ("product", f"/products/{product.id}"), ("county", f"/counties/{product.origin_county_code}"),
                   ("impact", "/impact"), ("register", "/account/register"), ("login", "/account/login")]
        return {
            "visitor": (None, visitor),
            "buyer": ("buyer@example.cn", [("cart", "/cart"), ("checkout", "/checkout"),
                                           ("pay", f"/orders/{order.number}/pay"),
                                           ("order", f"/orders/{order.number}")]),
            "coop": ("coop@example.cn", [("coop", "/coop/"), ("coop-products", "/coop/products")]),
            "staff": ("staff@example.cn", [("tallies", "/staff/tallies/")]),
        }


def _open(browser, live_server: str, width: str, lang: str, email: str | None):
    """A fresh window of the given width, signed in as `email` (if any), showing the site in `lang`."""
    w, h = WIDTHS[width]
    phone = width == "phone"
    context = browser.new_context(viewport={"width": w, "height": h}, locale="zh-CN", is_mobile=phone,
                                  has_touch=phone)
    page = context.new_page()
    if email:
        log_in(page, live_server, email)
        expect(page).not_to_have_url(re.compile(r"/account/login"))
    if lang == "en":
        if not email:
            page.goto(live_server + "/")
        page.locator(".lang-switch button").first.click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    return page


# Lazy pictures further down load now, so the whole page shows what a visitor who scrolls would see.
LOAD_ALL_PICTURES = """async () => {
  const pictures = [...document.images];
  pictures.forEach(img => { img.loading = 'eager'; });
  await Promise.all(pictures.map(img => img.complete ? null : new Promise(done => {
    img.addEventListener('load', done); img.addEventListener('error', done); })));
}"""


def _full_page_screenshot(page, path: Path) -> None:
    """The whole page in one picture: the window is stretched to the page's height for the shot, so the
    phone's fixed bars (tab bar, buy bar) sit at its foot instead of across the middle."""
    page.evaluate(LOAD_ALL_PICTURES)
    size = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
    page.screenshot(path=str(path))
    page.set_viewport_size(size)


def _blocking_violations(axe, page, name: str) -> list[str]:
    """axe-core's serious and critical findings on the loaded page, one readable line per element."""
    found = []
    for violation in axe.run(page).response["violations"]:
        if violation["impact"] in BLOCKING:
            for node in violation["nodes"]:
                found.append(f"{name}: {violation['id']} ({violation['impact']}) {node['target']} "
                             f"{node.get('failureSummary', '')[:200]}")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh_CN", "en"])  # one test per language: the two can run side by side
def test_main_pages_pass_axe_at_both_widths_and_are_kept_as_screenshots(browser, live_server, main_pages, lang):
    from axe_playwright_python.sync_playwright import Axe

    axe, folder, problems = Axe(), screenshot_folder(), []
    # One seeded server for both widths: each page is loaded once per width.
    for width in WIDTHS:
        for email, pages in main_pages.values():
            problems += _check_pages(axe, folder, _open(browser, live_server, width, lang, email),
                                     [(name, live_server + path) for name, path in pages], f"{width}-{lang}")
    assert problems == [], "\n".join(problems)


def _check_pages(axe, folder: Path, page, pages: list[tuple[str, str]], label: str) -> list[str]:
    """Load each page once in this window: screenshot, axe-core, sideways scrolling, script errors."""
    problems: list[str] = []
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    width = page.viewport_size["width"]
    for name, url in pages:
        response = page.goto(url)
        assert response.ok, (url, response.status)
        _full_page_screenshot(page, folder / f"{name}-{label}.png")
        problems += _blocking_violations(axe, page, f"{name} {label}")
        overflow = page_width(page) - width
        if overflow > 0:
            problems.append(f"{name} {label}: scrolls sideways by {overflow} px")
    problems += [f"{label}: script error {error}" for error in errors]
    page.context.close()
    return problems


def test_product_page_adds_to_cart_by_keyboard_with_a_visible_focus_ring(browser, live_server, main_pages):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    product_path = dict(main_pages["visitor"][1])["product"]
    page.goto(live_server + product_path)
    name = page.locator("h1").inner_text()
    for _ in range(60):
        page.keyboard.press("Tab")
        focused, ring = page.evaluate(FOCUS_RING)
        assert ring, f"no focus ring on {focused!r}"
        if focused == "加入购物车":
            break
    else:
        pytest.fail("Tab never reached 加入购物车")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/cart$"))
    expect(page.locator(".cart-lines")).to_contain_text(name)
    context.close()

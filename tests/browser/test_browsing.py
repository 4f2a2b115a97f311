"""The buyer's first journey on a phone: home, search, product, county, language."""
import re

from playwright.sync_api import expect

from tests.web import page_width


def test_search_product_county_and_language(live_server, phone, tmp_path):
    errors = []
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    phone.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    phone.goto(live_server + "/")
    expect(phone.locator(".brand")).to_contain_text("帮扶集市")
    expect(phone.locator("#counties")).to_contain_text("柯坪县")
    phone.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    phone.get_by_role("searchbox").fill("红枣")
    phone.get_by_role("button", name="搜索").click()
    expect(phone).to_have_url(re.compile(r"/products\?q="))
    cards = phone.locator(".product-card")
    expect(cards.first).to_contain_text("红枣")
    assert all("红枣" in text for text in cards.all_inner_texts())

    cards.first.click()
    expect(phone.locator("h1")).to_contain_text("柯坪红枣")
    expect(phone.locator(".price.large")).to_contain_text("¥")
    expect(phone.locator(".certificate")).to_contain_text("绿色食品")
    image = phone.locator(".gallery img").first
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")

    phone.get_by_role("link", name=re.compile("柯坪县")).first.click()
    expect(phone.locator("h1")).to_contain_text("柯坪县")
    expect(phone.locator(".pairings")).to_contain_text("湖州市")

    phone.get_by_role("button", name="English").click()
    expect(phone.locator(".brand")).to_contain_text("Bangfu Market")
    expect(phone.locator("h1")).to_contain_text("柯坪县")  # still on the county page
    expect(phone.locator(".pairings")).to_contain_text("Counterpart support")

    # Nothing overflows the phone's width.
    assert page_width(phone) <= 390
    assert errors == []


def test_filters_on_a_phone(live_server, phone):
    phone.goto(live_server + "/products")
    phone.select_option("select[name=province]", label="贵州省")
    phone.check("input[name=in_stock]")
    phone.get_by_role("button", name="筛选").click()
    texts = phone.locator(".product-card .origin").all_inner_texts()
    assert texts and all(any(c in t for c in ["从江", "榕江", "天柱", "晴隆", "望谟"]) for t in texts)
    assert "已售罄" not in " ".join(phone.locator(".product-card").all_inner_texts())

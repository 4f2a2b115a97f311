"""The footer's filings and links, the about / agreement / privacy pages in both languages, and consent at sign-up."""
import re

import pytest
from sqlalchemy import select

from shop.accounts.models import Consent, User
from shop.extensions import db
from shop.web.legal import VERSIONS
from tests.web import csrf_token, english

ICP = "浙ICP备2026000001号-1"
PSB = "浙公网安备33050202000001号"
PAGES = {"/about": ("关于帮扶集市", "About Bangfu Market"), "/agreement": ("用户协议", "User agreement"),
         "/privacy": ("隐私政策", "Privacy policy")}


def footer(client, url="/about") -> str:
    page = client.get(url).get_data(as_text=True)
    return page[page.index('<footer class="site-footer">'):page.index("</footer>")]


@pytest.mark.parametrize("url", ["/about", "/products", "/account/login"])
def test_the_footer_links_the_legal_pages_and_hides_unset_filings(client, url):
    text = footer(client, url)
    for path in PAGES:
        assert f'href="{path}"' in text
    assert "beian" not in text and "ICP" not in text


def test_the_footer_shows_the_filings_when_set(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "ICP_LICENSE", ICP)
    monkeypatch.setitem(app.config, "PSB_LICENSE", PSB)
    text = footer(client)
    assert f'<a href="https://beian.miit.gov.cn/" rel="noopener noreferrer" target="_blank">{ICP}</a>' in text
    assert ('href="https://www.beian.gov.cn/portal/registerSystemInfo?recordcode=33050202000001"' in text
            and PSB in text)


def test_only_the_filing_that_is_set_is_shown(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "PSB_LICENSE", PSB)
    text = footer(client)
    assert PSB in text and "beian.miit.gov.cn" not in text


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_legal_pages_read_in_both_languages(client, url, language):
    if language == "en":
        english(client)
    response = client.get(url)
    page = response.get_data(as_text=True)
    chinese, english_title = PAGES[url]
    assert response.status_code == 200
    assert f"<h1>{chinese if language == 'zh' else english_title}</h1>" in page
    if url != "/about":
        version = VERSIONS["agreement" if url == "/agreement" else "privacy"]
        assert (f"版本：{version}" if language == "zh" else f"Version {version}") in page


def test_the_privacy_policy_says_what_is_kept_who_sees_it_and_how_to_leave(client):
    page = client.get("/privacy").get_data(as_text=True)
    for words in ("收货地址", "登录记录", "发票", "合作社可以看到该订单的收货人", "保存期限", "下载我的数据", "注销账号"):
        assert words in page


def _register(client, **fields):
    data = {"email": "new@example.cn", "mobile": "", "name": "新用户", "password": "12345678",
            "confirm": "12345678", "csrf_token": csrf_token(client, "/account/register"), **fields}
    return client.post("/account/register", data=data)


def test_the_consent_box_is_not_ticked_beforehand(client):
    page = client.get("/account/register").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="agree"[^>]*>', page).group(0)
    assert 'type="checkbox"' in box and "checked" not in box
    assert 'href="/agreement"' in page and 'href="/privacy"' in page


def test_registration_without_consent_is_refused_beside_the_box(app, client):
    english(client)
    response = _register(client)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'id="agree-errors"><span class="field-error">Please accept the user agreement', page)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "new@example.cn")) is None
        assert db.session.scalars(select(Consent)).all() == []


def test_consent_is_stored_with_the_documents_versions(app, client):
    response = _register(client, agree="y")
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new@example.cn"))
        consents = {(c.document, c.version) for c in db.session.scalars(select(Consent).where(
            Consent.user_id == user.id))}
        assert consents == {("agreement", VERSIONS["agreement"]), ("privacy", VERSIONS["privacy"])}
        assert all(c.agreed_at >= user.created_at for c in db.session.scalars(select(Consent)))

"""Form bodies are bounded whatever their encoding: Werkzeug limits multipart text and parts, the shop limits
application/x-www-form-urlencoded bodies the same way (413 with the site's error page)."""
from __future__ import annotations

import re

import pytest

from tests.web import csrf_token


def _urlencoded(client, fields: list[tuple[str, str]]):
    body = "&".join(f"{name}={value}" for name, value in fields)
    return client.post("/language", data=body, content_type="application/x-www-form-urlencoded")


def _valid(client, extra: list[tuple[str, str]], lang: str = "en") -> list[tuple[str, str]]:
    return [("csrf_token", csrf_token(client)), ("lang", lang), *extra]


def assert_too_large(response):
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert 'class="error-page"' in text and "表单字段过多或文字过长" in text


@pytest.mark.parametrize("extra", [
    [("next", "x" * 5_000_000)],  # one 5 MB field
    [(f"f{n}", "1") for n in range(5_000)],  # 5,000 fields
], ids=["5MB-field", "5000-fields"])
def test_oversized_urlencoded_forms_are_413(app, client, extra):
    assert_too_large(_urlencoded(client, _valid(client, extra)))
    # Nothing was acted on: the language did not change.
    assert re.search(r'<html lang="zh-CN"', client.get("/").get_data(as_text=True))


def test_the_limits_are_the_configured_ones(app, client):
    size, parts = app.config["MAX_FORM_MEMORY_SIZE"], app.config["MAX_FORM_PARTS"]
    fields = _valid(client, [], lang="zh_CN")  # accepted posts keep the pages in Chinese
    used = len("&".join(f"{name}={value}" for name, value in fields)) + len("&next=")
    assert _urlencoded(client, fields + [("next", "/" + "x" * (size - used - 1))]).status_code == 302
    assert_too_large(_urlencoded(client, fields + [("next", "/" + "x" * (size - used))]))
    filler = [(f"f{n}", "") for n in range(parts - len(fields))]
    assert _urlencoded(client, fields + filler).status_code == 302
    assert_too_large(_urlencoded(client, fields + filler + [("one", "more")]))


def test_multipart_forms_keep_werkzeugs_limits(client):
    data = {"csrf_token": csrf_token(client), "lang": "en", "next": "x" * 600_000}
    response = client.post("/language", data=data, content_type="multipart/form-data")
    assert response.status_code == 413

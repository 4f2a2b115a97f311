"""Dates are shown and typed as yyyy-mm-dd in both languages: the date and datetime filters (times in
Asia/Shanghai), the staff order desk's date filters with a message that says what to type, and date inputs that
say the format when the browser has no date picker."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from flask import render_template_string, session

from tests.factories import make_user
from tests.web import english, login


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_dates_and_times_read_yyyy_mm_dd_in_every_language(app, language):
    with app.test_request_context():
        session["lang"] = language
        shown = render_template_string("{{ day|date }} · {{ moment|datetime }}", day=date(2026, 1, 5),
                                       moment=datetime(2026, 1, 15, 20, 30, tzinfo=timezone.utc))
    assert shown == "2026-01-05 · 2026-01-16 04:30"  # 20:30 UTC is the next morning in Shanghai


@pytest.fixture
def staff(app):
    with app.app_context():
        make_user(email="staff@example.cn", is_staff=True)
    client = app.test_client()
    login(client, "staff@example.cn")
    return english(client)


@pytest.mark.parametrize("typed", ["2026/01/15", "15-01-2026", "2026-02-30"])
def test_a_date_filter_typed_another_way_says_what_to_type(staff, typed):
    response = staff.get(f"/staff/orders/?date_from={typed}")
    assert response.status_code == 400
    assert "Enter the date as yyyy-mm-dd" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/staff/orders/", "/staff/tallies/"])
def test_date_inputs_name_their_format(staff, url):
    page = staff.get(f"{url}?from=2026-01-15&date_from=2026-01-15").get_data(as_text=True)
    # A text box typed as yyyy-mm-dd in every language (a browser's date input would show its own format).
    assert 'inputmode="numeric"' in page and 'placeholder="yyyy-mm-dd"' in page and 'value="2026-01-15"' in page
    assert 'type="date"' not in page

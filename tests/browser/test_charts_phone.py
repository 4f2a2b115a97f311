"""The charts on a phone (390 px): every label and value is at least 12 CSS pixels, and no chart is wider than its
card. Checked on the impact board, the staff tallies and an organization's pledge charts, with the demo data."""
from __future__ import annotations

import re

import pytest

from shop.demo.seed import DEMO_ORGANIZATION_PASSWORD
from tests.web import log_in

# For each chart: the smallest font size of its text, and how far any part sticks out of its card (in CSS px).
MEASURE = """() => [...document.querySelectorAll('figure.chart, .impact-list > li:has(svg.hbar)')].map(chart => {
  const card = chart.closest('.card') || chart;
  const box = card.getBoundingClientRect();
  const parts = [...chart.querySelectorAll('.hbar-label, .hbar-value, svg.hbar, .county-figures, summary')];
  const sizes = parts.filter(el => el.tagName !== 'svg').map(el => parseFloat(getComputedStyle(el).fontSize));
  const out = Math.max(0, ...parts.map(el => {
    const r = el.getBoundingClientRect();
    return Math.max(box.left - r.left, r.right - box.right);
  }));
  return {smallest: Math.min(...sizes), out: out, parts: parts.length,
          page: document.documentElement.scrollWidth - window.innerWidth};
})"""


@pytest.fixture
def demo_sales(app, live_server):
    """Demo sales and a staff account on top of the demo data."""
    from shop.demo.sales import seed_demo_sales
    from tests.factories import make_user

    with app.app_context():
        make_user(email="staff@example.cn", name="赵运营", is_staff=True)
        assert seed_demo_sales(30) == 30


@pytest.mark.parametrize("who", ["public", "staff", "organization"])
def test_charts_are_readable_and_fit_at_390(live_server, phone, demo_sales, who):
    if who == "staff":
        log_in(phone, live_server, "staff@example.cn")
        phone.goto(live_server + "/staff/tallies/")
    elif who == "organization":
        log_in(phone, live_server, "zgh.admin@example.com", DEMO_ORGANIZATION_PASSWORD)
        phone.goto(live_server + "/org/")  # one organization: straight to its dashboard
        assert re.search(r"/org/\d+/$", phone.url)
    else:
        phone.goto(live_server + "/impact")
    charts = phone.evaluate(MEASURE)
    assert charts and all(chart["parts"] for chart in charts), charts
    for chart in charts:
        assert chart["smallest"] >= 12, chart
        assert chart["out"] <= 0.5, chart
        assert chart["page"] <= 0, chart

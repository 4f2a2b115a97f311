"""Every chart comes with the same figures in a table: the staff tallies' county and month charts, the
organization's pledge charts by month and county, and the impact board's bars."""
from __future__ import annotations

import html
import re

import pytest

from tests.functional.test_impact_adds_up import YEAR, ended_pairing  # noqa: F401 (a fixture)
from tests.order_factories import make_order
from tests.web import login


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split()


def _charts(page: str) -> list[tuple[list[tuple[str, str]], list[list[str]]]]:
    """Per <figure class="chart">: its bars (label, value) and its table's rows (cell texts)."""
    found = []
    for figure in re.findall(r'<figure class="[^"]*\bchart\b[^"]*">(.*?)</figure>', page, re.S):
        bars = [(html.unescape(label), value) for label, value in re.findall(
            r'<span class="hbar-label">([^<]*)</span>.*?<span class="hbar-value">([^<]*)</span>', figure, re.S)]
        table = re.search(r"<table[^>]*>\s*<caption[^>]*>[^<]+</caption>(.*?)</table>", figure, re.S).group(1)
        body = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)
        rows = [_text(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]
        found.append((bars, rows))
    return found


def _same_figures(bars, rows) -> None:
    assert bars and len(bars) == len(rows)
    for (label, value), cells in zip(bars, rows):
        assert cells[0] == label and value in cells


@pytest.fixture
def sold(app, ended_pairing):  # noqa: F811
    """The impact scenario, plus staff and an organization admin whose organization bought from two counties."""
    from shop.accounts.models import OrganizationRole
    from shop.catalog.models import Product
    from shop.extensions import db
    from shop.orders import lifecycle
    from shop.organizations.models import Organization
    from tests.factories import add_to_organization, make_user

    with app.app_context():
        make_user(email="staff@example.cn", is_staff=True)
        organization = db.session.query(Organization).filter_by(name="甲单位").one()
        admin = make_user(email="admin@example.cn")
        add_to_organization(admin, organization, OrganizationRole.ADMIN)
        products = db.session.query(Product).order_by(Product.id).all()
        order = make_order(admin, (products[0], 1), (products[1], 2), organization_id=organization.id)
        lifecycle.mark_paid(order.id)
        return organization.id


def test_staff_tallies_charts_have_their_tables(app, client, sold):
    login(client, "staff@example.cn")
    charts = _charts(client.get(f"/staff/tallies/?date_from={YEAR}-01-01&date_to={YEAR}-12-31").get_data(as_text=True))
    assert len(charts) == 2  # by county, by month
    for bars, rows in charts:
        _same_figures(bars, rows)
    county_labels = [label for label, _value in charts[0][0]]
    assert len(county_labels) == 4 and "¥" in charts[0][0][0][1]


def test_organization_pledge_charts_have_their_tables(app, client, sold):
    login(client, "admin@example.cn")
    charts = _charts(client.get(f"/org/{sold}/").get_data(as_text=True))
    assert len(charts) == 2  # by month, by county
    for bars, rows in charts:
        _same_figures(bars, rows)


def test_impact_bars_have_their_table(app, client, sold):
    page = client.get("/impact").get_data(as_text=True)
    cards = [(html.unescape(name), money) for name, money in re.findall(
        r'<a href="/counties/\d+"><strong>([^<]+)</strong></a>.*?class="county-figures"[^>]*><strong>([^<]+)</strong>',
        page, re.S)]
    table = re.search(r'<table class="data impact-figures">\s*<caption>[^<]+</caption>(.*?)</table>', page, re.S)
    body = re.search(r"<tbody>(.*?)</tbody>", table.group(1), re.S).group(1)
    rows = [_text(row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    assert len(cards) == 2
    _same_figures(cards, rows)
    assert page.count('<svg class="hbar"') == 2 and page.count('class="mark"') == 2

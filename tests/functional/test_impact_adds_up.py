"""The public impact board adds up: its headline equals the sum of every figure it lists, counties whose pairing
has ended (or that were never paired) included, fen for fen; likewise weight and pledges."""
from __future__ import annotations

import re
from datetime import date

import pytest

from shop.accounts.models import OrganizationRole
from shop.core.money import format_fen, kilograms
from shop.core.timezones import today_in_china
from shop.orders import lifecycle
from shop.organizations.pledges import PledgeTerms, save_pledge
from shop.regions.models import PairingKind
from tests.factories import (
    add_to_organization,
    make_cooperative,
    make_organization,
    make_pairing,
    make_product,
    make_user,
)
from tests.order_factories import make_order

YEAR = today_in_china().year


@pytest.fixture
def ended_pairing(app):
    """柯坪 and 从江 paired today, 色达 (513334) paired until 2020, 荔波 (522722) never paired; sales from all four
    (one order mixes an active and an ended county), a tied and an untied pledge."""
    with app.app_context():
        make_pairing(helper="330500", recipient="652929", starts_on=date(2010, 7, 1))
        make_pairing(helper="330100", recipient="522633", kind=PairingKind.EAST_WEST, starts_on=date(2013, 1, 1))
        make_pairing(helper="330100", recipient="513334", starts_on=date(2013, 1, 1), ends_on=date(2020, 12, 31))
        buyer = make_user()
        keping = make_product(make_cooperative("652929"), price_fen=12_345, net_weight_g=1500, stock=50)
        congjiang = make_product(make_cooperative("522633"), price_fen=999, net_weight_g=250, stock=50)
        seda = make_product(make_cooperative("513334"), price_fen=33_301, net_weight_g=2000, stock=50)
        libo = make_product(make_cooperative("522722"), price_fen=4_567, net_weight_g=500, stock=50)
        for items in (((keping, 2), (seda, 1)), ((congjiang, 3),), ((seda, 2),), ((libo, 1),)):
            lifecycle.mark_paid(make_order(buyer, *items).id)
        first, second = make_organization(name="甲单位"), make_organization(name="乙单位")
        admin_a, admin_b = make_user(), make_user()
        add_to_organization(admin_a, first, OrganizationRole.ADMIN)
        add_to_organization(admin_b, second, OrganizationRole.ADMIN)
        save_pledge(admin_a.id, first.id, PledgeTerms(YEAR, target_fen=700_001, county_codes=("652929", "522633")),
                    new=True)
        save_pledge(admin_b.id, second.id, PledgeTerms(YEAR, target_fen=250_000), new=True)


def _headline(page: str, tag: str, attribute: str) -> int:
    totals = re.search(r'<dl class="facts impact-totals">(.*?)</dl>', page, re.S).group(1)
    return int(re.search(rf'<{tag}[^>]*{attribute}="(-?\d+)"', totals).group(1))


def test_headline_equals_the_sum_of_every_listed_figure(app, client, ended_pairing):
    page = client.get("/impact").get_data(as_text=True)
    cards = re.findall(
        r'class="county-figures" data-fen="(-?\d+)" data-g="(\d+)"><strong>([^<]+)</strong> · ([^ ]+) kg', page)
    unpaired = re.findall(r'<tr data-county="(\d+)">.*?<td class="num" data-fen="(-?\d+)">([^<]+)</td>\s*'
                          r'<td class="num" data-g="(\d+)">([^ ]+) kg</td>', page, re.S)
    assert len(cards) == 2 and [code for code, *_ in unpaired] == ["513334", "522722"]
    assert "结对关系已结束或未结对的县" in page and "结对至 2020-12-31" in page and "未结对" in page
    for fen, grams, money, kg in cards:  # what is shown is what is summed
        assert (money, kg) == (format_fen(int(fen)), kilograms(int(grams)))
    for _code, fen, money, grams, kg in unpaired:
        assert (money, kg) == (format_fen(int(fen)), kilograms(int(grams)))
    listed_fen = sum(int(fen) for fen, *_ in cards) + sum(int(fen) for _c, fen, *_ in unpaired)
    listed_g = sum(int(grams) for _f, grams, *_ in cards) + sum(int(row[3]) for row in unpaired)
    expected_fen = 2 * 12_345 + 3 * 33_301 + 3 * 999 + 4_567
    assert _headline(page, "strong", "data-fen") == listed_fen == expected_fen
    assert _headline(page, "dd", "data-g") == listed_g == 2 * 1500 + 3 * 2000 + 3 * 250 + 500
    assert format_fen(expected_fen) in page
    pledges = [int(fen) for fen in re.findall(r'class="(?:num )?pledged"[^>]*data-fen="(\d+)"', page)]
    assert _headline(page, "dd", "data-fen") == sum(pledges) == 700_001 + 250_000


def test_the_board_model_adds_up_and_only_active_pairings_get_cards(app, ended_pairing):
    from shop.reports.impact import impact_board

    with app.app_context():
        board = impact_board()
    assert [county.code for county in board.counties] == ["522633", "652929"]  # least helped first
    assert {county.code: county.paired_until for county in board.unpaired} == {
        "513334": date(2020, 12, 31), "522722": None}
    assert board.net_fen == sum(c.net_fen for c in board.counties) + sum(c.net_fen for c in board.unpaired)
    assert board.weight_g == sum(c.weight_g for c in board.counties) + sum(c.weight_g for c in board.unpaired)
    # One scale: the largest figure on the board (色达's) fills its bar; the others are measured against it.
    assert board.scale_fen == 3 * 33_301 and board.bar_percent(3 * 33_301) == 100.0
    assert board.bar_percent(2 * 12_345) == round(2 * 12_345 * 100 / (3 * 33_301), 1)
    assert board.equal_fen == (2 * 12_345 + 3 * 999) // 2

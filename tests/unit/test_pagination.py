"""Paging a list: the count rides along with the page's rows in one statement; only a page past the end (no rows
to carry it) counts on its own. Exact and bounded counts, on both databases."""
import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.regions.models import Region
from shop.web.pagination import Paging, paginate
from tests.statements import sent_statements

pytestmark = pytest.mark.usefixtures("app_ctx")


@pytest.fixture
def seven_counties():
    """Seven counties of a made-up prefecture (the demo regions are elsewhere), listed by code."""
    codes = [f"99990{n}" for n in range(1, 8)]
    db.session.add_all(Region(code=code, name=f"测试县{code[-1]}", level="county", province_code="990000",
                              prefecture_code="999900") for code in codes)
    db.session.commit()
    return codes


def listed():
    return select(Region).where(Region.prefecture_code == "999900", Region.level == "county").order_by(Region.code)


def selects(action) -> list[str]:
    return [statement for statement, _ in sent_statements(action) if statement.lstrip().startswith("SELECT")]


def test_a_page_and_its_exact_count_come_in_one_statement(seven_counties):
    pages = {}
    sent = selects(lambda: pages.update({n: paginate(listed(), n, 3) for n in (1, 2, 3)}))
    assert len(sent) == 3  # one per page
    assert [[region.code for region in pages[n].items] for n in (1, 2, 3)] == [
        seven_counties[0:3], seven_counties[3:6], seven_counties[6:]]
    assert {(pages[n].total, pages[n].pages) for n in (1, 2, 3)} == {(7, 3)}
    assert (pages[1].has_prev, pages[1].has_next, pages[3].has_prev, pages[3].has_next) == (False, True, True, False)


def test_a_page_past_the_end_counts_on_its_own(seven_counties):
    pages = []
    sent = selects(lambda: pages.append(paginate(listed(), 4, 3)))
    assert len(sent) == 2
    page = pages[0]
    assert (page.items, page.total, page.pages, page.has_prev, page.has_next) == ([], 7, 3, True, False)


def test_an_empty_first_page_sends_one_statement_and_counts_nothing():
    pages = []
    sent = selects(lambda: pages.append(paginate(listed(), 1, 3)))
    assert len(sent) == 1
    assert (pages[0].items, pages[0].total, pages[0].has_next) == ([], 0, False)


def test_a_bounded_count_says_more_and_pages_on_while_rows_last(seven_counties):
    paging = Paging.of(listed(), count_up_to=4)
    first, second, last = paging.page(1, 3), paging.page(2, 3), paging.page(3, 3)
    assert (first.total, first.more, first.total_text, first.has_next) == (4, True, "4+", True)
    assert [r.code for r in second.items] == seven_counties[3:6] and second.has_next
    assert [r.code for r in last.items] == seven_counties[6:] and not last.has_next
    exact = Paging.of(listed(), count_up_to=10).page(1, 3)
    assert (exact.total, exact.more, exact.total_text, exact.has_next) == (7, False, "7", True)


def test_rows_read_as_plain_rows_reach_the_row_function_without_the_count(seven_counties):
    stmt = listed()
    rows = stmt.with_only_columns(Region.code, Region.name)
    page = paginate(stmt, 1, 2, rows=rows, row=lambda r: tuple(r))
    assert page.items == [(seven_counties[0], "测试县1"), (seven_counties[1], "测试县2")]
    assert page.total == 7

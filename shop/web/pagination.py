"""One page of a query's results with its count, in one statement: the count rides along as a column of the page's
rows (a scalar subquery, which both databases evaluate once). Only an empty page after the first, with no row to
carry it, counts on its own. The count can be bounded (`count_up_to`), so counting never reads more than that many
rows plus one."""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Select, Subquery, bindparam, func, literal_column, select

from shop.extensions import db


@dataclass
class Page:
    """One page of `items`. `total` is exact, unless `more` says there are more rows than the bounded count read:
    then the pager offers a next page as long as one exists, and lists say "1,000+"."""

    items: list
    total: int
    page: int
    per_page: int
    more: bool = False
    next_exists: bool = False  # read only when `more` (one row past the page)
    pages: int = field(init=False)

    def __post_init__(self):
        self.pages = max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.next_exists if self.more else self.page < self.pages

    @property
    def total_text(self) -> str:
        """The count as a list shows it: "37", "1,234" or "1,000+"."""
        return f"{self.total:,}+" if self.more else f"{self.total:,}"


@dataclass(frozen=True)
class Paging:
    """A list's statements, built once and run for any page: the rows, with the limit and offset as parameters and
    the count (bounded by `count_up_to`, or exact) as their last column, and the count alone for an empty page.
    SQLAlchemy keys its compiled SQL by walking a statement; a statement object kept and run again is walked once, so
    a list whose statements are kept per filter (the catalogue) saves building and walking them on every request (a
    tenth of a catalogue page's time)."""

    count: Select
    rows: Select
    row: Callable | None  # turns a result row into an item; None: `rows` selects ORM objects
    count_up_to: int | None

    @classmethod
    def of(cls, stmt: Select, *, rows: Select | None = None, row: Callable | None = None,
           count_up_to: int | None = None, rows_of_keys: Callable[[Subquery], Select] | None = None) -> Paging:
        """The statements paginate() runs for `stmt` (see there).

        With `rows_of_keys`, `stmt` selects only each row's key, in the list's order, and the page is read in two
        steps within one statement: its keys off `stmt` (OFFSET then skips index entries), then
        `rows_of_keys(keys)`, a statement joining the page's details to that subquery of keys (and ordering those
        few rows again). Without it, a deep page joins every skipped row's details before skipping it: PostgreSQL
        took 119 ms for page 50 of 10,000 listings that way, 4 ms keys first."""
        if rows is not None and row is None:
            raise TypeError("paginate(rows=...) needs row=..., which turns a result row into an item")
        if rows is not None and rows_of_keys is not None:
            raise TypeError("rows and rows_of_keys are two ways to read the page: give one")
        unordered = stmt.order_by(None)
        if count_up_to is None:
            count = unordered.with_only_columns(func.count(), maintain_column_froms=True)
        else:
            first_rows = (unordered.with_only_columns(literal_column("1"), maintain_column_froms=True)
                          .limit(count_up_to + 1).subquery())
            count = select(func.count()).select_from(first_rows)
        if rows_of_keys is not None:
            keys = stmt.limit(bindparam("page_limit")).offset(bindparam("page_offset")).subquery("page_keys")
            page_rows = rows_of_keys(keys)
        else:
            page_rows = (stmt if rows is None else rows).limit(bindparam("page_limit")).offset(bindparam("page_offset"))
        # One round trip instead of two (a catalogue page's count, on PostgreSQL a wait for the server).
        page_rows = page_rows.add_columns(count.scalar_subquery().label("page_total"))
        return cls(count=count, rows=page_rows, row=row, count_up_to=count_up_to)

    def page(self, page: int, per_page: int) -> Page:
        """Read page `page` of `per_page` items with the count (one row more when the count is bounded, to know
        whether a next page exists past the bound); a page past the end counts on its own."""
        limit = per_page if self.count_up_to is None else per_page + 1
        window = {"page_limit": limit, "page_offset": (page - 1) * per_page}
        result = db.session.execute(self.rows, window).all()
        if result:
            total = result[0][-1]
        elif page > 1:
            total = db.session.scalar(self.count) or 0
        else:
            total = 0  # the first page is empty: nothing to count
        items = [r[0] if self.row is None else self.row(r[:-1]) for r in result]
        more = self.count_up_to is not None and total > self.count_up_to
        if self.count_up_to is not None:
            total = min(total, self.count_up_to)
        return Page(items=items[:per_page], total=total, page=page, per_page=per_page, more=more,
                    next_exists=len(items) > per_page)


def paginate(stmt: Select, page: int, per_page: int, *, rows: Select | None = None,
             row: Callable | None = None, count_up_to: int | None = None) -> Page:
    """Count what `stmt` selects, then load one page of it.

    With `rows` (the same query narrowed to other columns) and `row` (turning one result row into an
    item), the page is read as plain rows instead of ORM objects. With `count_up_to`, counting stops after that
    many rows (the count reads at most `count_up_to` + 1 of them) and the page reads one row past its end to know
    whether a next page exists. A list run often with the same statements keeps a Paging instead.
    """
    return Paging.of(stmt, rows=rows, row=row, count_up_to=count_up_to).page(page, per_page)

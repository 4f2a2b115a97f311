"""One page of a query's results with its count: two statements, whatever the page. The count can be bounded
(`count_up_to`), so counting never reads more than that many rows plus one."""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Select, func, literal_column, select

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


def paginate(stmt: Select, page: int, per_page: int, *, rows: Select | None = None,
             row: Callable | None = None, count_up_to: int | None = None) -> Page:
    """Count what `stmt` selects, then load one page of it.

    With `rows` (the same query narrowed to other columns) and `row` (turning one result row into an
    item), the page is read as plain rows instead of ORM objects. With `count_up_to`, counting stops after that
    many rows (the count reads at most `count_up_to` + 1 of them) and the page reads one row past its end to know
    whether a next page exists.
    """
    unordered = stmt.order_by(None)
    if count_up_to is None:
        total = db.session.scalar(unordered.with_only_columns(func.count(), maintain_column_froms=True)) or 0
        more = False
    else:
        first_rows = (unordered.with_only_columns(literal_column("1"), maintain_column_froms=True)
                      .limit(count_up_to + 1).subquery())
        total = db.session.scalar(select(func.count()).select_from(first_rows)) or 0
        more = total > count_up_to
        total = min(total, count_up_to)
    offset = (page - 1) * per_page
    wanted = per_page + 1 if more else per_page
    if rows is None:
        items = list(db.session.scalars(stmt.limit(wanted).offset(offset)))
    elif row is None:
        raise TypeError("paginate(rows=...) needs row=..., which turns a result row into an item")
    else:
        items = [row(r) for r in db.session.execute(rows.limit(wanted).offset(offset))]
    next_exists = len(items) > per_page
    return Page(items=items[:per_page], total=total, page=page, per_page=per_page, more=more,
                next_exists=next_exists)

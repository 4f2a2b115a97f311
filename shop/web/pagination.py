"""One page of a query's results with the total count: two statements, whatever the page."""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Select, func

from shop.extensions import db


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int
    pages: int = field(init=False)

    def __post_init__(self):
        self.pages = max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(stmt: Select, page: int, per_page: int, *, rows: Select | None = None,
             row: Callable | None = None) -> Page:
    """Count what `stmt` selects, then load one page of it.

    With `rows` (the same query narrowed to other columns) and `row` (turning one result row into an
    item), the page is read as plain rows instead of ORM objects.
    """
    total = db.session.scalar(stmt.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)) or 0
    offset = (page - 1) * per_page
    if rows is None:
        items = list(db.session.scalars(stmt.limit(per_page).offset(offset)))
    elif row is None:
        raise TypeError("paginate(rows=...) needs row=..., which turns a result row into an item")
    else:
        items = [row(r) for r in db.session.execute(rows.limit(per_page).offset(offset))]
    return Page(items=items, total=total, page=page, per_page=per_page)

"""One page of a query's results with the total count: two statements, whatever the page."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select

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


def paginate(stmt: Select, page: int, per_page: int) -> Page:
    """Count the rows of `stmt`, then load one page of it (with `stmt`'s loader options)."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, total=total, page=page, per_page=per_page)

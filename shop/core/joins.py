"""A join whose left side drives, on SQLite too (other databases order their joins by their statistics)."""
from __future__ import annotations

from itertools import product
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Join
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler


class LeftFirst(Join):
    """`left JOIN right`, read in that order on SQLite too: without good statistics SQLite's planner may prefer
    walking an index of the large right side and looking each row up in the small left one, which reads the
    whole of the large table. A CROSS JOIN is SQLite's documented way to fix the order of two tables."""

    inherit_cache = True


def left_first(left: FromClause, right: FromClause, onclause: ColumnElement[bool]) -> LeftFirst:
    """`left` joined to `right` on `onclause`, `left` read first on every database."""
    return LeftFirst(left, right, onclause)


@compiles(LeftFirst, "sqlite")
def _cross_join(join: LeftFirst, compiler: SQLCompiler, asfrom: bool = True, from_linter: Any = None,
                **kw: Any) -> str:
    if join.onclause is None:  # left_first always gives one
        raise ValueError("a left-first join needs an ON clause")
    if from_linter is not None:  # as Join does: the two sides are joined, not a cartesian product
        from_linter.edges.update(product(join.left._from_objects, join.right._from_objects))
    return (f"{join.left._compiler_dispatch(compiler, asfrom=True, from_linter=from_linter, **kw)}"
            f" CROSS JOIN {join.right._compiler_dispatch(compiler, asfrom=True, from_linter=from_linter, **kw)}"
            f" ON {join.onclause._compiler_dispatch(compiler, from_linter=from_linter, **kw)}")

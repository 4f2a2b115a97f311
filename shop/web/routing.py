"""URL converters: `<int:...>` in every rule only matches ids the database's INTEGER columns can hold."""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

# Every id column is INTEGER (SQLAlchemy's Integer): 4 bytes signed on PostgreSQL. A larger number in a URL
# would reach the database and fail there (SQLite OverflowError, PostgreSQL NumericValueOutOfRange), a 500.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`int` limited to 1..MAX_ID by default, so an id out of range is simply a URL that matches nothing (404)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 1, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_converters(app: Flask) -> None:
    """Replace the `int` converter; must run before any blueprint's rules are added."""
    app.url_map.converters["int"] = IdConverter

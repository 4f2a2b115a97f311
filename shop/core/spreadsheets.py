"""What every CSV or spreadsheet the shop writes needs: a BOM for Excel, and formula neutralising."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralise(value: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; anything else is unchanged."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_lines(header: Iterable[object], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """A CSV for Excel, one line at a time: the first carries the BOM, lines end in CRLF, and text cells are
    neutralised. Numbers (int, Decimal) are written as they are, so a negative amount stays a number."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values: Iterable[object]) -> str:
        writer.writerow([neutralise(value) if isinstance(value, str) else value for value in values])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield BOM + line(header)
    for row in rows:
        yield line(row)

"""The plan of an upload: every row checked column by column, then sorted into creates, updates and errors.

Nothing is written here; the preview shows the plan, and the confirmation makes it again against the
products as they are at that moment, inside its transaction, and saves it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from shop.catalog.importing.columns import COLUMNS, HEADERS, CellError, Checking, cell_text, find_columns, norm
from shop.catalog.importing.exceptions import ImportRejected
from shop.catalog.models import Category, Product
from shop.cooperatives.models import Cooperative
from shop.extensions import db


@dataclass(frozen=True)
class RowError:
    """A cell that cannot be used, named by its row and column."""

    row: int  # as the spreadsheet numbers it (the header is row 1)
    column: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)d %(column)s: %(message)s", row=self.row, column=self.column, message=self.message)


@dataclass
class Plan:
    """What saving the file would do: each create and update as the row's checked values, and every error."""

    creates: list[dict] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)  # each with "id" of the cooperative's product
    errors: list[RowError] = field(default_factory=list)
    absent: list[tuple[int, str, str]] = field(default_factory=list)  # (id, sku, name) of products not in the file

    @property
    def ok(self) -> bool:
        """True when the file can be saved: no errors, and something to save."""
        return not self.errors and bool(self.creates or self.updates)


def plan_import(cooperative: Cooperative, rows: list[list[object]], zero_missing: bool = False) -> Plan:
    """Check every row against the cooperative's products and the catalogue; nothing is written."""
    if not rows:
        raise ImportRejected(_("The file is empty."))
    positions = find_columns(rows[0])
    checking = Checking(cooperative, _categories())
    existing = _own_products(cooperative.id)
    plan = Plan()
    first_rows: dict[str, int] = {}  # each SKU in the file, and the row it first appears on
    for number, raw in enumerate(rows[1:], start=2):
        if not any(cell_text(cell) for cell in raw):
            continue  # blank lines are forgiven
        cells = {key: (raw[index] if index < len(raw) else "") for key, index in positions.items()}
        values, errors = _check_row(number, cells, checking)
        errors += _repeated_sku(number, cell_text(cells["sku"]), first_rows)
        if errors:
            plan.errors.extend(errors)
        elif values["sku"] in existing:
            plan.updates.append({**values, "id": existing[values["sku"]][0]})
        else:
            plan.creates.append(values)
    if zero_missing:
        plan.absent = [(product_id, sku, name) for sku, (product_id, name) in sorted(existing.items())
                       if sku not in first_rows]
    return plan


def _categories() -> dict[str, int]:
    """Every name a file may give a category (Chinese, English, slug), normalised, to its id."""
    return {norm(name): category.id for category in db.session.scalars(select(Category))
            for name in (category.name_zh, category.name_en, category.slug)}


def _own_products(cooperative_id: int) -> dict[str, tuple[int, str]]:
    """The cooperative's products by SKU: (id, name)."""
    return {sku: (product_id, name) for product_id, sku, name in db.session.execute(
        select(Product.id, Product.sku, Product.name).where(Product.cooperative_id == cooperative_id))}


def _check_row(number: int, cells: dict[str, object], checking: Checking) -> tuple[dict, list[RowError]]:
    """The row's values by Product field (and its number as "row"), and an error for each cell refused."""
    values: dict = {"row": number}
    errors: list[RowError] = []
    for column in COLUMNS:
        try:
            value = column.check(cells.get(column.key, ""), checking)
        except CellError as exc:
            errors.append(RowError(number, column.header, str(exc)))
            continue
        if column.field:
            values[column.field] = value
    return values, errors


def _repeated_sku(number: int, sku: str, first_rows: dict[str, int]) -> list[RowError]:
    """An error if the SKU was on an earlier row; else the row is remembered as the SKU's first."""
    if not sku:
        return []
    if sku in first_rows:
        message = _("“%(sku)s” is already on row %(row)d", sku=sku, row=first_rows[sku])
        return [RowError(number, HEADERS["sku"], message)]
    first_rows[sku] = number
    return []

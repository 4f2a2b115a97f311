"""Pledge progress, counted over the ledger with the tallies' own rules (shop/reports/ledger.py): a purchase counts
on the day its order was paid (China time), a refund counts negative on its own day, and the county is the order
line's snapshot. Only orders placed for the organization count, never its members' personal orders.

What counts toward the target: purchases from the tied counties when the pledge is tied to some, otherwise every
purchase. A tied county is *behind* when it has had less than its even share of the target (the target split
evenly across the tied counties) times the part of the year gone by.
"""
from __future__ import annotations

import calendar
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select

from shop.core.money import fen_to_yuan_str
from shop.core.replica import replica_reads
from shop.core.timezones import today_in_china
from shop.extensions import db
from shop.organizations.models import Pledge
from shop.regions.models import Region
from shop.reports.charts import Bar
from shop.reports.ledger import Filters, ledger, local_month

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet


@dataclass(frozen=True)
class CountyProgress:
    """What the organization bought from one county this year; for a tied county, its share and what is due."""

    code: str
    name: str
    tied: bool
    net_fen: int
    share_fen: int = 0  # its even share of the target (tied counties only)
    due_fen: int = 0  # the share times the part of the year gone by

    @property
    def behind(self) -> bool:
        """A tied county that has had less than is due by now."""
        return self.tied and self.net_fen < self.due_fen


@dataclass(frozen=True)
class MonthFigure:
    """The organization's net purchases in one month (refunds in the month they were made)."""

    month: str  # YYYY-MM
    net_fen: int


@dataclass(frozen=True)
class PledgeProgress:
    """One pledge with the year's purchases for it."""

    pledge_id: int
    organization_id: int
    organization_name: str
    year: int
    target_fen: int
    base_fen: int | None
    ratio_bp: int | None
    total_fen: int  # all the organization bought in the year, net of refunds
    tied_fen: int  # the part from the tied counties
    counties: list[CountyProgress]  # the tied counties first (all of them), then any other county bought from
    months: list[MonthFigure]

    @property
    def tied(self) -> bool:
        """Whether the pledge is tied to counties."""
        return any(county.tied for county in self.counties)

    @property
    def counted_fen(self) -> int:
        """What counts toward the target: the tied part when tied, else everything."""
        return self.tied_fen if self.tied else self.total_fen

    @property
    def remaining_fen(self) -> int:
        """What is still to buy (never below zero)."""
        return max(self.target_fen - self.counted_fen, 0)

    @property
    def percent(self) -> int:
        """Completion in whole percent, rounded down (may pass 100)."""
        return max(self.counted_fen, 0) * 100 // self.target_fen

    @property
    def behind(self) -> list[CountyProgress]:
        """The tied counties that are behind."""
        return [county for county in self.counties if county.behind]


def split_evenly(total_fen: int, codes: list[str]) -> dict[str, int]:
    """`total_fen` split across `codes` in code order; the fen left over go one each to the first, so it adds up."""
    ordered = sorted(codes)
    if not ordered:
        return {}
    share, left = divmod(total_fen, len(ordered))
    return {code: share + (1 if index < left else 0) for index, code in enumerate(ordered)}


def year_elapsed(year: int, today: date) -> tuple[int, int]:
    """(days of `year` gone by including today, days in the year): all of a past year, none of a future one."""
    days = 366 if calendar.isleap(year) else 365
    if year < today.year:
        return days, days
    if year > today.year:
        return 0, days
    return today.timetuple().tm_yday, days


def _year_filters(year: int, organization_id: int | None) -> Filters:
    return Filters(date_from=date(year, 1, 1), date_to=date(year, 12, 31), organization_id=organization_id)


def _net_by(year: int, organization_id: int | None, key: str) -> dict[tuple[int, str], int]:
    """Net fen per (organization, county) or (organization, month) in the year, from the ledger (on the reports
    replica when there is one)."""
    led = ledger(_year_filters(year, organization_id))
    column = led.c.county_code if key == "county" else local_month(led.c.at)
    net = func.coalesce(func.sum(led.c.gross_fen), 0) - func.coalesce(func.sum(led.c.refunded_fen), 0)
    statement = (select(led.c.organization_id, column.label("code"), net.label("net"))
                 .where(led.c.organization_id.is_not(None))
                 .group_by(led.c.organization_id, column).order_by(led.c.organization_id, column))
    with replica_reads(db.session):
        return {(row.organization_id, row.code): int(row.net) for row in db.session.execute(statement)}


def _progress(pledge: Pledge, by_county: dict[str, int], by_month: dict[str, int], names: dict[str, str],
              elapsed: tuple[int, int]) -> PledgeProgress:
    shares = split_evenly(pledge.target_fen, pledge.county_codes)
    counties = [CountyProgress(code, names.get(code, code), True, by_county.get(code, 0), share,
                               share * elapsed[0] // elapsed[1]) for code, share in shares.items()]
    counties += [CountyProgress(code, names.get(code, code), False, net)
                 for code, net in sorted(by_county.items(), key=lambda item: (-item[1], item[0]))
                 if code not in shares]
    return PledgeProgress(
        pledge_id=pledge.id, organization_id=pledge.organization_id, organization_name=pledge.organization.name,
        year=pledge.year, target_fen=pledge.target_fen, base_fen=pledge.base_fen, ratio_bp=pledge.ratio_bp,
        total_fen=sum(by_county.values()), tied_fen=sum(by_county.get(code, 0) for code in shares),
        counties=counties, months=[MonthFigure(month, net) for month, net in sorted(by_month.items())])


def _progress_of(pledges: list[Pledge], year: int, organization_id: int | None,
                 today: date | None) -> list[PledgeProgress]:
    if not pledges:
        return []
    county_rows, month_rows = _net_by(year, organization_id, "county"), _net_by(year, organization_id, "month")
    per_county: dict[int, dict[str, int]] = defaultdict(dict)
    per_month: dict[int, dict[str, int]] = defaultdict(dict)
    for (org_id, code), net in county_rows.items():
        per_county[org_id][code] = net
    for (org_id, month), net in month_rows.items():
        per_month[org_id][month] = net
    codes = {code for _org, code in county_rows} | {code for p in pledges for code in p.county_codes}
    names = {code: name for code, name in db.session.execute(
        select(Region.code, Region.name).where(Region.code.in_(codes)))} if codes else {}
    elapsed = year_elapsed(year, today or today_in_china())
    return [_progress(pledge, per_county[pledge.organization_id], per_month[pledge.organization_id], names, elapsed)
            for pledge in pledges]


def progress(organization_id: int, year: int, today: date | None = None) -> PledgeProgress | None:
    """The organization's pledge for `year` with its progress, or None without a pledge."""
    pledge = db.session.scalar(select(Pledge).filter_by(organization_id=organization_id, year=year))
    if pledge is None:
        return None
    return _progress_of([pledge], year, organization_id, today)[0]


def all_progress(year: int, today: date | None = None) -> list[PledgeProgress]:
    """Every organization's pledge for `year` with its progress, by organization name (for staff and the API)."""
    pledges = list(db.session.scalars(select(Pledge).where(Pledge.year == year)))
    rows = _progress_of(pledges, year, None, today)
    return sorted(rows, key=lambda row: (row.organization_name, row.organization_id))


def pledged_by_county(year: int) -> tuple[dict[str, int], int]:
    """The year's pledged amounts per county (a tied pledge's target split evenly across its counties) and the
    total of the pledges tied to no county."""
    per_county: dict[str, int] = defaultdict(int)
    untied = 0
    for pledge in db.session.scalars(select(Pledge).where(Pledge.year == year)):
        if not pledge.counties:
            untied += pledge.target_fen
        for code, share in split_evenly(pledge.target_fen, pledge.county_codes).items():
            per_county[code] += share
    return dict(per_county), untied


def month_bars(row: PledgeProgress) -> list[Bar]:
    """The monthly purchases as bars scaled to the best month (negative months draw empty)."""
    return _bars([(figure.month, figure.net_fen) for figure in row.months])


def county_bars(row: PledgeProgress) -> list[Bar]:
    """The purchases per county as bars scaled to the largest, in the table's order."""
    return _bars([(county.name, county.net_fen) for county in row.counties])


def _bars(values: list[tuple[str, int]]) -> list[Bar]:
    top = max((value for _label, value in values), default=0)
    return [Bar(label, value, max(value, 0) / top if top > 0 else 0.0) for label, value in values]


# The staff export and the API: (key, Chinese header, kind) per column; kinds: text, int, money (fen), percent.
COLUMNS = [
    ("year", "年度", "int"), ("organization_id", "单位编号", "int"), ("organization", "单位", "text"),
    ("target", "认购目标（元）", "money"), ("base", "基数（元）", "money"), ("ratio_percent", "预留比例（%）", "text"),
    ("tied_counties", "结对帮扶县", "text"), ("bought", "全年采购（元）", "money"),
    ("bought_tied", "其中来自结对县（元）", "money"), ("counted", "计入目标（元）", "money"),
    ("remaining", "尚差（元）", "money"), ("completion_percent", "完成率（%）", "int"),
    ("behind_counties", "进度落后的县", "text"),
]


def record(row: PledgeProgress) -> dict[str, str | int | None]:
    """One pledge's figures by column key: money in fen, None where a column does not apply."""
    ratio = None if row.ratio_bp is None else f"{row.ratio_bp // 100}.{row.ratio_bp % 100:02d}"
    return {"year": row.year, "organization_id": row.organization_id, "organization": row.organization_name,
            "target": row.target_fen, "base": row.base_fen, "ratio_percent": ratio,
            "tied_counties": "、".join(county.name for county in row.counties if county.tied),
            "bought": row.total_fen, "bought_tied": row.tied_fen if row.tied else None,
            "counted": row.counted_fen, "remaining": row.remaining_fen, "completion_percent": row.percent,
            "behind_counties": "、".join(county.name for county in row.behind)}


def csv_rows(rows: list[PledgeProgress]) -> list[list[object]]:
    """The CSV's rows: money as yuan with two decimals, empty where a column does not apply."""
    return [[_text(kind, record(row)[key]) for key, _header, kind in COLUMNS] for row in rows]


def _text(kind: str, value: str | int | None) -> object:
    if value is None:
        return ""
    return fen_to_yuan_str(int(value)) if kind == "money" else value


def xlsx_bytes(rows: list[PledgeProgress], year: int) -> bytes:
    """The workbook: a title, Chinese headers, money as exact numbers in yuan, text never read as a formula."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("认购目标")
    for index, (_key, header, _kind) in enumerate(COLUMNS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = max(10, len(header) * 2 + 2)
    sheet.append([_cell(sheet, "text", f"帮扶集市 {year} 年认购目标完成情况")])
    sheet.append([_cell(sheet, "text", header) for _key, header, _kind in COLUMNS])
    for row in rows:
        values = record(row)
        sheet.append([_cell(sheet, kind, values[key]) for key, _header, kind in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet: WriteOnlyWorksheet, kind: str, value: str | int | None) -> Cell:
    if kind == "money" and value is not None:
        cell = WriteOnlyCell(sheet, value=Decimal(int(value)) / 100)  # type: ignore[arg-type]
        cell.number_format = "#,##0.00"
        return cell
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell

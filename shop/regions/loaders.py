"""Load a GB/T 2260 code table (CSV) into the region tree: validate every row, then save all or nothing."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import insert, select, update

from shop.extensions import db
from shop.regions.models import Region, RegionLevel

SHIPPED_TABLE = Path(__file__).parent / "data" / "regions.csv"
REQUIRED_COLUMNS = ("code", "name")
FLAG_COLUMNS = {
    "former_poverty_832": "former_poverty_county",
    "key_assistance_160": "key_assistance_county",
    "guapai_2020": "guapai_2020",
}
CODE_RE = re.compile(r"^[1-9]\d{5}$")
TRUE_WORDS = {"1", "true", "yes", "y", "是"}
FALSE_WORDS = {"", "0", "false", "no", "n", "否"}


class RegionTableError(ValueError):
    """The table cannot be loaded; `errors` lists every problem found, by line."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    flags: dict[str, bool]

    @property
    def level(self) -> RegionLevel:
        return level_of(self.code)


def level_of(code: str) -> RegionLevel:
    """The level a GB/T 2260 code encodes: XX0000 province, XXYY00 prefecture, else county."""
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    if code.endswith("00"):
        return RegionLevel.PREFECTURE
    return RegionLevel.COUNTY


def parse_region_table(stream: IO[str]) -> list[RegionRow]:
    """Read and check every row; raise RegionTableError listing all problems."""
    reader = csv.DictReader(stream)
    columns = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise RegionTableError([f"header: missing column(s) {', '.join(missing)}"])
    reader.fieldnames = columns
    errors: list[str] = []
    rows: dict[str, RegionRow] = {}
    for line_no, raw in enumerate(reader, start=2):
        code = (raw.get("code") or "").strip()
        name = (raw.get("name") or "").strip()
        if not CODE_RE.match(code):
            errors.append(f"line {line_no}: code {code!r} is not a 6-digit GB/T 2260 code")
            continue
        if not name or len(name) > 64:
            errors.append(f"line {line_no}: name must be 1 to 64 characters")
            continue
        if code in rows:
            errors.append(f"line {line_no}: code {code} appears twice")
            continue
        flags = {}
        for column, attr in FLAG_COLUMNS.items():
            word = (raw.get(column) or "").strip().lower()
            if word in TRUE_WORDS:
                flags[attr] = True
            elif word in FALSE_WORDS:
                flags[attr] = False
            else:
                errors.append(f"line {line_no}: {column} must be 1/0, got {word!r}")
        rows[code] = RegionRow(code, name, flags)
    if not rows and not errors:
        errors.append("the table has no rows")
    if errors:
        raise RegionTableError(errors)
    return list(rows.values())


def _parent_of(code: str, known: set[str]) -> str | None:
    level = level_of(code)
    if level == RegionLevel.PROVINCE:
        return None
    province = code[:2] + "0000"
    prefecture = code[:4] + "00"
    if level == RegionLevel.COUNTY and prefecture in known:
        return prefecture
    return province


def import_regions(rows: list[RegionRow]) -> tuple[int, int]:
    """Insert new regions and update changed ones in one transaction; return (created, updated)."""
    columns = [Region.code, Region.name, Region.level, Region.parent_code, Region.province_code,
               Region.prefecture_code, *(getattr(Region, attr) for attr in FLAG_COLUMNS.values())]
    existing = {r.code: r._asdict() for r in db.session.execute(select(*columns))}
    known = set(existing) | {r.code for r in rows}
    errors = []
    records: list[dict[str, Any]] = []  # column values, flags included
    for row in rows:
        parent = _parent_of(row.code, known)
        if parent is not None and parent not in known:
            errors.append(f"code {row.code}: its parent region {parent} is neither in the table nor loaded")
            continue
        province = row.code[:2] + "0000"
        prefecture = parent if parent and level_of(parent) == RegionLevel.PREFECTURE else None
        if row.level != RegionLevel.COUNTY:
            prefecture = row.code if row.level == RegionLevel.PREFECTURE else None
        records.append({
            "code": row.code,
            "name": row.name,
            "level": row.level,
            "parent_code": parent,
            "province_code": province,
            "prefecture_code": prefecture,
            **row.flags,
        })
    if errors:
        raise RegionTableError(errors)
    order = {RegionLevel.PROVINCE: 0, RegionLevel.PREFECTURE: 1, RegionLevel.COUNTY: 2}
    records.sort(key=lambda r: (order[r["level"]], r["code"]))
    new = [r for r in records if r["code"] not in existing]
    changed = [r for r in records if r["code"] in existing and _differs(existing[r["code"]], r)]
    defaults = {attr: False for attr in FLAG_COLUMNS.values()}
    try:
        if new:
            db.session.execute(insert(Region), [{**defaults, **r} for r in new])
        for record in changed:
            values = {k: v for k, v in record.items() if k != "code"}
            db.session.execute(update(Region).where(Region.code == record["code"]).values(**values))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return len(new), len(changed)


def _differs(current: dict, record: dict) -> bool:
    return any(current[key] != value for key, value in record.items())


def import_region_file(path: str | Path) -> tuple[int, int]:
    """Parse and import a CSV file (UTF-8, with or without BOM)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return import_regions(parse_region_table(handle))


def import_region_text(text: str) -> tuple[int, int]:
    """Parse and import CSV given as text (used by tests and the demo)."""
    return import_regions(parse_region_table(io.StringIO(text)))

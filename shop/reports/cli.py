"""`flask --app wsgi export-tallies`: the staff exports from the command line."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from shop.extensions import db
from shop.reports import exports, rollup
from shop.reports.ledger import GROUPINGS, Filters, tally

DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.command("export-tallies")
@click.option("--by", "by", type=click.Choice(list(GROUPINGS)), default="county", show_default=True)
@click.option("--from", "date_from", type=DAY, help="first day (China time), e.g. 2026-01-01")
@click.option("--to", "date_to", type=DAY, help="last day, included")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True,
              help="file to write")
@click.option("--buyer-class")
@click.option("--organization", type=click.IntRange(min=1))
@click.option("--cooperative", type=click.IntRange(min=1))
@click.option("--category", type=click.IntRange(min=1))
@click.option("--county", help="6-digit origin county code")
@with_appcontext
def export_tallies_command(by: str, date_from: datetime | None, date_to: datetime | None, fmt: str, output: Path,
                           buyer_class: str | None, organization: int | None, cooperative: int | None,
                           category: int | None, county: str | None) -> None:
    """Write sales tallies as CSV (UTF-8 with BOM) or XLSX, the same as the staff page's downloads."""
    first, last = (date_from.date() if date_from else None), (date_to.date() if date_to else None)
    if first and last and last < first:
        raise click.BadParameter("--to is before --from")
    filters = Filters(date_from=first, date_to=last, buyer_class=buyer_class, organization_id=organization,
                      cooperative_id=cooperative, category_id=category, county=county)
    result = tally(by, filters, with_totals=fmt == "xlsx")
    tmp = output.with_name(output.name + ".part")
    if fmt == "csv":
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            handle.writelines(exports.csv_lines(result))
    else:
        described = exports.heading(by, first, last)
        described += [(name, str(value)) for name, value in (("采购方类别", buyer_class), ("单位", organization),
                      ("合作社", cooperative), ("品类", category), ("县", county)) if value]
        tmp.write_bytes(exports.xlsx_bytes(result, described))
    tmp.replace(output)  # a reader never sees half a file
    click.echo(f"{len(result.rows)} rows ({by}) written to {output}")


@click.command("reconcile-tallies")
@click.option("--from", "date_from", type=DAY, help="first day (China time); default: the first day with sales")
@click.option("--to", "date_to", type=DAY, help="last day, included; default: the last day with sales")
@click.option("--repair", is_flag=True, help="rebuild the days and months that differ, from the order lines")
@with_appcontext
def reconcile_tallies_command(date_from: datetime | None, date_to: datetime | None, repair: bool) -> None:
    """Check the tallies' rollups (daily sums, monthly buyers) against the order lines, cell by cell, fen for fen
    (and repair them)."""
    span = rollup.ledger_days(db.session.connection())
    db.session.rollback()
    first = date_from.date() if date_from else (span[0] if span else None)
    last = date_to.date() if date_to else (span[1] if span else None)
    if first is None or last is None:
        click.echo("nothing to check: no sales, no refunds, no rollup")
        return
    if last < first:
        raise click.BadParameter("--to is before --from")
    found = rollup.reconcile(db.session, first, last, repair)
    for difference in found:
        grain, sums = difference.names
        cell = ", ".join(f"{name}={value}" for name, value in zip(grain, difference.cell))
        changes = ", ".join(f"{name} {kept} (lines: {counted})" for name, kept, counted
                            in zip(sums, difference.rollup, difference.ledger) if kept != counted)
        click.echo(f"differs in {difference.table}: {cell}: {changes}")
    daily = [difference for difference in found if difference.table == "daily_tallies"]
    buyers = [difference for difference in found if difference.table != "daily_tallies"]
    click.echo(f"checked {first} to {last}: {len(daily)} cells on {len(set(d.day for d in daily))} days and "
               f"{len(buyers)} buyer cells in {len(set(d.day for d in buyers))} months differ"
               + ("; rebuilt them" if repair and found else ""))
    if found and not repair:
        raise SystemExit(1)

"""Region commands: `flask --app wsgi import-regions FILE`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from shop.regions.loaders import RegionTableError, import_region_file


@click.command("import-regions")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_regions_command(path: str) -> None:
    """Load a GB/T 2260 code table (CSV: code,name[,former_poverty_832,key_assistance_160,guapai_2020])."""
    try:
        created, updated = import_region_file(path)
    except RegionTableError as exc:
        for line in exc.errors[:50]:
            click.echo(line, err=True)
        if len(exc.errors) > 50:
            click.echo(f"... and {len(exc.errors) - 50} more", err=True)
        raise click.ClickException("nothing was imported") from exc
    except UnicodeDecodeError as exc:
        raise click.ClickException("the file is not UTF-8 text; nothing was imported") from exc
    click.echo(f"regions created: {created}, updated: {updated}")

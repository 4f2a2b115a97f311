"""Flask commands: `flask --app wsgi <command>`."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from shop.demo.seed import seed_demo
from shop.regions.loaders import RegionTableError, import_region_file


@click.command("seed-demo")
@click.option("--products", "products", type=click.IntRange(min=0, max=1_000_000), default=0,
              help="Also generate this many extra products (for benchmarks).")
@with_appcontext
def seed_demo_command(products: int) -> None:
    """Load the demo counties, pairings, cooperatives and products (safe to run again)."""
    report = seed_demo(extra_products=products)
    click.echo(
        f"regions +{report.regions_created}, pairings +{report.pairings_created}, "
        f"cooperatives +{report.cooperatives_created}, products +{report.products_created}, "
        f"photos +{report.photos_created}, generated products +{report.generated_products}"
    )


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


def register_commands(app: Flask) -> None:
    """Attach the shop's commands to `flask`."""
    for command in (seed_demo_command, import_regions_command):
        app.cli.add_command(command)

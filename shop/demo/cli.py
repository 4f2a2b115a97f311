"""Demo data: `flask --app wsgi seed-demo [--products N] [--sales N]`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from shop.demo.sales import seed_demo_organization_orders, seed_demo_sales
from shop.demo.seed import seed_demo


@click.command("seed-demo")
@click.option("--products", "products", type=click.IntRange(min=0, max=1_000_000), default=0,
              help="Also generate this many extra products (for benchmarks).")
@click.option("--sales", "sales", type=click.IntRange(min=0, max=10_000), default=0,
              help="Also place and pay this many demo orders this year (once), for the impact board, and a few "
                   "for each demo organization (once), for its pledge.")
@with_appcontext
def seed_demo_command(products: int, sales: int) -> None:
    """Load the demo counties, pairings, cooperatives and products (safe to run again)."""
    report = seed_demo(extra_products=products)
    if sales:
        click.echo(f"demo orders +{seed_demo_sales(sales)}")
        click.echo(f"demo organization orders +{seed_demo_organization_orders()}")
    click.echo(
        f"regions +{report.regions_created}, pairings +{report.pairings_created}, "
        f"cooperatives +{report.cooperatives_created}, products +{report.products_created}, "
        f"photos +{report.photos_created}, generated products +{report.generated_products}"
    )

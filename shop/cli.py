"""Flask commands: `flask --app wsgi <command>`."""
from __future__ import annotations

import time

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from shop import jobs
from shop.catalog import search
from shop.database import write_transaction
from shop.demo.seed import seed_demo
from shop.extensions import db
from shop.orders import lifecycle
from shop.organizations import services as organizations
from shop.organizations.exceptions import OrganizationError
from shop.organizations.models import OrganizationKind
from shop.regions.loaders import RegionTableError, import_region_file


@click.command("seed-demo")
@click.option("--products", "products", type=click.IntRange(min=0, max=1_000_000), default=0,
              help="Also generate this many extra products (for benchmarks).")
@click.option("--sales", "sales", type=click.IntRange(min=0, max=10_000), default=0,
              help="Also place and pay this many demo orders this year (once), for the impact board.")
@with_appcontext
def seed_demo_command(products: int, sales: int) -> None:
    """Load the demo counties, pairings, cooperatives and products (safe to run again)."""
    from shop.demo.sales import seed_demo_sales

    report = seed_demo(extra_products=products)
    if sales:
        click.echo(f"demo orders +{seed_demo_sales(sales)}")
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


@click.command("reindex-search")
@with_appcontext
def reindex_search_command() -> None:
    """Rebuild the catalogue's search index from every product's name and spec (after changing products by
    hand in SQL, say; the shop keeps it current itself)."""
    with write_transaction(db.session):
        indexed = search.reindex_all(db.session)
    click.echo(f"indexed {indexed} product(s)")


@click.command("expire-orders")
@with_appcontext
def expire_orders_command() -> None:
    """Cancel unpaid orders past their payment time and give their stock back (run it every minute)."""
    numbers = lifecycle.expire_due_orders()
    click.echo(f"expired {len(numbers)} order(s)" + (": " + ", ".join(numbers) if numbers else ""))


@click.command("complete-orders")
@with_appcontext
def complete_orders_command() -> None:
    """Complete orders received longer ago than ORDER_COMPLETE_DAYS."""
    numbers = lifecycle.complete_due_orders(current_app.config["ORDER_COMPLETE_DAYS"])
    click.echo(f"completed {len(numbers)} order(s)")


@click.command("create-organization")
@click.option("--name", required=True)
@click.option("--kind", required=True, type=click.Choice([k.value for k in OrganizationKind]))
@click.option("--credit-code", required=True, help="18-character unified social credit code")
@click.option("--region", "region_code", required=True, help="6-digit region code")
@click.option("--invoice-title", default=None, help="defaults to the name")
@click.option("--tax-number", default=None, help="defaults to the credit code")
@with_appcontext
def create_organization_command(name, kind, credit_code, region_code, invoice_title, tax_number) -> None:
    """Register a buying organization."""
    try:
        organization = organizations.create_organization(
            None, name=name, kind=kind, code=credit_code, region_code=region_code,
            invoice_title=invoice_title or name, tax_number=tax_number or credit_code)
    except OrganizationError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"organization {organization.id}: {organization.name}")


@click.command("add-member")
@click.argument("organization")
@click.argument("who")
@with_appcontext
def add_member_command(organization: str, who: str) -> None:
    """Add the user WHO (email or mobile) to ORGANIZATION (its id or credit code)."""
    found = organizations.find_organization(organization)
    if found is None:
        raise click.ClickException(f"no organization {organization!r}")
    try:
        organizations.add_member(None, found.id, who)
    except OrganizationError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{who} is a member of {found.name}")


@click.command("run-jobs")
@click.option("--once", is_flag=True, help="Run every job once and exit (for cron).")
@click.option("--interval", type=click.FloatRange(min=0.5), default=10.0, show_default=True,
              help="Seconds between rounds when running continuously.")
@with_appcontext
def run_jobs_command(once: bool, interval: float) -> None:
    """The background work: expire unpaid orders, complete received ones, send queued mail and refunds, purge
    old login sessions."""
    while True:
        report = jobs.run_once()
        if once or any(report.values()):
            click.echo(" ".join(f"{name}={count}" for name, count in report.items()))
        if once:
            return
        time.sleep(interval)


def register_commands(app: Flask) -> None:
    """Attach the shop's commands to `flask`."""
    from shop.accounts.cli import create_staff_command
    from shop.api.cli import create_api_token_command, revoke_api_token_command
    from shop.payments.cli import reconcile_payments_command
    from shop.reports.cli import export_tallies_command

    for command in (seed_demo_command, import_regions_command, expire_orders_command, complete_orders_command,
                    create_organization_command, add_member_command, create_staff_command, run_jobs_command,
                    reconcile_payments_command, export_tallies_command,
                    create_api_token_command, revoke_api_token_command, reindex_search_command):
        app.cli.add_command(command)

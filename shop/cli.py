"""Flask commands: `flask --app wsgi <command>`. Each domain keeps its commands in its own cli.py; the job
runner, which spans them all, is here."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from shop import jobs


@click.command("run-jobs")
@click.option("--once", is_flag=True, help="Run every job once and exit (for cron).")
@click.option("--interval", type=click.FloatRange(min=0.5), default=10.0, show_default=True,
              help="Seconds between rounds when running continuously.")
@with_appcontext
def run_jobs_command(once: bool, interval: float) -> None:
    """The background work (shop/jobs.py): expire unpaid orders, complete received ones, send refunds and queued
    mail, cancel abandoned payments, purge old login sessions, reconcile with Stripe."""

    def report(result: jobs.Round) -> None:
        if once or result.failed or any(result.counts.values()):
            click.echo(str(result))

    last = jobs.JobRunner(current_app.config).run(interval, rounds=1 if once else None, report=report)
    if last.failed:  # only a single round (--once) gets here: a non-zero exit, so cron reports it
        raise click.ClickException(f"{len(last.failed)} of the jobs failed; the others ran")


def register_commands(app: Flask) -> None:
    """Attach the shop's commands to `flask`."""
    from shop.accounts import cli as accounts
    from shop.api import cli as api
    from shop.catalog import cli as catalog
    from shop.demo import cli as demo
    from shop.orders import cli as orders
    from shop.organizations import cli as organizations
    from shop.payments import cli as payments
    from shop.regions import cli as regions
    from shop.reports import cli as reports

    for command in (demo.seed_demo_command, regions.import_regions_command, catalog.reindex_search_command,
                    orders.expire_orders_command, orders.complete_orders_command,
                    organizations.create_organization_command, organizations.add_member_command,
                    accounts.create_staff_command, payments.reconcile_payments_command,
                    reports.export_tallies_command, api.create_api_token_command, api.revoke_api_token_command,
                    run_jobs_command):
        app.cli.add_command(command)

"""Flask commands: `flask --app wsgi <command>`. Each domain keeps its commands in its own cli.py; the job
runner, which spans them all, is here."""
from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from shop import jobs
from shop.core import storage


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

    runner = jobs.JobRunner(current_app.config)
    with _stop_on_signals(runner):
        last = runner.run(interval, rounds=1 if once else None, report=report)
    if runner.stopping:
        click.echo("run-jobs: stopped on request, after finishing its round")
    if last.failed and once:  # a non-zero exit, so cron reports it (a runner asked to stop exits 0)
        raise click.ClickException(f"{len(last.failed)} of the jobs failed; the others ran")


@click.command("move-files-to-storage")
@click.option("--media-folder", type=click.Path(file_okay=False), default=None,
              help="Where the photos are on disk (default: UPLOAD_FOLDER).")
@click.option("--private-folder", type=click.Path(file_okay=False), default=None,
              help="Where the licences and proofs are on disk (default: PRIVATE_FOLDER).")
@click.option("--delete-local", is_flag=True, help="Remove each file from disk once the store has it.")
@with_appcontext
def move_files_to_storage_command(media_folder: str | None, private_folder: str | None, delete_local: bool) -> None:
    """Copy the photos and private files on this host's disk into the store STORAGE_URL names (an S3 bucket, say);
    files the store has already are skipped, so it can run again (before and after switching STORAGE_URL)."""
    config = current_app.config
    for area, folder in (("media", media_folder or config["UPLOAD_FOLDER"]),
                         ("private", private_folder or config["PRIVATE_FOLDER"])):
        target = storage.storage().area(area)
        try:
            count = storage.move_files(storage.FolderStore(folder), target, delete_local)
        except storage.StorageError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"{area} ({folder} -> {target.describe()}): {count}")


@contextmanager
def _stop_on_signals(runner: jobs.JobRunner) -> Iterator[None]:
    """While inside: SIGTERM (a service manager stopping the runner) or SIGINT (Ctrl-C) asks the runner to stop
    after its round; a second one stops it at once, as usual. The previous handlers are put back afterwards."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    signals = (signal.SIGTERM, signal.SIGINT)
    previous = {number: signal.getsignal(number) for number in signals}

    def handle(number: int, frame: object) -> None:  # nothing but flags: it may interrupt a write to the output
        for each, handler in previous.items():  # a second signal gets whatever the first would have
            signal.signal(each, handler)
        runner.stop()

    for number in signals:
        signal.signal(number, handle)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


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
                    catalog.photos_webp_command,
                    orders.expire_orders_command, orders.complete_orders_command,
                    organizations.create_organization_command, organizations.add_member_command,
                    accounts.create_staff_command, payments.reconcile_payments_command,
                    reports.export_tallies_command, reports.reconcile_tallies_command, api.create_api_token_command,
                    api.revoke_api_token_command,
                    move_files_to_storage_command, run_jobs_command):
        app.cli.add_command(command)

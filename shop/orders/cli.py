"""Order commands: `flask --app wsgi expire-orders`, `complete-orders` (the job runner does both)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from shop.orders import lifecycle


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

"""`flask --app wsgi reconcile-payments`: apply the Stripe events the webhook missed."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from shop.payments.exceptions import PaymentError
from shop.payments.gateway import GatewayError
from shop.payments.reconcile import DEFAULT_HOURS, newly_applied, reconcile_payments


@click.command("reconcile-payments")
@click.option("--hours", type=click.IntRange(1, 24 * 30), default=DEFAULT_HOURS, show_default=True,
              help="How far back to ask Stripe for events (Stripe keeps them for 30 days).")
@with_appcontext
def reconcile_payments_command(hours: int) -> None:
    """Ask Stripe for recent payment events and apply any not yet applied (safe to run any time)."""
    try:
        outcomes = reconcile_payments(hours)
    except (PaymentError, GatewayError) as exc:
        raise click.ClickException(str(exc)) from exc
    applied = newly_applied(outcomes)
    refunds_sent = outcomes.pop("refunds_sent", 0)
    known, other = outcomes.pop("duplicate", 0), outcomes.pop("ignored", 0)
    click.echo(f"{applied + known + other} events read: {applied} newly applied, {known} already known, "
               f"{other} needing nothing; {refunds_sent} pending refunds sent")
    for outcome, number in sorted(outcomes.items()):
        click.echo(f"  {outcome}: {number}")

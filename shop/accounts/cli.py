"""Account commands: `flask --app wsgi create-staff EMAIL`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from shop.accounts import services
from shop.accounts.exceptions import AccountError


@click.command("create-staff")
@click.argument("email")
@click.option("--password", envvar="STAFF_PASSWORD",
              help="Password (else asked for when the account is new, or read from STAFF_PASSWORD).")
@with_appcontext
def create_staff_command(email: str, password: str | None) -> None:
    """Create a platform staff account, or make an existing account staff."""
    if password is None and services.user_by_email(email) is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user, created = services.create_staff(email, password)
    except AccountError as exc:
        raise click.ClickException(str(exc.message)) from exc
    click.echo(f"{'created' if created else 'promoted'} staff account {user.email}")

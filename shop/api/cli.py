"""`flask --app wsgi create-api-token NAME` and `revoke-api-token NAME`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from shop.api.services import TokenError, create_token, revoke_token


@click.command("create-api-token")
@click.argument("name")
@with_appcontext
def create_api_token_command(name: str) -> None:
    """Create a bearer token for a partner platform; it is printed once and stored only as a hash."""
    try:
        _row, token = create_token(name, actor_id=None)
    except TokenError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(token)
    click.echo(f"Keep it safe: only its hash is stored. Revoke with: flask --app wsgi revoke-api-token {name!r}",
               err=True)


@click.command("revoke-api-token")
@click.argument("name_or_id")
@with_appcontext
def revoke_api_token_command(name_or_id: str) -> None:
    """Revoke a token by name or id; requests with it are refused from now on."""
    try:
        row = revoke_token(name_or_id, actor_id=None)
    except TokenError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"revoked {row.name}")

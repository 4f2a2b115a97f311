"""Organization commands: `flask --app wsgi create-organization`, `add-member [--role]`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from shop.accounts.models import OrganizationRole
from shop.organizations import services as organizations
from shop.organizations.exceptions import OrganizationError
from shop.organizations.models import OrganizationKind


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
@click.option("--role", type=click.Choice([role.value for role in OrganizationRole]),
              default=OrganizationRole.PURCHASER.value, show_default=True)
@with_appcontext
def add_member_command(organization: str, who: str, role: str) -> None:
    """Add the user WHO (email or mobile) to ORGANIZATION (its id or credit code) with a role."""
    found = organizations.find_organization(organization)
    if found is None:
        raise click.ClickException(f"no organization {organization!r}")
    try:
        organizations.add_member(None, found.id, who, role)
    except OrganizationError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{who} is a member of {found.name} ({role})")

"""Catalogue commands: `flask --app wsgi reindex-search`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from shop.catalog import search
from shop.core.database import write_transaction
from shop.extensions import db


@click.command("reindex-search")
@with_appcontext
def reindex_search_command() -> None:
    """Rebuild the catalogue's search index from every product's name and spec (after changing products by
    hand in SQL, say; the shop keeps it current itself)."""
    with write_transaction(db.session):
        indexed = search.reindex_all(db.session)
    click.echo(f"indexed {indexed} product(s)")

"""Catalogue commands: `flask --app wsgi reindex-search`, `flask --app wsgi photos-webp`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from shop.catalog import search
from shop.catalog.photo_variants import add_missing_webps
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


@click.command("photos-webp")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Stop after this many photos.")
@with_appcontext
def photos_webp_command(limit: int | None) -> None:
    """Make the WebPs of photos stored before the shop made them (they are drawn from their JPEGs until then);
    run it again and it picks up only what is left."""
    click.echo(str(add_missing_webps(limit)))

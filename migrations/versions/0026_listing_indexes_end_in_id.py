"""the listing indexes end in the product id, the catalogue's tie-break

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-02 12:40:00

The catalogue is sorted by (created_at, id) or (price, id), and a page finds its products off these indexes before
joining their details (shop/catalog/queries.py). With the id in the index PostgreSQL reads a page, however deep, in
order straight off it; without, it sorted every listing up to the page's end again by id (page 50: 1,200 rows).
SQLite's indexes end in the rowid already; the column is named there too, so both databases hold the same schema.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

INDEXES = {'ix_products_active_created': 'created_at', 'ix_products_active_price': 'price_fen'}


def _rebuild(*tie_break):
    for name, column in INDEXES.items():
        op.drop_index(name, table_name='products')
        op.create_index(name, 'products', ['is_active', column, *tie_break], unique=False)


def upgrade():
    _rebuild('id')


def downgrade():
    _rebuild()

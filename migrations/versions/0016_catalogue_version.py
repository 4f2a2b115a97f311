"""catalogue version

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 19:00:00

One row holding the catalogue version that cached storefront pages are keyed by (shop.catalog.versions); every
write to products, photos, categories, cooperatives, regions or pairings moves it in its own transaction.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'catalogue_version',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_version')),
    )
    op.bulk_insert(table, [{'id': 1, 'version': 1}])


def downgrade():
    op.drop_table('catalogue_version')

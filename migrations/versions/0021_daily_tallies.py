"""daily tally rollup

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 22:00:00

The tallies' daily rollup (shop.reports.rollup_models.DailyTally), with the person in its grain (buyer_key).
Migration 0029 took the person out of the grain and fills the table from the order lines and refunds; this revision
used to fill it with the statement that keeps it in step, which now writes 0029's grain, so it leaves the table empty
(nothing reads it before 0029).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

GRAIN = ('day', 'paid_day', 'county_code', 'product_id', 'cooperative_id', 'category_id', 'buyer_class',
         'organization_id', 'buyer_key')
SUMS = ('lines', 'units', 'weight_g', 'gross_fen', 'refunded_fen', 'orders', 'orders_county', 'orders_prefecture',
        'orders_province', 'orders_cooperative', 'orders_category', 'orders_all')


def upgrade():
    op.create_table(
        'daily_tallies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('paid_day', sa.Date(), nullable=False),
        sa.Column('county_code', sa.String(length=6), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('cooperative_id', sa.Integer(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('buyer_class', sa.String(length=24), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('buyer_key', sa.Integer(), nullable=False),
        *[sa.Column(name, sa.BigInteger(), nullable=False) for name in SUMS],
        sa.PrimaryKeyConstraint('id', name=op.f('pk_daily_tallies')),
        sa.UniqueConstraint(*GRAIN, name='uq_daily_tallies_cell'),
    )
    op.create_index('ix_daily_tallies_day_county', 'daily_tallies', ['day', 'county_code'])


def downgrade():
    op.drop_index('ix_daily_tallies_day_county', table_name='daily_tallies')
    op.drop_table('daily_tallies')

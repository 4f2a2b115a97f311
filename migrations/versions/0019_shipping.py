"""shipping: cooperatives' fee and free-shipping threshold, each order's shipping per cooperative, refunded shipping

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 22:00:00

Cooperatives get a fee per parcel (0 for orders placed before) and an optional 包邮 threshold; order_shipping holds
what an order charged for one cooperative's parcels (orders placed before have no rows: they charged none); a refund
records the part of its amount that gave shipping back. Plain added columns and a new table: nothing is rebuilt on
SQLite. Downgrading drops them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('cooperatives', sa.Column('shipping_fee_fen', sa.Integer(), server_default='0', nullable=False))
    op.add_column('cooperatives', sa.Column('free_shipping_from_fen', sa.Integer(), nullable=True))
    op.add_column('refunds', sa.Column('shipping_fen', sa.Integer(), server_default='0', nullable=False))
    op.create_table(
        'order_shipping',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('cooperative_id', sa.Integer(), nullable=False),
        sa.Column('parcels', sa.Integer(), nullable=False),
        sa.Column('free_parcels', sa.Integer(), nullable=False),
        sa.Column('fee_fen', sa.Integer(), nullable=False),
        sa.CheckConstraint('parcels > 0', name=op.f('ck_order_shipping_parcels_positive')),
        sa.CheckConstraint('fee_fen >= 0', name=op.f('ck_order_shipping_fee_not_negative')),
        sa.CheckConstraint('free_parcels >= 0 AND free_parcels <= parcels',
                           name=op.f('ck_order_shipping_free_parcels_range')),
        sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'],
                                name=op.f('fk_order_shipping_cooperative_id_cooperatives')),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_shipping_order_id_orders'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_order_shipping')),
        sa.UniqueConstraint('order_id', 'cooperative_id', name=op.f('uq_order_shipping_order_id_cooperative_id')),
    )
    op.create_index(op.f('ix_order_shipping_cooperative_id'), 'order_shipping', ['cooperative_id'], unique=False)


def _drop_column(table, column):
    """In place on SQLite, never by copying the table: dropping cooperatives or refunds would cascade or orphan."""
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
    else:
        op.drop_column(table, column)


def downgrade():
    op.drop_index(op.f('ix_order_shipping_cooperative_id'), table_name='order_shipping')
    op.drop_table('order_shipping')
    _drop_column('refunds', 'shipping_fen')
    _drop_column('cooperatives', 'free_shipping_from_fen')
    _drop_column('cooperatives', 'shipping_fee_fen')

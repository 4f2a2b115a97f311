"""invoices: the type an order asks for, what a cooperative can issue, and the invoices sellers issued

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 19:00:00

Orders get invoice_type (NULL: no invoice asked for). Cooperatives get invoice_capability, 'none' for every existing
one until it declares what it can issue. The invoices table records one invoice per seller of an order and the
red-letter invoice that cancels it. Columns are added and dropped in place (SQLite 3.35 or later), never by copying a
table that others reference (see 0011's _drop_column).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

INVOICE_TYPE = sa.Enum('ordinary', 'special', name='invoicetype', native_enum=False, length=16)
CAPABILITY = sa.Enum('none', 'ordinary', 'ordinary_special', name='invoicecapability', native_enum=False, length=16)


def _drop_column(table, column):
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
    else:
        op.drop_column(table, column)


def upgrade():
    op.add_column('orders', sa.Column('invoice_type', INVOICE_TYPE, nullable=True))
    op.add_column('cooperatives', sa.Column('invoice_capability', CAPABILITY, nullable=False, server_default='none'))
    op.create_table('invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('invoice_type', INVOICE_TYPE, nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('red_number', sa.String(length=32), nullable=True),
    sa.Column('red_issued_on', sa.Date(), nullable=True),
    sa.Column('red_filename', sa.String(length=64), nullable=True),
    sa.Column('red_recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('red_recorded_by', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_invoices_amount_positive')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_invoices_cooperative_id_cooperatives')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_invoices_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_invoices_recorded_by_users')),
    sa.ForeignKeyConstraint(['red_recorded_by'], ['users.id'], name=op.f('fk_invoices_red_recorded_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('order_id', 'cooperative_id', name=op.f('uq_invoices_order_id_cooperative_id'))
    )
    op.create_index(op.f('ix_invoices_cooperative_id'), 'invoices', ['cooperative_id'], unique=False)
    op.create_index(op.f('ix_invoices_order_id'), 'invoices', ['order_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_invoices_order_id'), table_name='invoices')
    op.drop_index(op.f('ix_invoices_cooperative_id'), table_name='invoices')
    op.drop_table('invoices')
    _drop_column('cooperatives', 'invoice_capability')
    _drop_column('orders', 'invoice_type')

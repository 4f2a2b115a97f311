"""order event kinds

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 09:00:00

Order events get a kind and its parameters, worded when shown, instead of fixed notes matched by their text.
Existing rows are converted: the note 'payment time ran out' becomes the kind 'expired', and a paid event whose
note is a payment method becomes the kind 'paid_by' with {"method": ...}. Free-text notes (cancel reasons) stay.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# As on the day of this migration (shop.orders.lifecycle.EXPIRED_NOTE, shop.payments.models.Method).
EXPIRED_NOTE = 'payment time ran out'
METHODS = ('card', 'alipay', 'wechat_pay', 'bank_transfer')

events = sa.table(
    'order_events',
    sa.column('id', sa.Integer()),
    sa.column('to_status', sa.String()),
    sa.column('note', sa.String()),
    sa.column('kind', sa.String()),
    sa.column('params', sa.JSON()),
)


def upgrade():
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))

    connection = op.get_bind()
    connection.execute(events.update().where(events.c.note == EXPIRED_NOTE).values(kind='expired', note=''))
    for method in METHODS:
        connection.execute(
            events.update().where(events.c.to_status == 'paid', events.c.note == method)
            .values(kind='paid_by', params={'method': method}, note='')
        )


def downgrade():
    connection = op.get_bind()
    connection.execute(events.update().where(events.c.kind == 'expired').values(note=EXPIRED_NOTE))
    method = sa.func.coalesce(events.c.params['method'].as_string(), '')  # ->> on PostgreSQL, json_extract on SQLite
    connection.execute(events.update().where(events.c.kind == 'paid_by').values(note=method))

    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.drop_column('params')
        batch_op.drop_column('kind')

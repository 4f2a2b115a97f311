"""gift orders: recipients, a parcel per recipient and cooperative, kept uploads

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 19:00:00

A gift order goes to many recipients: order_recipients holds their addresses, gift_lines ties each order line to
its recipient (a table of its own, so order_lines is never copied on SQLite: refund lines cascade from it), shipments
name their recipient, and shipments are unique per (order, cooperative) only when they have no recipient, else per
(recipient, cooperative). A shipment of a gift order records when the buyer confirmed it arrived. gift_uploads
keeps an uploaded recipients file between its preview and its confirmation. On SQLite shipments is rebuilt
(see _shipments_rebuilt). Downgrading drops the gift tables and columns; it stops
at the old unique constraint while a gift order has several parcels from one cooperative.
"""
from contextlib import contextmanager

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

NO_RECIPIENT = sa.text('recipient_id IS NULL')


@contextmanager
def _shipments_rebuilt():
    """Batch mode rebuilds shipments on SQLite: it copies the rows, drops the old table and renames the copy. Order
    lines refer to shipments, and SQLite counts every line the drop orphans as a violation that the copy's rows
    (inserted before, under another name) never cancel; so the links are lifted for the rebuild and put back."""
    bind = op.get_bind()
    links = []
    if bind.dialect.name == 'sqlite':
        links = [{'line': line, 'shipment': shipment} for line, shipment in bind.execute(
            sa.text('SELECT id, shipment_id FROM order_lines WHERE shipment_id IS NOT NULL'))]
        bind.execute(sa.text('UPDATE order_lines SET shipment_id = NULL WHERE shipment_id IS NOT NULL'))
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        yield batch_op
    if links:
        bind.execute(sa.text('UPDATE order_lines SET shipment_id = :shipment WHERE id = :line'), links)


def upgrade():
    op.add_column('orders', sa.Column('is_gift', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table('order_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=40), nullable=False),
    sa.Column('mobile', sa.String(length=11), nullable=False),
    sa.Column('province', sa.String(length=40), nullable=False),
    sa.Column('city', sa.String(length=40), nullable=False),
    sa.Column('district', sa.String(length=40), nullable=False),
    sa.Column('street', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_recipients_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_recipients'))
    )
    op.create_index(op.f('ix_order_recipients_order_id'), 'order_recipients', ['order_id'], unique=False)
    op.create_table('gift_uploads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_gift_uploads_order_id_orders')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_gift_uploads_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_gift_uploads_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gift_uploads'))
    )
    op.create_index(op.f('ix_gift_uploads_organization_id'), 'gift_uploads', ['organization_id'], unique=False)
    op.create_table('gift_lines',
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_gift_lines_order_line_id_order_lines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_id'], ['order_recipients.id'], name=op.f('fk_gift_lines_recipient_id_order_recipients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('order_line_id', name=op.f('pk_gift_lines'))
    )
    op.create_index(op.f('ix_gift_lines_recipient_id'), 'gift_lines', ['recipient_id'], unique=False)
    with _shipments_rebuilt() as batch_op:
        batch_op.add_column(sa.Column('recipient_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('received_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint('uq_shipments_order_id_cooperative_id', type_='unique')
        batch_op.create_index('ix_shipments_order_id', ['order_id'], unique=False)
        batch_op.create_index('uq_shipments_order_cooperative', ['order_id', 'cooperative_id'], unique=True,
                              sqlite_where=NO_RECIPIENT, postgresql_where=NO_RECIPIENT)
        batch_op.create_unique_constraint(batch_op.f('uq_shipments_recipient_id_cooperative_id'),
                                          ['recipient_id', 'cooperative_id'])
        batch_op.create_foreign_key(batch_op.f('fk_shipments_recipient_id_order_recipients'), 'order_recipients',
                                    ['recipient_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with _shipments_rebuilt() as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_shipments_recipient_id_order_recipients'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_shipments_recipient_id_cooperative_id'), type_='unique')
        batch_op.drop_index('uq_shipments_order_cooperative')
        batch_op.drop_index('ix_shipments_order_id')
        batch_op.create_unique_constraint('uq_shipments_order_id_cooperative_id', ['order_id', 'cooperative_id'])
        batch_op.drop_column('received_at')
        batch_op.drop_column('recipient_id')
    op.drop_index(op.f('ix_gift_lines_recipient_id'), table_name='gift_lines')
    op.drop_table('gift_lines')
    op.drop_index(op.f('ix_gift_uploads_organization_id'), table_name='gift_uploads')
    op.drop_table('gift_uploads')
    op.drop_index(op.f('ix_order_recipients_order_id'), table_name='order_recipients')
    op.drop_table('order_recipients')
    # In place, never by copying orders: dropping the old orders table would delete every row that cascades from it.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE orders DROP COLUMN is_gift')
    else:
        op.drop_column('orders', 'is_gift')

"""purchase certificates

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 19:00:00

Purchase certificates (采购凭证) get their own table: the public verification code, the subject (an order or an
organization's year), and a snapshot of what was certified. A partial unique index keeps one current certificate per
subject. Downgrading drops the table (certificates are issued again on request).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

CURRENT = sa.text('superseded_at IS NULL')


def upgrade():
    op.create_table(
        'purchase_certificates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=43), nullable=False),
        sa.Column('subject', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.Enum('order', 'year', name='certificatekind', native_enum=False, length=8),
                  nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=True),
        sa.Column('organization_id', sa.Integer(), nullable=True),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('holder', sa.String(length=120), nullable=False),
        sa.Column('period_from', sa.Date(), nullable=False),
        sa.Column('period_to', sa.Date(), nullable=False),
        sa.Column('orders', sa.Integer(), nullable=False),
        sa.Column('units', sa.Integer(), nullable=False),
        sa.Column('gross_fen', sa.Integer(), nullable=False),
        sa.Column('refunded_fen', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("(kind = 'order' AND order_id IS NOT NULL) OR "
                           "(kind = 'year' AND organization_id IS NOT NULL AND year IS NOT NULL)",
                           name=op.f('ck_purchase_certificates_subject_set')),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_purchase_certificates_order_id_orders'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                                name=op.f('fk_purchase_certificates_organization_id_organizations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_certificates')),
        sa.UniqueConstraint('code', name=op.f('uq_purchase_certificates_code')),
    )
    with op.batch_alter_table('purchase_certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_certificates_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_certificates_organization_id'), ['organization_id'],
                              unique=False)
        batch_op.create_index('ix_purchase_certificates_current', ['subject'], unique=True,
                              sqlite_where=CURRENT, postgresql_where=CURRENT)


def downgrade():
    with op.batch_alter_table('purchase_certificates', schema=None) as batch_op:
        batch_op.drop_index('ix_purchase_certificates_current')
        batch_op.drop_index(batch_op.f('ix_purchase_certificates_organization_id'))
        batch_op.drop_index(batch_op.f('ix_purchase_certificates_order_id'))
    op.drop_table('purchase_certificates')

"""held uploads

Revision ID: 0023
Revises: 0021
Create Date: 2026-12-01 22:00:00

A file chosen in a form (a cooperative's licence, an organization's proof) is held here between a failed submit and
the next one (shop.core.held_uploads), so the applicant need not choose it again; rows expire.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'held_uploads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_held_uploads')),
    )
    op.create_index('ix_held_uploads_created_at', 'held_uploads', ['created_at'], unique=False)


def downgrade():
    op.drop_index('ix_held_uploads_created_at', table_name='held_uploads')
    op.drop_table('held_uploads')

"""photo webp variants

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 22:00:00

Photos get a WebP beside each of their two JPEGs (same stem, .webp); `webp` says a photo has them. Photos stored
before are false and are drawn from their JPEGs alone until `flask --app wsgi photos-webp` makes theirs.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('photos') as batch_op:
        batch_op.add_column(sa.Column('webp', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('photos') as batch_op:
        batch_op.drop_column('webp')

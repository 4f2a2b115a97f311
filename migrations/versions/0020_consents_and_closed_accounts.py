"""consents and closed accounts

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 22:15:00

consents: which version of the user agreement and the privacy policy each user accepted, and when. users.closed_at:
when the owner closed the account (its personal fields are then anonymised). Accounts made before this migration
have no consent row: none was asked for, so none is recorded.

users.closed_at is added and dropped in place, never by copying the users table (see 0011's _drop_column: on SQLite a
batch copy would drop a table every other table references).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'consents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('document', sa.String(length=20), nullable=False),
        sa.Column('version', sa.String(length=20), nullable=False),
        sa.Column('agreed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_consents_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consents')),
        sa.UniqueConstraint('user_id', 'document', 'version', name=op.f('uq_consents_user_id_document_version')),
    )
    op.create_index(op.f('ix_consents_user_id'), 'consents', ['user_id'], unique=False)
    op.add_column('users', sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE users DROP COLUMN closed_at')  # in place since SQLite 3.35
    else:
        op.drop_column('users', 'closed_at')
    op.drop_index(op.f('ix_consents_user_id'), table_name='consents')
    op.drop_table('consents')

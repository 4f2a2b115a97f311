"""organization applications, roles and invitations

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 09:00:00

Organizations get a status instead of the is_active flag (True becomes 'verified', False 'suspended'), the fields of
a self-service application (contact, mobile, a private proof document) and staff's last review. Organization members
get the roles admin / purchaser / viewer: the old 'member' (who could order) becomes 'purchaser'. Admins' invitations
get their own table. Downgrading turns 'verified' back into active and every other status into inactive, and
purchasers and viewers into members.

Columns are added and dropped in place, never by copying the organizations table (SQLite 3.35 or later): see
_drop_column.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

STATUS = sa.Enum('applied', 'verified', 'rejected', 'suspended', name='organizationstatus', native_enum=False,
                 length=16)
ROLE = sa.Enum('admin', 'purchaser', 'viewer', name='organizationrole', native_enum=False, length=16)

organizations = sa.table(
    'organizations',
    sa.column('is_active', sa.Boolean()),
    sa.column('status', sa.String()),
)
memberships = sa.table('organization_memberships', sa.column('role', sa.String()))


NEW_COLUMNS = ('contact_name', 'contact_mobile', 'proof_filename', 'submitted_at', 'reviewed_at', 'review_note')


def _drop_column(table, column):
    # Not batch mode: on SQLite it would copy the table and drop the old one, and dropping a table that others
    # reference ON DELETE CASCADE deletes their rows (organization_memberships, here) while foreign keys are on.
    # SQLite drops a column in place since 3.35.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
    else:
        op.drop_column(table, column)


def upgrade():
    # Added in place on every database (a constant default is what lets SQLite add a NOT NULL column).
    op.add_column('organizations', sa.Column('status', STATUS, nullable=False, server_default='applied'))
    op.add_column('organizations', sa.Column('contact_name', sa.String(length=40), nullable=True))
    op.add_column('organizations', sa.Column('contact_mobile', sa.String(length=11), nullable=True))
    op.add_column('organizations', sa.Column('proof_filename', sa.String(length=64), nullable=True))
    op.add_column('organizations', sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('organizations', sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('organizations', sa.Column('review_note', sa.String(length=200), nullable=True))
    op.create_index(op.f('ix_organizations_status'), 'organizations', ['status'], unique=False)

    connection = op.get_bind()
    connection.execute(organizations.update().where(organizations.c.is_active.is_(True)).values(status='verified'))
    connection.execute(organizations.update().where(organizations.c.is_active.is_(False)).values(status='suspended'))
    if connection.dialect.name != 'sqlite':  # SQLite cannot drop a default in place; the app always sets one
        op.alter_column('organizations', 'status', server_default=None, existing_type=STATUS, existing_nullable=False)
    _drop_column('organizations', 'is_active')

    # The role column stays a VARCHAR(16) without a CHECK: only its values change.
    connection.execute(memberships.update().where(memberships.c.role == 'member').values(role='purchaser'))

    op.create_table('organization_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', ROLE, nullable=False),
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_organization_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_organization_invitations_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['used_by_id'], ['users.id'], name=op.f('fk_organization_invitations_used_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_organization_invitations_token_hash'))
    )
    op.create_index('ix_organization_invitations_org_email', 'organization_invitations', ['organization_id', 'email'],
                    unique=False)


def downgrade():
    op.drop_index('ix_organization_invitations_org_email', table_name='organization_invitations')
    op.drop_table('organization_invitations')

    connection = op.get_bind()
    connection.execute(memberships.update().where(memberships.c.role.in_(('purchaser', 'viewer')))
                       .values(role='member'))

    op.add_column('organizations', sa.Column('is_active', sa.Boolean(), nullable=False, server_default=sa.false()))
    connection.execute(organizations.update().where(organizations.c.status == 'verified').values(is_active=True))
    if connection.dialect.name != 'sqlite':
        op.alter_column('organizations', 'is_active', server_default=None, existing_type=sa.Boolean(),
                        existing_nullable=False)
    op.drop_index(op.f('ix_organizations_status'), table_name='organizations')
    for column in ('status', *NEW_COLUMNS):
        _drop_column('organizations', column)

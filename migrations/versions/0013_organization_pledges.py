"""organization pledges

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 19:00:00

An organization's yearly purchase target (认购目标 / 预留份额): a typed amount or a base amount times a ratio in
basis points, and the paired counties it is tied to. Two new tables; downgrading drops them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organization_pledges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('target_fen', sa.BigInteger(), nullable=False),
    sa.Column('base_fen', sa.BigInteger(), nullable=True),
    sa.Column('ratio_bp', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('target_fen > 0', name=op.f('ck_organization_pledges_target_positive')),
    sa.CheckConstraint('(base_fen IS NULL) = (ratio_bp IS NULL)', name=op.f('ck_organization_pledges_base_with_ratio')),
    sa.CheckConstraint('base_fen IS NULL OR base_fen > 0', name=op.f('ck_organization_pledges_base_positive')),
    sa.CheckConstraint('ratio_bp IS NULL OR (ratio_bp > 0 AND ratio_bp <= 10000)',
                       name=op.f('ck_organization_pledges_ratio_range')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_organization_pledges_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_pledges')),
    sa.UniqueConstraint('organization_id', 'year', name=op.f('uq_organization_pledges_organization_id_year'))
    )
    op.create_table('organization_pledge_counties',
    sa.Column('pledge_id', sa.Integer(), nullable=False),
    sa.Column('county_code', sa.String(length=6), nullable=False),
    sa.ForeignKeyConstraint(['county_code'], ['regions.code'], name=op.f('fk_organization_pledge_counties_county_code_regions')),
    sa.ForeignKeyConstraint(['pledge_id'], ['organization_pledges.id'], name=op.f('fk_organization_pledge_counties_pledge_id_organization_pledges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pledge_id', 'county_code', name=op.f('pk_organization_pledge_counties'))
    )


def downgrade():
    op.drop_table('organization_pledge_counties')
    op.drop_table('organization_pledges')

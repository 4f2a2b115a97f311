"""home page: banner slides and staff-picked product sections

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 22:00:00

home_slides holds the banner's slides (a picture stored like a product photo, a title, a link, a place and whether
it is shown); home_shelves the named sections of staff-picked products, home_shelf_products their products in order.
New tables only, so the same statements work on SQLite and PostgreSQL; downgrading drops them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('home_slides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('title_en', sa.String(length=80), nullable=True),
    sa.Column('link', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('filename', sa.String(length=64), nullable=False),
    sa.Column('thumb_filename', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_home_slides')),
    sa.UniqueConstraint('filename', name=op.f('uq_home_slides_filename')),
    sa.UniqueConstraint('thumb_filename', name=op.f('uq_home_slides_thumb_filename'))
    )
    op.create_table('home_shelves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=40), nullable=False),
    sa.Column('title_en', sa.String(length=60), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_home_shelves'))
    )
    op.create_table('home_shelf_products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shelf_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('position >= 0', name=op.f('ck_home_shelf_products_position')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_home_shelf_products_product_id_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shelf_id'], ['home_shelves.id'], name=op.f('fk_home_shelf_products_shelf_id_home_shelves'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_home_shelf_products')),
    sa.UniqueConstraint('shelf_id', 'product_id', name=op.f('uq_home_shelf_products_shelf_id_product_id'))
    )
    op.create_index(op.f('ix_home_shelf_products_product_id'), 'home_shelf_products', ['product_id'], unique=False)
    op.create_index(op.f('ix_home_shelf_products_shelf_id'), 'home_shelf_products', ['shelf_id'], unique=False)


def downgrade():
    op.drop_table('home_shelf_products')
    op.drop_table('home_shelves')
    op.drop_table('home_slides')

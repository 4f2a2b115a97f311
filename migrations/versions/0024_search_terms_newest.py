"""search terms carry their product's created_at

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02 05:30:00

A search sorted newest first (the default) walks its first term's entries in created_at order through the new
index and stops at the page it needs, instead of reading and sorting every match (shop/catalog/search.py).
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

# SQLite adds a NOT NULL column only with a default; every row gets its product's time straight after.
PLACEHOLDER = '1970-01-01 00:00:00'


def upgrade():
    # Terms of products deleted by bulk statements would have no time to take (searches never showed them).
    op.execute('DELETE FROM product_search_terms WHERE product_id NOT IN (SELECT id FROM products)')
    op.add_column('product_search_terms', sa.Column('created_at', sa.DateTime(timezone=True), nullable=False,
                                                    server_default=sa.text(f"'{PLACEHOLDER}'")))
    op.execute('UPDATE product_search_terms SET created_at = '
               '(SELECT products.created_at FROM products WHERE products.id = product_search_terms.product_id)')
    if op.get_bind().dialect.name != 'sqlite':  # SQLite cannot drop a default without copying the table
        op.alter_column('product_search_terms', 'created_at', server_default=None)
    op.create_index('ix_product_search_terms_newest', 'product_search_terms', ['term', 'created_at', 'product_id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_product_search_terms_newest', table_name='product_search_terms')
    with op.batch_alter_table('product_search_terms', schema=None) as batch_op:
        batch_op.drop_column('created_at')

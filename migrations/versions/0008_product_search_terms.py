"""product search terms

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 04:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _terms_of(search_text):
    # As shop.catalog.search.terms_of on the day of this migration: every character and every pair of
    # neighbouring characters of each whitespace-separated word.
    terms = set()
    for word in search_text.split():
        terms.update(word)
        terms.update(word[i:i + 2] for i in range(len(word) - 1))
    return terms


def upgrade():
    terms = op.create_table(
        'product_search_terms',
        sa.Column('term', sa.String(length=2), nullable=False),
        sa.Column('product_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint('term', 'product_id'),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table('product_search_terms', schema=None) as batch_op:
        batch_op.create_index('ix_product_search_terms_product', ['product_id'], unique=False)

    # Index the products that exist already.
    connection = op.get_bind()
    products = connection.execute(sa.text('SELECT id, search_text FROM products ORDER BY id')).all()
    rows = [{'term': term, 'product_id': product_id}
            for product_id, text in products for term in sorted(_terms_of(text))]
    for start in range(0, len(rows), 5000):
        connection.execute(terms.insert(), rows[start:start + 5000])


def downgrade():
    with op.batch_alter_table('product_search_terms', schema=None) as batch_op:
        batch_op.drop_index('ix_product_search_terms_product')

    op.drop_table('product_search_terms')

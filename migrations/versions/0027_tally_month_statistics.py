"""PostgreSQL's statistics of the rollup's months and buyers together

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03 04:10:00

The month tally sums the rollup's cells per month and buyer (shop/reports/rollup_read.py). PostgreSQL estimated
those groups as if months and buyers were independent of the cells' days: fifteen times too many at 10,000,000
lines (752,287 for 50,422), so it sorted every cell on disk instead of hashing them, and compiled the statement
with JIT optimisation for two more seconds. Statistics of the two together (ndistinct) give the real figure; the
other groupings are columns PostgreSQL estimates well. SQLite's planner has no such statistics: nothing to do there.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

NAME = 'daily_tallies_month_buyer'


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    # The same expression as the month tally's GROUP BY: the planner matches statistics to it as written.
    op.execute(f"CREATE STATISTICS {NAME} (ndistinct) "
               "ON date_trunc('month', CAST(day AS TIMESTAMP WITHOUT TIME ZONE)), buyer_key FROM daily_tallies")
    op.execute('ANALYZE daily_tallies')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'DROP STATISTICS IF EXISTS {NAME}')

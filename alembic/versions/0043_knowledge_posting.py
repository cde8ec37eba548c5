"""knowledge_posting: per instance and stem, the items holding it (the AI search reads a
question's few stems here, then its candidates by id)

Filled here from the items' `search_stems` on PostgreSQL (SQLite keeps its FTS5 table and
does not use it); services/knowledge_search.refresh_vocabulary keeps it current. The
full-text column it replaces (`knowledge_item.search_words`, generated, GIN-indexed) is
read by nothing any more and written with every item: dropped. And the planner learns
that an instance's items are all of one business (extended statistics): without it, it
multiplied the two columns' selectivities, expected one row for "this business and this
instance", and read all of an instance's items to pick 150 by id (4.3 ms instead of 1.2).

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0043'
down_revision: str | None = '0042'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (the same statement as knowledge_search.POSTINGS_SQL, for every instance at once)
_FILL = (
    "INSERT INTO knowledge_posting (instance_id, stem, tenant_id, ids) "
    "SELECT instance_id, st, min(tenant_id), string_agg(id::text, ' ' ORDER BY id) FROM ("
    " SELECT DISTINCT k.instance_id, k.tenant_id, k.id, st FROM knowledge_item k,"
    "  regexp_split_to_table(replace(k.search_stems, '|', ' '), '\\s+') AS st) x "
    "WHERE st <> '' AND length(st) <= 100 GROUP BY instance_id, st")


def upgrade() -> None:
    op.create_table(
        'knowledge_posting',
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('stem', sa.String(length=100), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('ids', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('instance_id', 'stem'),
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(_FILL)
        op.execute("DROP INDEX IF EXISTS ix_knowledge_item_fts")
        op.execute("ALTER TABLE knowledge_item DROP COLUMN IF EXISTS search_words")
        op.execute("CREATE STATISTICS IF NOT EXISTS st_knowledge_item_owner (dependencies) "
                   "ON tenant_id, instance_id FROM knowledge_item")
        op.execute("ANALYZE knowledge_item")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP STATISTICS IF EXISTS st_knowledge_item_owner")
        op.execute("ALTER TABLE knowledge_item ADD COLUMN search_words tsvector GENERATED "
                   "ALWAYS AS (to_tsvector('portuguese'::regconfig, search_text) "
                   "|| ('~i' || instance_id::text)::tsvector) STORED")
        op.execute("CREATE INDEX ix_knowledge_item_fts ON knowledge_item "
                   "USING gin (search_words)")
    op.drop_table('knowledge_posting')

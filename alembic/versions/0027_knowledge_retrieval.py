"""knowledge retrieval, second pass: stemmed copy of every item, per-instance full-text
structures, and the synonyms a business teaches the assistant

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-02

- `knowledge_item.search_stems`: the stems of title | category+code | body, and
  `search_text` rewritten as folded "normal" words (services/knowledge_text.py); both are
  recomputed here for the existing rows with the application's own analysis.
- PostgreSQL: `knowledge_item.search_words`, a stored generated tsvector —
  to_tsvector('portuguese', search_text) plus the instance as one more word ('~i<id>') — with
  a GIN index, so a search reads only its instance's postings (the old expression index
  covered every business at once). Not in the SQLModel metadata (like
  conversation.search_words).
- SQLite: `knowledge_fts` rebuilt over the stems, with a `scope` column (tenant+instance
  token) that the search matches on, instead of filtering unindexed columns afterwards.
- `knowledge_synonym`: (tenant, phrase) → meaning.
- `knowledge_vocab`: one row per instance, its retrieval statistics (each stem with the
  number of items holding it, and the item count).
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0027'
down_revision: str | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENERATED = ("to_tsvector('portuguese'::regconfig, search_text) "
             "|| ('~i' || instance_id::text)::tsvector")


def _reanalyse(conn) -> None:
    # The application's analysis (kept stable: the search analyses questions the same way).
    from ylada_app.services import knowledge_text as kt

    rows = conn.execute(sa.text(
        "SELECT id, title, body, category, sku, extra FROM knowledge_item ORDER BY id")).all()
    updates = []
    for row_id, title, body, category, sku, extra in rows:
        if isinstance(extra, str):
            import json

            extra = json.loads(extra or "{}")
        body_all = " ".join([body or ""] + [str(v) for v in (extra or {}).values()])
        meta = " ".join([category or "", sku or ""])
        updates.append({"id": row_id,
                        "st": kt.normal_text(" ".join([title or "", meta, body_all])),
                        "ss": kt.document_stems(title or "", meta, body_all)})
    for start in range(0, len(updates), 1000):
        conn.execute(sa.text("UPDATE knowledge_item SET search_text = :st, search_stems = :ss "
                             "WHERE id = :id"), updates[start:start + 1000])
    pairs = conn.execute(sa.text(
        "SELECT DISTINCT tenant_id, instance_id FROM knowledge_item")).all()
    for tenant_id, instance_id in pairs:
        words, items = kt.vocabulary(r[0] for r in conn.execute(sa.text(
            "SELECT search_stems FROM knowledge_item WHERE instance_id = :i"),
            {"i": instance_id}))
        conn.execute(sa.text(
            "INSERT INTO knowledge_vocab (tenant_id, instance_id, words, items, updated_at) "
            "VALUES (:t, :i, :w, :n, CURRENT_TIMESTAMP)"),
            {"t": tenant_id, "i": instance_id, "w": words, "n": items})


def upgrade() -> None:
    op.create_table(
        'knowledge_synonym',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('phrase', sa.String(length=80), nullable=False),
        sa.Column('meaning', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('tenant_id', 'phrase', name='uq_knowledge_synonym'),
    )
    op.create_table(
        'knowledge_vocab',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('words', sa.Text(), nullable=False),
        sa.Column('items', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('instance_id', name='uq_knowledge_vocab_instance'),
    )
    with op.batch_alter_table('knowledge_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_stems', sa.Text(), nullable=False,
                                      server_default=''))
    conn = op.get_bind()
    _reanalyse(conn)
    if conn.dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_knowledge_item_fts")
        op.execute(f"ALTER TABLE knowledge_item ADD COLUMN search_words tsvector "
                   f"GENERATED ALWAYS AS ({GENERATED}) STORED")
        op.execute("CREATE INDEX ix_knowledge_item_fts ON knowledge_item USING gin (search_words)")
    else:
        op.execute("DROP TABLE IF EXISTS knowledge_fts")
        op.execute("CREATE VIRTUAL TABLE knowledge_fts USING fts5("
                   "words, scope, tokenize = 'unicode61 remove_diacritics 2')")
        op.execute("INSERT INTO knowledge_fts(rowid, words, scope) "
                   "SELECT id, search_stems, 't' || tenant_id || 'x' || instance_id "
                   "FROM knowledge_item")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_knowledge_item_fts")
        op.execute("ALTER TABLE knowledge_item DROP COLUMN IF EXISTS search_words")
        op.execute("CREATE INDEX ix_knowledge_item_fts ON knowledge_item "
                   "USING gin (to_tsvector('portuguese', search_text))")
    else:
        op.execute("DROP TABLE IF EXISTS knowledge_fts")
        op.execute("CREATE VIRTUAL TABLE knowledge_fts USING fts5("
                   "search_text, tenant_id UNINDEXED, instance_id UNINDEXED, "
                   "tokenize = 'unicode61 remove_diacritics 2')")
        op.execute("INSERT INTO knowledge_fts(rowid, search_text, tenant_id, instance_id) "
                   "SELECT id, search_text, tenant_id, instance_id FROM knowledge_item")
    with op.batch_alter_table('knowledge_item', schema=None) as batch_op:
        batch_op.drop_column('search_stems')
    op.drop_table('knowledge_vocab')
    op.drop_table('knowledge_synonym')

"""ai assistant: per-instance config, knowledge items (full-text), answer log

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-24

Full-text search differs per database: PostgreSQL gets a GIN index over
to_tsvector('portuguese', search_text); SQLite gets an FTS5 table `knowledge_fts` that the
service keeps in step with knowledge_item. Neither is in the SQLModel metadata (the
migration test leaves them out of the drift comparison).
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0004'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('ai_config',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('base_url', sa.String(length=300), nullable=True),
    sa.Column('model', sa.String(length=100), nullable=True),
    sa.Column('api_key_enc', sa.Text(), nullable=True),
    sa.Column('system_prompt', sa.Text(), nullable=False),
    sa.Column('temperature', sa.Float(), nullable=False),
    sa.Column('tone', sa.String(length=30), nullable=False),
    sa.Column('company', sa.String(length=120), nullable=False),
    sa.Column('hours', sa.String(length=300), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('policies', sa.Text(), nullable=False),
    sa.Column('fallback_enabled', sa.Boolean(), nullable=False),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('last_error_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('instance_id', name='uq_ai_config_instance')
    )
    with op.batch_alter_table('ai_config', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ai_config_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('knowledge_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('price', sa.String(length=40), nullable=True),
    sa.Column('sku', sa.String(length=80), nullable=True),
    sa.Column('category', sa.String(length=120), nullable=True),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('embedding', sa.JSON(), nullable=True),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('knowledge_item', schema=None) as batch_op:
        batch_op.create_index('ix_knowledge_tenant_instance', ['tenant_id', 'instance_id'],
                              unique=False)

    op.create_table('ai_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('item_ids', sa.JSON(), nullable=False),
    sa.Column('tokens', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ai_log', schema=None) as batch_op:
        batch_op.create_index('ix_ai_log_tenant_time', ['tenant_id', 'created_at'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE INDEX ix_knowledge_item_fts ON knowledge_item "
                   "USING gin (to_tsvector('portuguese', search_text))")
    else:
        op.execute("CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_fts USING fts5("
                   "search_text, tenant_id UNINDEXED, instance_id UNINDEXED, "
                   "tokenize = 'unicode61 remove_diacritics 2')")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_knowledge_item_fts")
    else:
        op.execute("DROP TABLE IF EXISTS knowledge_fts")
    with op.batch_alter_table('ai_log', schema=None) as batch_op:
        batch_op.drop_index('ix_ai_log_tenant_time')
    op.drop_table('ai_log')
    with op.batch_alter_table('knowledge_item', schema=None) as batch_op:
        batch_op.drop_index('ix_knowledge_tenant_instance')
    op.drop_table('knowledge_item')
    with op.batch_alter_table('ai_config', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ai_config_tenant_id'))
    op.drop_table('ai_config')

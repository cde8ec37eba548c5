"""inbox search and tabs at scale: the words of a conversation kept on the conversation
(PostgreSQL), replacing the per-message index; the tab index ordered like the list; a
conversation's messages by id (its timeline)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOLDED = ("translate(lower({}), 'áàâãäéèêëíìîïóòôõöúùûüçñ', 'aaaaaeeeeiiiiooooouuuucn')")


def upgrade() -> None:
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_inbox')
        batch_op.create_index('ix_conversation_inbox',
                              ['tenant_id', 'status', 'last_message_at', 'id'], unique=False)
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index('ix_message_conversation', ['conversation_id', 'id'], unique=False)
    if op.get_bind().dialect.name != "postgresql":
        return
    # A per-message index made every stored message pay for a GIN update, and a common word
    # (thousands of matches) cost a visit to each message. The distinct words of what the
    # customer and the team wrote, with the business as one more word ('~t<id>'), are kept
    # on the conversation instead (services/inbox_search.py keeps them current).
    op.execute(sa.text("DROP INDEX IF EXISTS ix_message_search"))
    op.execute(sa.text("ALTER TABLE conversation ADD COLUMN search_words tsvector"))
    op.execute(sa.text(
        "UPDATE conversation c SET search_words = ('~t' || c.tenant_id::text)::tsvector"
        " || strip(to_tsvector('simple'::regconfig, " + FOLDED.format("s.body") + "))"
        " FROM (SELECT conversation_id, string_agg(text, ' ') AS body FROM message"
        "       WHERE text IS NOT NULL AND (direction = 'in' OR author_user_id IS NOT NULL)"
        "       GROUP BY conversation_id) s"
        " WHERE s.conversation_id = c.id"))
    op.execute(sa.text("CREATE INDEX ix_conversation_search ON conversation"
                       " USING gin (search_words)"))


def downgrade() -> None:
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_inbox')
        batch_op.create_index('ix_conversation_inbox', ['tenant_id', 'status', 'last_message_at'],
                              unique=False)
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index('ix_message_conversation')
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(sa.text("DROP INDEX IF EXISTS ix_conversation_search"))
    op.execute(sa.text("ALTER TABLE conversation DROP COLUMN IF EXISTS search_words"))
    op.execute(sa.text("CREATE INDEX ix_message_search ON message USING gin "
                       "(to_tsvector('simple'::regconfig, "
                       + FOLDED.format("coalesce(text, '')") + "))"))

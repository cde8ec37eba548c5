"""AI: answers marked good/wrong, corrections, providers and token costs

ai_config: `provider` (openai | anthropic) and `handoff_text` (what the contact reads when
the assistant does not know). ai_log: which provider/model answered with its tokens split in
and out (costs on the usage page), and the learning columns (`unanswered`, `rating`,
`rated_at`, `fix_item_id`). The token price table lives in platform_setting (no schema).

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0037'
down_revision: str | None = '0036'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('ai_config') as batch:
        batch.add_column(sa.Column('provider', sa.String(length=20), nullable=False,
                                   server_default='openai'))
        batch.add_column(sa.Column('handoff_text', sa.Text(), nullable=False,
                                   server_default=''))
    with op.batch_alter_table('ai_log') as batch:
        batch.add_column(sa.Column('provider', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('model', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('prompt_tokens', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('completion_tokens', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('unanswered', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('rating', sa.String(length=10), nullable=True))
        batch.add_column(sa.Column('rated_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('fix_item_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('ai_log') as batch:
        for name in ('fix_item_id', 'rated_at', 'rating', 'unanswered', 'completion_tokens',
                     'prompt_tokens', 'model', 'provider'):
            batch.drop_column(name)
    with op.batch_alter_table('ai_config') as batch:
        batch.drop_column('handoff_text')
        batch.drop_column('provider')

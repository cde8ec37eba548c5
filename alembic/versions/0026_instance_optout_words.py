"""each number may choose its own opt-out / opt-in words and the replies confirming them
(NULL = the platform's defaults: PARAR, SAIR, STOP, CANCELAR / VOLTAR)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0026'
down_revision: str | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable, no default: every existing number keeps the platform's words and replies.
    with op.batch_alter_table('instance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('optout_words', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('optout_reply', sa.String(length=1024), nullable=True))
        batch_op.add_column(sa.Column('optin_words', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('optin_reply', sa.String(length=1024), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('instance', schema=None) as batch_op:
        batch_op.drop_column('optin_reply')
        batch_op.drop_column('optin_words')
        batch_op.drop_column('optout_reply')
        batch_op.drop_column('optout_words')

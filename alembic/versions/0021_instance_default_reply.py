"""each number has a default reply, sent when no flow or AI answers (new numbers get one)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing numbers keep their behaviour (no reply): only numbers created from now on
    # start with the default text.
    with op.batch_alter_table('instance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('default_reply', sa.String(length=1000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('instance', schema=None) as batch_op:
        batch_op.drop_column('default_reply')

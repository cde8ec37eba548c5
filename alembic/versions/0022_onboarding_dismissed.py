"""a business may skip the first-hour guide (existing businesses start with it skipped)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Businesses that existed before the guide never see it; new ones start with it on.
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('onboarding_dismissed', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.alter_column('onboarding_dismissed', server_default=sa.false())


def downgrade() -> None:
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.drop_column('onboarding_dismissed')

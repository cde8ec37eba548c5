"""quick replies: saved answers of a business for the inbox (/shortcut)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('quick_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('shortcut', sa.String(length=30), nullable=False),
    sa.Column('text', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'shortcut', name='uq_quick_reply')
    )
    with op.batch_alter_table('quick_reply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quick_reply_tenant_id'), ['tenant_id'], unique=False)


def downgrade() -> None:
    op.drop_table('quick_reply')

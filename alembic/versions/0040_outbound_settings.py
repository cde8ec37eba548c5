"""outbound: the business's marketing frequency cap, a broadcast's media header link

- tenant.marketing_per_week: at most N marketing templates per contact in any 7 days
  (default 2; services/outbound_settings.py).
- broadcast.header_link: the https link a template with an image / video / document
  header is sent with (services/message_templates.fill).

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0040'
down_revision: str | None = '0039'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('marketing_per_week', sa.Integer(), nullable=False,
                                      server_default='2'))
    with op.batch_alter_table('broadcast', schema=None) as batch_op:
        batch_op.add_column(sa.Column('header_link', sa.String(length=2000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('broadcast', schema=None) as batch_op:
        batch_op.drop_column('header_link')
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.drop_column('marketing_per_week')

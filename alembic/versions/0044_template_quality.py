"""message_template.quality: Meta's quality rating of an approved template

GREEN (high), YELLOW (medium), RED (low), UNKNOWN (not rated yet); "" until Meta says.
Kept from `message_template_quality_update` webhooks and the template list a sync reads
(services/message_templates.py); the templates page shows it.

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0044'
down_revision: str | None = '0043'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('message_template', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quality', sa.String(length=12), nullable=False,
                                      server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('message_template', schema=None) as batch_op:
        batch_op.drop_column('quality')

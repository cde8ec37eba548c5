"""contact.wa_id holds a business-scoped user id (BSUID) too: 32 → 160 characters

Meta identifies a customer who uses a username instead of a phone number by a BSUID
("US." + up to 128 characters); 32 characters cut two such customers down to one id and
merged them into one contact.

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0041'
down_revision: str | None = '0040'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.alter_column('wa_id', existing_type=sa.String(length=32),
                              type_=sa.String(length=160), existing_nullable=False)


def downgrade() -> None:
    # (an id longer than 32 characters is cut: the old column cannot hold it)
    op.execute("UPDATE contact SET wa_id = substr(wa_id, 1, 32) WHERE length(wa_id) > 32")
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.alter_column('wa_id', existing_type=sa.String(length=160),
                              type_=sa.String(length=32), existing_nullable=False)

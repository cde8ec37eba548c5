"""message.wamid: unique per number, not platform-wide

Meta's message id was unique across the whole platform: a message id one business's webhook
stored first made another business's message with the same id be dropped as a "duplicate".
Meta's ids are unique per number, so the key becomes (instance_id, wamid). Its index also
serves what `ix_message_instance_id` did (every lookup by number, ON DELETE CASCADE), so that
index goes: one index fewer written for every message.

Revision ID: 0046
Revises: 0045
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0046'
down_revision: str | None = '0045'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# How the old, unnamed constraint is known: PostgreSQL names it itself; SQLite keeps no name,
# so the batch copy gives it one by this convention to be able to drop it.
_SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _old_name() -> str:
    if op.get_bind().dialect.name == "postgresql":
        return "message_wamid_key"
    return "uq_message_wamid"


def upgrade() -> None:
    with op.batch_alter_table('message', naming_convention=_SQLITE_NAMES) as batch_op:
        batch_op.drop_constraint(_old_name(), type_='unique')
        batch_op.create_unique_constraint('uq_message_instance_wamid', ['instance_id', 'wamid'])
        batch_op.drop_index('ix_message_instance_id')


def downgrade() -> None:
    with op.batch_alter_table('message', naming_convention=_SQLITE_NAMES) as batch_op:
        batch_op.create_index('ix_message_instance_id', ['instance_id'], unique=False)
        batch_op.drop_constraint('uq_message_instance_wamid', type_='unique')
        batch_op.create_unique_constraint(_old_name(), ['wamid'])

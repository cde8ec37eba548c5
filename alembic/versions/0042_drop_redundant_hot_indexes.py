"""Drop three indexes that longer ones already cover, on the tables every message writes

`message.tenant_id` is the start of ix_message_tenant_time, `conversation.tenant_id` the
start of ix_conversation_inbox, `contact.instance_id` the start of uq_contact_instance_wa:
every query (and every ON DELETE CASCADE lookup) they served uses the longer index as well,
while each insert and each status change of a message (and each batch's conversation
update) had to write them too.

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0042'
down_revision: str | None = '0041'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DROPPED = (("message", "ix_message_tenant_id", "tenant_id"),
            ("conversation", "ix_conversation_tenant_id", "tenant_id"),
            ("contact", "ix_contact_instance_id", "instance_id"))


def upgrade() -> None:
    for table, name, _column in _DROPPED:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for table, name, column in _DROPPED:
        op.create_index(name, table, [column], unique=False)

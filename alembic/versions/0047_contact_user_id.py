"""contact.user_id: the person's business-scoped user id (BSUID), unique per number

Meta puts the BSUID on every inbound message and the phone number only while it is
shareable. Keyed by wa_id alone, a customer who wrote with both and later with the BSUID
alone became a second contact (a new conversation: history, opt-out and the flow's place
left behind on the first). The contact keeps the BSUID; a message is matched by phone or by
BSUID. Contacts known only by a BSUID (wa_id "BR.…", migration 0041) get it copied, so that
their phone, once Meta shares it, finds them too.

Revision ID: 0047
Revises: 0046
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0047'
down_revision: str | None = '0046'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Partial: most contacts have no BSUID yet (NULLs never clash either way; the index stays small).
_HAS_USER_ID = sa.text("user_id IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.String(length=160), nullable=True))
    # A BSUID is two letters and a dot ("BR.1349…", "US.ENT.…"); a phone has no letters.
    # (wa_id is unique per number, so the copies cannot clash.)
    op.execute("UPDATE contact SET user_id = wa_id WHERE wa_id LIKE '__.%'"
               " AND upper(substr(wa_id, 1, 2)) <> lower(substr(wa_id, 1, 2))"
               " AND upper(substr(wa_id, 2, 1)) <> lower(substr(wa_id, 2, 1))")
    op.create_index('uq_contact_instance_user', 'contact', ['instance_id', 'user_id'],
                    unique=True, postgresql_where=_HAS_USER_ID, sqlite_where=_HAS_USER_ID)


def downgrade() -> None:
    op.drop_index('uq_contact_instance_user', table_name='contact')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_column('user_id')

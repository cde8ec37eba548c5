"""membership.via_agency: the membership was given by the client's agency

An agency's owners and admins are copied into each of its client businesses
(services/agency._sync_managers). Marking those rows lets the agency take them back when
someone leaves the agency or stops being one of its managers, without touching the people the
client invited itself. Rows from before are left unmarked (kept, as they were).

Revision ID: 0045
Revises: 0044
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0045'
down_revision: str | None = '0044'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('via_agency', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_column('via_agency')

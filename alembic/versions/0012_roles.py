"""roles: owner, admin, agent (the former "member" could do what an admin does)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ('membership', 'invitation'):
        op.execute(sa.text(f"UPDATE {table} SET role = 'admin' WHERE role = 'member'"))


def downgrade() -> None:
    for table in ('membership', 'invitation'):
        op.execute(sa.text(f"UPDATE {table} SET role = 'member' "
                           "WHERE role IN ('admin', 'agent')"))

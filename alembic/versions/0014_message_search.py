"""full-text index on message text for the inbox search (PostgreSQL; SQLite scans)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Lower-cased and accent-folded, so "nao" finds "não"; the same expression is in the query
# (services/agent_inbox.py, with core/db.py's FOLD_FROM/FOLD_TO), or the index is not used.
FOLDED = ("translate(lower(coalesce(text, '')), "
          "'áàâãäéèêëíìîïóòôõöúùûüçñ', 'aaaaaeeeeiiiiooooouuuucn')")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(sa.text(f"CREATE INDEX ix_message_search ON message USING gin "
                       f"(to_tsvector('simple'::regconfig, {FOLDED}))"))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(sa.text("DROP INDEX IF EXISTS ix_message_search"))

"""white label: the business's own e-mail sender and brand in e-mails (filled by that work)

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-02
"""

from collections.abc import Sequence

revision: str = '0038'
down_revision: str | None = '0037'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

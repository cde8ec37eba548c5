"""AI: answers marked good/wrong, corrections, providers and token costs (filled by that work)

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-02
"""

from collections.abc import Sequence

revision: str = '0037'
down_revision: str | None = '0036'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

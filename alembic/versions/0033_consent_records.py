"""LGPD: consent records per contact and purpose (append-only proof)

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0033'
down_revision: str | None = '0032'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'consent_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=True),
        sa.Column('instance_id', sa.Integer(), nullable=True),
        sa.Column('purpose', sa.String(length=20), nullable=False),
        sa.Column('granted', sa.Boolean(), nullable=False),
        sa.Column('legal_basis', sa.String(length=30), nullable=False),
        sa.Column('source', sa.String(length=40), nullable=False),
        sa.Column('text_shown', sa.String(length=1000), nullable=False),
        sa.Column('evidence', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_consent_record_contact', 'consent_record',
                    ['tenant_id', 'contact_id', 'created_at'])
    op.create_index('ix_consent_record_created_at', 'consent_record', ['created_at'])


def downgrade() -> None:
    op.drop_index('ix_consent_record_created_at', table_name='consent_record')
    op.drop_index('ix_consent_record_contact', table_name='consent_record')
    op.drop_table('consent_record')

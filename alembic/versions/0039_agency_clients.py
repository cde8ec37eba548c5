"""white label, agency mode: client businesses managed (and billed) under an agency

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0039'
down_revision: str | None = '0038'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agency_tenant_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('agency_signup', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_index('ix_tenant_agency_tenant_id', ['agency_tenant_id'])
        batch_op.create_foreign_key('fk_tenant_agency', 'tenant', ['agency_tenant_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.drop_constraint('fk_tenant_agency', type_='foreignkey')
        batch_op.drop_index('ix_tenant_agency_tenant_id')
        batch_op.drop_column('agency_signup')
        batch_op.drop_column('agency_tenant_id')

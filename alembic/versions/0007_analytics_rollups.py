"""analytics rollups, reach, cursor, platform daily, exports

Revision ID: 0007
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0007'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

def upgrade() -> None:

    op.create_table('analytics_cursor',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('last_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('platform_daily',
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('messages_in', sa.Integer(), nullable=False),
    sa.Column('messages_out', sa.Integer(), nullable=False),
    sa.Column('mrr_cents', sa.Integer(), nullable=True),
    sa.Column('tenants_total', sa.Integer(), nullable=True),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('snapshot_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('day')
    )
    op.create_table('analytics_export',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('fmt', sa.String(length=5), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('done_rows', sa.Integer(), nullable=False),
    sa.Column('total_rows', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=120), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('error', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('analytics_export', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_export_tenant', ['tenant_id', 'created_at'], unique=False)

    op.create_table('analytics_reach',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('flow_id', sa.String(length=40), nullable=False),
    sa.Column('node_id', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('conversation_id', 'flow_id', 'node_id', name='uq_analytics_reach')
    )
    with op.batch_alter_table('analytics_reach', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_analytics_reach_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('analytics_rollup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('hour', sa.DateTime(), nullable=False),
    sa.Column('metric', sa.String(length=40), nullable=False),
    sa.Column('flow_id', sa.String(length=40), nullable=False),
    sa.Column('node_id', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('analytics_rollup', schema=None) as batch_op:
        batch_op.create_index('uq_analytics_rollup_key', ['tenant_id', 'metric', 'hour', 'instance_id', 'flow_id', 'node_id'], unique=True, postgresql_include=['value'])

def downgrade() -> None:

    with op.batch_alter_table('analytics_rollup', schema=None) as batch_op:
        batch_op.drop_index('uq_analytics_rollup_key')
    op.drop_table('analytics_rollup')
    with op.batch_alter_table('analytics_reach', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_analytics_reach_tenant_id'))

    op.drop_table('analytics_reach')
    with op.batch_alter_table('analytics_export', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_export_tenant')

    op.drop_table('analytics_export')
    op.drop_table('platform_daily')
    op.drop_table('analytics_cursor')


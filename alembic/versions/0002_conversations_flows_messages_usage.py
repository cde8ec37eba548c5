"""conversations flows messages usage

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('webhook_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('webhook_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_log_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_webhook_log_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_webhook_log_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('analytics_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=True),
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('flow_id', sa.String(length=40), nullable=True),
    sa.Column('node_id', sa.String(length=80), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('analytics_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_analytics_event_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index('ix_analytics_tenant_time', ['tenant_id', 'created_at'], unique=False)

    op.create_table('usage_counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('messages_in', sa.Integer(), nullable=False),
    sa.Column('messages_out', sa.Integer(), nullable=False),
    sa.Column('ai_tokens', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'month', name='uq_usage_tenant_month')
    )
    with op.batch_alter_table('usage_counter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_usage_counter_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('wa_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('opted_out', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('instance_id', 'wa_id', name='uq_contact_instance_wa')
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('flow',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('draft', sa.JSON(), nullable=False),
    sa.Column('active_version_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('flow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flow_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flow_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('conversation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('session', sa.JSON(), nullable=False),
    sa.Column('last_inbound_at', sa.DateTime(), nullable=True),
    sa.Column('last_outbound_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('contact_id')
    )
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversation_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conversation_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('flow_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('flow_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['flow_id'], ['flow.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('flow_id', 'version', name='uq_flow_version')
    )
    with op.batch_alter_table('flow_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flow_version_flow_id'), ['flow_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flow_version_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('text', sa.String(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('wamid', sa.String(length=160), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('error', sa.String(length=300), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('wa_timestamp', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversation.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('wamid')
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index('ix_message_conv_dir_status', ['conversation_id', 'direction', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('timer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('wake_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversation.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('timer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_timer_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_timer_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_timer_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_timer_wake_at'), ['wake_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('timer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_timer_wake_at'))
        batch_op.drop_index(batch_op.f('ix_timer_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_timer_status'))
        batch_op.drop_index(batch_op.f('ix_timer_conversation_id'))

    op.drop_table('timer')
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_message_instance_id'))
        batch_op.drop_index('ix_message_conv_dir_status')

    op.drop_table('message')
    with op.batch_alter_table('flow_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flow_version_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_flow_version_flow_id'))

    op.drop_table('flow_version')
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversation_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_conversation_instance_id'))

    op.drop_table('conversation')
    with op.batch_alter_table('flow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flow_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_flow_instance_id'))

    op.drop_table('flow')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_contact_instance_id'))

    op.drop_table('contact')
    with op.batch_alter_table('usage_counter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_usage_counter_tenant_id'))

    op.drop_table('usage_counter')
    with op.batch_alter_table('analytics_event', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_tenant_time')
        batch_op.drop_index(batch_op.f('ix_analytics_event_instance_id'))

    op.drop_table('analytics_event')
    with op.batch_alter_table('webhook_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_log_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_webhook_log_instance_id'))
        batch_op.drop_index(batch_op.f('ix_webhook_log_created_at'))

    op.drop_table('webhook_log')

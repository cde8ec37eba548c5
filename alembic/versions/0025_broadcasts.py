"""broadcasts: a template sent to an audience (recipients unique per broadcast), each
contact's consent to marketing (when and where it was given), and platform settings (the
template price table the admin edits)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opted_in_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('opt_in_source', sa.String(length=40), nullable=False,
                                      server_default=''))
    op.create_table(
        'broadcast',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('template_name', sa.String(length=512), nullable=False),
        sa.Column('language', sa.String(length=10), nullable=False),
        sa.Column('category', sa.String(length=20), nullable=False),
        sa.Column('variables', sa.JSON(), nullable=False),
        sa.Column('audience', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('send_at', sa.DateTime(), nullable=False),
        sa.Column('planned', sa.Integer(), nullable=False),
        sa.Column('queued', sa.Integer(), nullable=False),
        sa.Column('skipped', sa.Integer(), nullable=False),
        sa.Column('stop_reason', sa.String(length=40), nullable=False),
        sa.Column('cursor_contact_id', sa.Integer(), nullable=False),
        sa.Column('price_cents', sa.Float(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_broadcast_tenant_id', 'broadcast', ['tenant_id'])
    op.create_index('ix_broadcast_instance_id', 'broadcast', ['instance_id'])
    op.create_index('ix_broadcast_status', 'broadcast', ['status'])
    op.create_index('ix_broadcast_tenant_created', 'broadcast', ['tenant_id', 'created_at'])
    op.create_table(
        'broadcast_recipient',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('broadcast_id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.Column('skipped_reason', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['broadcast_id'], ['broadcast.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['message_id'], ['message.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('broadcast_id', 'contact_id', name='uq_broadcast_recipient'),
    )
    op.create_index('ix_broadcast_recipient_broadcast_id', 'broadcast_recipient',
                    ['broadcast_id'])
    op.create_index('ix_broadcast_recipient_message_id', 'broadcast_recipient', ['message_id'])
    op.create_index('ix_broadcast_recipient_contact', 'broadcast_recipient',
                    ['contact_id', 'created_at'])


    op.create_table(
        'platform_setting',
        sa.Column('key', sa.String(length=60), nullable=False),
        sa.Column('value', sa.JSON(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )


def downgrade() -> None:
    op.drop_table('platform_setting')
    op.drop_table('broadcast_recipient')
    op.drop_table('broadcast')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_column('opt_in_source')
        batch_op.drop_column('opted_in_at')

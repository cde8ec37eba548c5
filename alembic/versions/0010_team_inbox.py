"""team inbox: who handles a conversation, what happened last, notes and system lines

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('conversation_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.String(), nullable=False),
    sa.Column('author_user_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversation.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('conversation_log', schema=None) as batch_op:
        batch_op.create_index('ix_conversation_log_conv', ['conversation_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conversation_log_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('snoozed_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('human_since', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('waiting_since', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('unread', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('last_message_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_message_preview', sa.String(length=160),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('last_message_from', sa.String(length=10),
                                      nullable=False, server_default=''))
        batch_op.create_foreign_key('fk_conversation_assignee', 'user_account',
                                    ['assignee_user_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_conversation_assignee_user_id'),
                              ['assignee_user_id'], unique=False)
        batch_op.create_index('ix_conversation_inbox', ['tenant_id', 'status', 'last_message_at'],
                              unique=False)
    # Conversations that already exist: their latest activity is their last message.
    op.execute(sa.text(
        "UPDATE conversation SET last_message_at = COALESCE(last_inbound_at, last_outbound_at, "
        "updated_at)"))
    op.execute(sa.text(
        "UPDATE conversation SET waiting_since = last_inbound_at, human_since = updated_at "
        "WHERE status = 'human'"))

    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_user_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('author_user_id')
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_inbox')
        batch_op.drop_index(batch_op.f('ix_conversation_assignee_user_id'))
        batch_op.drop_constraint('fk_conversation_assignee', type_='foreignkey')
        for column in ('last_message_from', 'last_message_preview', 'last_message_at', 'unread',
                       'waiting_since', 'human_since', 'snoozed_until', 'assignee_user_id'):
            batch_op.drop_column(column)
    op.drop_table('conversation_log')

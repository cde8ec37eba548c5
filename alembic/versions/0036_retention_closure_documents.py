"""LGPD retention policy, account closure and legal documents

Per business: retention days for messages and AI logs, the closure dates and the DPA
acceptance; `retention_run` (what each nightly run deleted); `legal_document` (versioned
privacy notice and DPA); an index on message (tenant_id, created_at) so each retention batch
is one index range (built CONCURRENTLY on PostgreSQL: `message` is the hottest table).

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0036'
down_revision: str | None = '0035'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TENANT_COLUMNS = ('retention_messages_days', 'retention_ai_days', 'retention_queued_on',
                   'closed_at', 'closed_by_user_id', 'erase_after', 'dpa_version',
                   'dpa_accepted_at', 'dpa_accepted_by_user_id')


def upgrade() -> None:
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_messages_days', sa.Integer(), nullable=False,
                                      server_default='365'))
        batch_op.add_column(sa.Column('retention_ai_days', sa.Integer(), nullable=False,
                                      server_default='180'))
        batch_op.add_column(sa.Column('retention_queued_on', sa.String(length=10),
                                      nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('closed_by_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('erase_after', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('dpa_version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('dpa_accepted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('dpa_accepted_by_user_id', sa.Integer(), nullable=True))
    # The defaults were for the rows that existed; new rows get theirs from the model.
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.alter_column('retention_messages_days', server_default=None)
        batch_op.alter_column('retention_ai_days', server_default=None)

    op.create_table(
        'retention_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('messages_deleted', sa.Integer(), nullable=False),
        sa.Column('ai_logs_deleted', sa.Integer(), nullable=False),
        sa.Column('batches', sa.Integer(), nullable=False),
        sa.Column('batch_max', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_retention_run_tenant', 'retention_run', ['tenant_id', 'id'])
    op.create_table(
        'legal_document',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_by_user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kind', 'version', name='uq_legal_document_version'),
    )
    if op.get_bind().dialect.name == 'postgresql':
        # No write lock on `message` while the index builds (it may hold millions of rows).
        with op.get_context().autocommit_block():
            op.create_index('ix_message_tenant_time', 'message', ['tenant_id', 'created_at'],
                            postgresql_concurrently=True, if_not_exists=True)
    else:
        op.create_index('ix_message_tenant_time', 'message', ['tenant_id', 'created_at'])


def downgrade() -> None:
    op.drop_index('ix_message_tenant_time', table_name='message')
    op.drop_table('legal_document')
    op.drop_index('ix_retention_run_tenant', table_name='retention_run')
    op.drop_table('retention_run')
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        for name in reversed(_TENANT_COLUMNS):
            batch_op.drop_column(name)

"""white label: the business's own e-mail sender and brand in e-mails

Brand gains its own SMTP sender (password encrypted at rest); an e-mail remembers whose
brand it carries, its sender name, Reply-To and which SMTP sent it.

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0038'
down_revision: str | None = '0037'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BRAND_COLUMNS = ('smtp_enabled', 'smtp_host', 'smtp_port', 'smtp_security', 'smtp_username',
                  'smtp_password_enc', 'smtp_from_email', 'smtp_last_error', 'smtp_failed_at')


def upgrade() -> None:
    with op.batch_alter_table('brand', schema=None) as batch_op:
        batch_op.add_column(sa.Column('smtp_enabled', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('smtp_host', sa.String(length=253), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('smtp_port', sa.Integer(), nullable=False,
                                      server_default='587'))
        batch_op.add_column(sa.Column('smtp_security', sa.String(length=10), nullable=False,
                                      server_default='starttls'))
        batch_op.add_column(sa.Column('smtp_username', sa.String(length=254), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('smtp_password_enc', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('smtp_from_email', sa.String(length=254),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('smtp_last_error', sa.String(length=300),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('smtp_failed_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('email_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('brand_tenant_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('from_name', sa.String(length=80), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('reply_to', sa.String(length=254), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('sent_via', sa.String(length=10), nullable=False,
                                      server_default=''))
        batch_op.create_index('ix_email_message_brand_tenant_id', ['brand_tenant_id'])


def downgrade() -> None:
    with op.batch_alter_table('email_message', schema=None) as batch_op:
        batch_op.drop_index('ix_email_message_brand_tenant_id')
        for name in ('sent_via', 'reply_to', 'from_name', 'brand_tenant_id'):
            batch_op.drop_column(name)
    with op.batch_alter_table('brand', schema=None) as batch_op:
        for name in reversed(_BRAND_COLUMNS):
            batch_op.drop_column(name)

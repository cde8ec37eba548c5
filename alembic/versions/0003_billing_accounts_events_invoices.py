"""billing: accounts, provider events, invoices; subscription provider fields

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('billing_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('customer_id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('tax_id', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id'),
    sa.UniqueConstraint('provider', 'customer_id', name='uq_billing_customer'),
    )
    op.create_table('billing_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('event_id', sa.String(length=100), nullable=False),
    sa.Column('type', sa.String(length=80), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=True),
    sa.Column('event_created', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('provider', 'event_id', name='uq_billing_event'),
    )
    with op.batch_alter_table('billing_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billing_event_tenant_id'), ['tenant_id'], unique=False)
    op.create_table('invoice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('provider_invoice_id', sa.String(length=100), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('hosted_url', sa.String(length=500), nullable=True),
    sa.Column('pdf_url', sa.String(length=500), nullable=True),
    sa.Column('period_start', sa.DateTime(), nullable=True),
    sa.Column('period_end', sa.DateTime(), nullable=True),
    sa.Column('provider_event_at', sa.Integer(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('provider', 'provider_invoice_id', name='uq_invoice_provider_id'),
    )
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_tenant_id'), ['tenant_id'], unique=False)
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description', sa.String(length=300), nullable=True))
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provider_item_id', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('provider_event_at', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('canceled_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('usage_counter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('messages_blocked', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('usage_counter', schema=None) as batch_op:
        batch_op.drop_column('messages_blocked')
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.drop_column('canceled_at')
        batch_op.drop_column('provider_event_at')
        batch_op.drop_column('provider_item_id')
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_column('description')
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_tenant_id'))
    op.drop_table('invoice')
    with op.batch_alter_table('billing_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billing_event_tenant_id'))
    op.drop_table('billing_event')
    op.drop_table('billing_account')

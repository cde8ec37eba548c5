"""payment gateways side by side: a tenant may be a customer of Stripe and of Asaas, so the
billing account is unique per (tenant, provider) instead of per tenant

Revision ID: 0030
Revises: 0027
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0030'
down_revision: str | None = '0027'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The old unique constraint on tenant_id was created without a name; this convention names
# it on SQLite (batch mode reflects it) the way PostgreSQL already does.
NAMING = {"uq": "%(table_name)s_%(column_0_name)s_key"}


def upgrade() -> None:
    with op.batch_alter_table('billing_account', schema=None,
                              naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint('billing_account_tenant_id_key', type_='unique')
        batch_op.create_unique_constraint('uq_billing_account_tenant', ['tenant_id', 'provider'])


def downgrade() -> None:
    # Keeps one account per tenant (the oldest) so the old constraint can come back.
    op.execute("DELETE FROM billing_account WHERE id NOT IN "
               "(SELECT MIN(id) FROM billing_account GROUP BY tenant_id)")
    with op.batch_alter_table('billing_account', schema=None,
                              naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint('uq_billing_account_tenant', type_='unique')
        batch_op.create_unique_constraint('billing_account_tenant_id_key', ['tenant_id'])

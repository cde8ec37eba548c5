"""white label: a brand per business (name, logo, colour, addresses) and the plan flag

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0032'
down_revision: str | None = '0031'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('white_label', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # The Business plan includes white label by default (the admin may change it later).
    op.execute("UPDATE plan SET white_label = TRUE WHERE code = 'business'")
    op.create_table(
        'brand',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('display_name', sa.String(length=60), nullable=False),
        sa.Column('primary_color', sa.String(length=7), nullable=False),
        sa.Column('login_headline', sa.String(length=120), nullable=False),
        sa.Column('support_email', sa.String(length=254), nullable=False),
        sa.Column('support_whatsapp', sa.String(length=20), nullable=False),
        sa.Column('hide_platform_name', sa.Boolean(), nullable=False),
        sa.Column('logo_png', sa.LargeBinary(), nullable=True),
        sa.Column('favicon_png', sa.LargeBinary(), nullable=True),
        sa.Column('image_version', sa.Integer(), nullable=False),
        sa.Column('subdomain', sa.String(length=40), nullable=True),
        sa.Column('custom_domain', sa.String(length=253), nullable=True),
        sa.Column('domain_status', sa.String(length=10), nullable=False),
        sa.Column('domain_token', sa.String(length=64), nullable=False),
        sa.Column('domain_checked_at', sa.DateTime(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_brand_tenant_id', 'brand', ['tenant_id'], unique=True)
    op.create_index('ix_brand_subdomain', 'brand', ['subdomain'], unique=True)
    op.create_index('ix_brand_custom_domain', 'brand', ['custom_domain'])


def downgrade() -> None:
    op.drop_index('ix_brand_custom_domain', table_name='brand')
    op.drop_index('ix_brand_subdomain', table_name='brand')
    op.drop_index('ix_brand_tenant_id', table_name='brand')
    op.drop_table('brand')
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_column('white_label')

"""One business's check-then-write steps that must not interleave.

Counting under a cap and then creating (API keys, webhook endpoints, plan slots), or
checking for an open checkout / an install and then making one: two requests at once (two
tabs, a double click, a retried call) both pass the check before either writes. Holding the
business's row for the rest of the transaction makes the second wait and see the first's
result.

PostgreSQL: `FOR NO KEY UPDATE`, which every row inserted with a foreign key to the tenant
(messages, contacts… taking `FOR KEY SHARE`) does not wait for. SQLite has no row locks: a
no-op UPDATE takes the database's write lock at once (otherwise the driver starts the
transaction only at the first write, after both checks).
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, select

from ylada_app.models import Tenant


def lock_tenant(session: Session, tenant_id: int) -> None:
    if session.get_bind().dialect.name == "sqlite":
        session.exec(update(Tenant).where(Tenant.id == tenant_id).values(id=Tenant.id))
        return
    session.exec(select(Tenant.id).where(Tenant.id == tenant_id)
                 .with_for_update(key_share=True)).first()

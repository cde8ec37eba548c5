"""Small builders for test data (each call makes unique users and tenants)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import Session

from ylada_app.services import auth, instances
from ylada_app.services.context import AuthContext

PASSWORD = "Senha-forte-123"


@dataclass
class Owner:
    user_id: int
    tenant_id: int
    email: str
    token: str

    def ctx(self, db: Session) -> AuthContext:
        ctx = auth.resolve_session(db, self.token)
        assert ctx is not None
        return ctx


def make_owner(db: Session, *, tenant_name: str = "Loja Teste", niche: str = "ecommerce",
               verified: bool = True) -> Owner:
    email = f"dono-{uuid.uuid4().hex[:10]}@exemplo.com.br"
    user, tenant = auth.signup(
        db, name="Dona Teste", email=email, password=PASSWORD, tenant_name=tenant_name,
        niche=niche, email_verified=verified,
    )
    token = auth.open_session(db, user)
    db.commit()
    return Owner(user.id, tenant.id, email, token)


def end_trial_soon(db: Session, tenant_id: int) -> None:
    """The business's free trial ends within the day: subscribing now is charged now (a
    longer trial is kept by a card checkout, services/billing.trial_kept_until)."""
    from datetime import timedelta

    from sqlmodel import select

    from ylada_app.models import Subscription, utcnow

    sub = db.exec(select(Subscription).where(Subscription.tenant_id == tenant_id)).one()
    sub.trial_ends_at = utcnow() + timedelta(hours=20)
    db.add(sub)
    db.commit()


def make_business_owner(db: Session, *, tenant_name: str = "Agência") -> Owner:
    """An owner whose business is on the "business" plan (white label, agency mode)."""
    from sqlmodel import select

    from ylada_app.models import Plan, Subscription
    from ylada_app.services.entitlements import forget_limits

    owner = make_owner(db, tenant_name=tenant_name)
    plan = db.exec(select(Plan).where(Plan.code == "business")).one()
    db.add(Subscription(tenant_id=owner.tenant_id, plan_id=plan.id, status="active"))
    db.commit()
    forget_limits()
    return owner


def make_admin(db: Session) -> AuthContext:
    email = f"admin-{uuid.uuid4().hex[:10]}@exemplo.com.br"
    user = auth.create_user(db, email=email, name="Admin", password=PASSWORD,
                            is_platform_admin=True)
    token = auth.open_session(db, user)
    db.commit()
    ctx = auth.resolve_session(db, token)
    assert ctx is not None
    return ctx


def make_instance(db: Session, tenant_id: int, *, channel: str = "simulator", name: str = "Loja"):
    inst = instances.create_instance(db, tenant_id=tenant_id, name=name, channel=channel)
    db.commit()
    return inst

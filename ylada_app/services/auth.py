"""Sign up, log in (rate-limited), sessions, tenant switching, log out."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select

from ylada_app.core.security import hash_password, hash_token, new_token, verify_password
from ylada_app.core.settings import get_settings
from ylada_app.models import AuthSession, Instance, LoginAttempt, Membership, Tenant, User, utcnow
from ylada_app.services.context import AuthContext, TenantRef
from ylada_app.services.errors import FieldErrors, Forbidden, RateLimited
from ylada_app.services.tenants import (
    accept_pending_invitations,
    create_tenant_row,
    membership_of,
    validate_tenant_fields,
)
from ylada_app.services.validation import Validator


def signup(
    session: Session,
    *,
    name: str | None,
    email: str | None,
    password: str | None,
    tenant_name: str | None,
    niche: str | None = "outro",
) -> tuple[User, Tenant]:
    """Create a user and a first tenant (as owner). All-or-nothing."""
    v = Validator()
    clean_name = v.name("name", name, max_len=80, min_len=2)
    clean_email = v.email("email", email)
    clean_pw = v.password("password", password)
    clean_tenant, clean_niche = validate_tenant_fields(v, name=tenant_name, niche=niche)
    if "email" not in v.errors and _user_by_email(session, clean_email) is not None:
        v.fail("email", "error.email_taken")
    v.raise_if_any()
    user = User(email=clean_email, name=clean_name, password_hash=hash_password(clean_pw))
    session.add(user)
    session.flush()
    tenant = create_tenant_row(session, owner=user, name=clean_tenant, niche=clean_niche)
    accept_pending_invitations(session, user)
    return user, tenant


def create_user(
    session: Session, *, email: str, name: str, password: str, is_platform_admin: bool = False
) -> User:
    """Operator path (seed, CLI): same validation as sign-up, no tenant."""
    v = Validator()
    clean_email = v.email("email", email)
    clean_name = v.name("name", name, max_len=80)
    clean_pw = v.password("password", password)
    if "email" not in v.errors and _user_by_email(session, clean_email) is not None:
        v.fail("email", "error.email_taken")
    v.raise_if_any()
    user = User(
        email=clean_email,
        name=clean_name,
        password_hash=hash_password(clean_pw),
        is_platform_admin=is_platform_admin,
    )
    session.add(user)
    session.flush()
    return user


def _user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def _recent_failures(session: Session, *, email: str, client_ip: str) -> tuple[int, int]:
    settings = get_settings()
    since = utcnow() - timedelta(minutes=settings.login_window_minutes)
    by_email = session.exec(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.email == email, LoginAttempt.created_at >= since
        )
    ).one()
    by_ip = 0
    if client_ip:
        by_ip = session.exec(
            select(func.count(LoginAttempt.id)).where(
                LoginAttempt.client_ip == client_ip, LoginAttempt.created_at >= since
            )
        ).one()
    return by_email, by_ip


def login(
    session: Session, *, email: str | None, password: str | None, client_ip: str = ""
) -> str:
    """Check credentials and open a session. Returns the raw session token (stored hashed).

    A failed attempt is committed before the error is raised: the rate limit must count it
    even though the caller's transaction ends in an exception.
    """
    settings = get_settings()
    clean_email = (email or "").strip().lower()[:254]
    by_email, by_ip = _recent_failures(session, email=clean_email, client_ip=client_ip)
    if by_email >= settings.login_max_failures or by_ip >= settings.login_max_failures * 4:
        raise RateLimited(
            "error.login_rate_limited", field="_", minutes=settings.login_window_minutes
        )
    user = _user_by_email(session, clean_email) if clean_email else None
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or user is None:
        session.add(LoginAttempt(email=clean_email, client_ip=client_ip[:64]))
        session.commit()
        raise FieldErrors({"password": "error.login_invalid"})
    session.exec(delete(LoginAttempt).where(LoginAttempt.email == clean_email))
    accept_pending_invitations(session, user)
    return open_session(session, user)


def open_session(session: Session, user: User) -> str:
    first = session.exec(
        select(Membership.tenant_id)
        .where(Membership.user_id == user.id)
        .order_by(Membership.created_at, Membership.id)
    ).first()
    token = new_token()
    session.add(
        AuthSession(
            token_hash=hash_token(token),
            user_id=user.id,
            current_tenant_id=first,
            expires_at=utcnow() + timedelta(days=get_settings().session_days),
        )
    )
    session.flush()
    return token


def _session_row(session: Session, token: str | None) -> AuthSession | None:
    if not token or len(token) > 200:
        return None
    row = session.exec(
        select(AuthSession).where(AuthSession.token_hash == hash_token(token))
    ).first()
    if row is None or row.expires_at <= utcnow():
        return None
    return row


def resolve_session(session: Session, token: str | None) -> AuthContext | None:
    """The context for a browser session token, or None when absent/expired."""
    row = _session_row(session, token)
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None:
        return None
    memberships = session.exec(
        select(Membership, Tenant)
        .join(Tenant, Tenant.id == Membership.tenant_id)
        .where(Membership.user_id == user.id)
        .order_by(Tenant.name, Tenant.id)
    ).all()
    tenants = tuple(TenantRef(t.id, t.name, m.role) for m, t in memberships)
    current = next(((m, t) for m, t in memberships if t.id == row.current_tenant_id), None)
    if current is None and memberships:
        current = memberships[0]
    instance_id = row.current_instance_id
    if current is not None and instance_id is not None:
        owned = session.exec(
            select(Instance.id).where(
                Instance.id == instance_id, Instance.tenant_id == current[1].id
            )
        ).first()
        instance_id = owned
    return AuthContext(
        user_id=user.id,
        email=user.email,
        name=user.name,
        is_platform_admin=user.is_platform_admin,
        locale=user.locale,
        tenant_id=current[1].id if current else None,
        tenant_name=current[1].name if current else "",
        tenant_status=current[1].status if current else "",
        role=current[0].role if current else "",
        instance_id=instance_id,
        tenants=tenants,
    )


def switch_tenant(session: Session, *, token: str, tenant_id: int) -> AuthContext:
    row = _session_row(session, token)
    if row is None:
        raise Forbidden("error.session_expired")
    if membership_of(session, user_id=row.user_id, tenant_id=tenant_id) is None:
        raise Forbidden("error.not_member")
    row.current_tenant_id = tenant_id
    row.current_instance_id = None
    session.add(row)
    session.flush()
    ctx = resolve_session(session, token)
    assert ctx is not None
    return ctx


def select_instance(session: Session, *, token: str, tenant_id: int, instance_id: int) -> None:
    """Remember the instance the user works on; it must belong to the current tenant."""
    from ylada_app.services.instances import get_instance

    row = _session_row(session, token)
    if row is None:
        raise Forbidden("error.session_expired")
    get_instance(session, tenant_id=tenant_id, instance_id=instance_id)
    row.current_instance_id = instance_id
    session.add(row)
    session.flush()


def set_locale(session: Session, *, user_id: int, locale: str) -> None:
    user = session.get(User, user_id)
    if user is not None and locale in ("pt-BR", "en"):
        user.locale = locale
        session.add(user)
        session.flush()


def logout(session: Session, token: str | None) -> None:
    if token:
        session.exec(delete(AuthSession).where(AuthSession.token_hash == hash_token(token)))


def purge_expired(session: Session) -> int:
    now = utcnow()
    cutoff = now - timedelta(days=1)
    res = session.exec(delete(AuthSession).where(AuthSession.expires_at <= now))
    session.exec(delete(LoginAttempt).where(LoginAttempt.created_at < cutoff))
    return res.rowcount or 0

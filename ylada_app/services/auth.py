"""Log in (throttled, with optional two-factor), login grants, sessions, tenant switching.

How a browser gets its session: the login page checks the password (and the second factor)
and receives a *login grant* — a single-use token valid for two minutes. The browser posts it
to `POST /auth/session`, which exchanges it for a new session token and sets that token in an
HttpOnly cookie. Scripts in the page never see the session token; the Reflex state reads it
from the cookie header of its socket. Every login creates a new token (rotation), and the
exchange ends the session the browser held before.

Sessions end at the first of: `SESSION_DAYS` after login (absolute), `SESSION_IDLE_DAYS`
without activity (idle), logout, "encerrar" from another device, or a password change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from ylada_app.core.security import hash_password, hash_token, new_token, verify_password
from ylada_app.core.settings import get_settings
from ylada_app.models import AuthSession, Instance, KnownDevice, Membership, Tenant, User, utcnow
from ylada_app.services import account_tokens, audit, login_throttle
from ylada_app.services.context import AuthContext, TenantRef
from ylada_app.services.errors import FieldErrors, Forbidden, RateLimited
from ylada_app.services.tenants import create_tenant_row, membership_of, validate_tenant_fields
from ylada_app.services.validation import Validator, as_text, parse_id

GRANT_TTL = timedelta(minutes=2)
# last_seen_at is written at most this often (not on every event of a busy page).
SEEN_EVERY = timedelta(minutes=5)
SECOND_FACTOR_TTL = timedelta(minutes=5)
SECOND_FACTOR_TRIES = "5/5 minutes;20/hour;50/day"


# --- accounts -----------------------------------------------------------------------------
def validate_signup(v: Validator, *, name: str | None, email: str | None, password: str | None,
                    tenant_name: str | None, niche: str | None):
    clean_name = v.name("name", name, max_len=80, min_len=2)
    clean_email = v.email("email", email)
    clean_pw = v.password("password", password)
    clean_tenant, clean_niche = validate_tenant_fields(v, name=tenant_name, niche=niche)
    return clean_name, clean_email, clean_pw, clean_tenant, clean_niche


def signup(
    session: Session,
    *,
    name: str | None,
    email: str | None,
    password: str | None,
    tenant_name: str | None,
    niche: str | None = "outro",
    email_verified: bool = False,
    locale: str = "pt-BR",
    password_hash: str | None = None,
) -> tuple[User, Tenant]:
    """Create a user and a first tenant (as owner). All-or-nothing. Says when the e-mail is
    taken: for operators and tests. The public sign-up is `accounts.register`, which never
    tells."""
    v = Validator()
    clean_name, clean_email, clean_pw, clean_tenant, clean_niche = validate_signup(
        v, name=name, email=email, password=password, tenant_name=tenant_name, niche=niche)
    if "email" not in v.errors and user_by_email(session, clean_email) is not None:
        v.fail("email", "error.email_taken")
    v.raise_if_any()
    user = User(email=clean_email, name=clean_name,
                password_hash=password_hash or hash_password(clean_pw),
                locale=locale if locale in ("pt-BR", "en") else "pt-BR",
                email_verified_at=utcnow() if email_verified else None)
    session.add(user)
    session.flush()
    tenant = create_tenant_row(session, owner=user, name=clean_tenant, niche=clean_niche)
    return user, tenant


def create_user(
    session: Session, *, email: str, name: str, password: str, is_platform_admin: bool = False
) -> User:
    """Operator path (seed, CLI): same validation as sign-up, no tenant, e-mail trusted."""
    v = Validator()
    clean_email = v.email("email", email)
    clean_name = v.name("name", name, max_len=80)
    clean_pw = v.password("password", password)
    if "email" not in v.errors and user_by_email(session, clean_email) is not None:
        v.fail("email", "error.email_taken")
    v.raise_if_any()
    user = User(
        email=clean_email,
        name=clean_name,
        password_hash=hash_password(clean_pw),
        is_platform_admin=is_platform_admin,
        email_verified_at=utcnow(),
    )
    session.add(user)
    session.flush()
    return user


def user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def require_verified(session: Session, *, user_id: int) -> None:
    """Connecting WhatsApp, inviting, paying and the API need a confirmed e-mail."""
    user = session.get(User, user_id)
    if user is None or user.email_verified_at is None:
        raise Forbidden("error.email_unverified")


# --- log in ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoginResult:
    """Either a grant to exchange for the session cookie, or a second factor to ask for."""

    user_id: int
    grant: str = ""
    needs_second_factor: bool = False


def is_known_device(session: Session, *, user_id: int, device: str) -> bool:
    if not device or len(device) > 200:
        return False
    return session.exec(
        select(KnownDevice.id).where(KnownDevice.user_id == user_id,
                                     KnownDevice.device_hash == hash_token(device))
    ).first() is not None


def login_check(session: Session, *, email: str | None, client_ip: str = "",
                device: str = "") -> login_throttle.Verdict:
    """Before the password is checked: refuse (RateLimited) or say how long to wait first."""
    clean_email = as_text(email).strip().lower()[:254]
    user = user_by_email(session, clean_email) if clean_email else None
    known = user is not None and is_known_device(session, user_id=user.id, device=device)
    return login_throttle.check(email=clean_email, client_ip=client_ip, device=device,
                                known_device=known)


def login(
    session: Session,
    *,
    email: str | None,
    password: str | None,
    client_ip: str = "",
    device: str = "",
    next_path: str = "/dashboard",
) -> LoginResult:
    """Check the password. Throttled (see login_throttle); the same answer for an unknown
    e-mail and a wrong password, in about the same time."""
    clean_email = as_text(email).strip().lower()[:254]
    user = user_by_email(session, clean_email) if clean_email else None
    known = user is not None and is_known_device(session, user_id=user.id, device=device)
    login_throttle.begin_attempt(email=clean_email, client_ip=client_ip, device=device,
                                 known_device=known)
    ok = verify_password(user.password_hash if user else None, as_text(password)[:1024])
    if not ok or user is None:
        if login_throttle.record_failure(email=clean_email, known_device=known) and user:
            _queue_login_alert(session, user)
            session.commit()  # the caller's transaction ends in the error below
        raise FieldErrors({"password": "error.login_invalid"})
    login_throttle.record_success(email=clean_email, client_ip=client_ip, device=device)
    if user.totp_enabled_at is not None:
        return LoginResult(user_id=user.id, needs_second_factor=True)
    audit.record(session, action="auth.login", actor_user_id=user.id, client_ip=client_ip)
    return LoginResult(user_id=user.id, grant=issue_grant(session, user_id=user.id,
                                                          next_path=next_path))


def complete_second_factor(
    session: Session, *, user_id: int, code: str | None, client_ip: str = "",
    device: str = "", next_path: str = "/dashboard",
) -> LoginResult:
    """The second step of a login whose password was right: an authenticator or recovery
    code. The caller keeps `user_id` server-side between the steps (never from the client).
    Tries are counted per account (a known device has its own count, so someone who knows
    the password cannot lock the owner's browser out), and failures tell the owner."""
    from ylada_app.core import ratelimit
    from ylada_app.services import two_factor

    known = is_known_device(session, user_id=user_id, device=device)
    key = ("2fa", str(user_id), device) if known else ("2fa", str(user_id))
    wait = ratelimit.acquire(SECOND_FACTOR_TRIES, *key)
    if wait > 0:
        raise RateLimited("error.login_rate_limited", field="code", seconds=int(wait + 0.999))
    if not two_factor.verify(session, user_id=user_id, code=code):
        user = session.get(User, user_id)
        if user is not None and ratelimit.once_per(login_throttle.ALERT_EVERY, "alert2fa",
                                                   str(user_id)):
            from ylada_app.services.emails import queue_email

            queue_email(session, to=user.email, kind="second_factor_failed", lang=user.locale,
                        link_path="/account", user_id=user.id, name=user.name)
            session.commit()
        raise FieldErrors({"code": "error.totp_invalid"})
    ratelimit.clear(SECOND_FACTOR_TRIES, *key)
    audit.record(session, action="auth.login", actor_user_id=user_id, client_ip=client_ip,
                 second_factor=True)
    return LoginResult(user_id=user_id, grant=issue_grant(session, user_id=user_id,
                                                          next_path=next_path))


def _queue_login_alert(session: Session, user: User) -> None:
    from ylada_app.services.emails import queue_email

    queue_email(session, to=user.email, kind="login_alert", lang=user.locale,
                link_path="/forgot", user_id=user.id, name=user.name,
                count=login_throttle.failures_on_account(user.email))


# --- grants and sessions ---------------------------------------------------------------------
def safe_next_path(path: str | None, default: str = "/dashboard") -> str:
    """Only a path on this site (no scheme, no host, no `//`): never an open redirect."""
    p = (path or "").strip()
    if not p.startswith("/") or p.startswith("//") or "\\" in p or any(
            ord(c) < 32 for c in p) or len(p) > 200:
        return default
    return p


def issue_grant(session: Session, *, user_id: int, next_path: str = "/dashboard",
                tenant_id: int | None = None) -> str:
    return account_tokens.issue(session, user_id=user_id, purpose=account_tokens.LOGIN_GRANT,
                                ttl=GRANT_TTL, next_path=safe_next_path(next_path),
                                tenant_id=tenant_id)


@dataclass(frozen=True)
class Exchanged:
    token: str
    device: str
    next_path: str


def exchange_grant(
    session: Session,
    *,
    grant: str | None,
    old_token: str | None = None,
    device: str = "",
    user_agent: str = "",
    client_ip: str = "",
) -> Exchanged | None:
    """Use a login grant once: a new session (and the browser's device id, created if it had
    none). The session the browser held before is ended. None if the grant is not valid."""
    row = account_tokens.consume(session, token=grant, purpose=account_tokens.LOGIN_GRANT)
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None:
        return None
    if old_token:
        logout(session, old_token)
    if not device or len(device) > 200:
        device = new_token(24)
    remember_device(session, user_id=user.id, device=device)
    token = open_session(session, user, user_agent=user_agent, client_ip=client_ip,
                         tenant_id=row.tenant_id)
    return Exchanged(token=token, device=device, next_path=row.next_path or "/dashboard")


def remember_device(session: Session, *, user_id: int, device: str) -> None:
    device_hash = hash_token(device)
    row = session.exec(select(KnownDevice).where(KnownDevice.user_id == user_id,
                                                 KnownDevice.device_hash == device_hash)).first()
    if row is None:
        row = KnownDevice(user_id=user_id, device_hash=device_hash)
    row.last_login_at = utcnow()
    session.add(row)
    session.flush()


def open_session(session: Session, user: User, *, user_agent: str = "", client_ip: str = "",
                 tenant_id: int | None = None) -> str:
    """A new session for `user` (operators and tests call this directly)."""
    memberships = session.exec(
        select(Membership.tenant_id)
        .where(Membership.user_id == user.id)
        .order_by(Membership.created_at, Membership.id)
    ).all()
    current = tenant_id if tenant_id in memberships else (memberships[0] if memberships else None)
    token = new_token()
    now = utcnow()
    session.add(
        AuthSession(
            token_hash=hash_token(token),
            user_id=user.id,
            current_tenant_id=current,
            created_at=now,
            expires_at=now + timedelta(days=get_settings().session_days),
            last_seen_at=now,
            user_agent=" ".join((user_agent or "").split())[:300],
            client_ip=(client_ip or "")[:64],
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
    if row is None:
        return None
    now = utcnow()
    idle = timedelta(days=get_settings().session_idle_days)
    if row.expires_at <= now or row.last_seen_at + idle <= now:
        return None
    if now - row.last_seen_at >= SEEN_EVERY:
        row.last_seen_at = now
        session.add(row)
        session.flush()
    return row


def resolve_session(session: Session, token: str | None) -> AuthContext | None:
    """The context for a browser session token, or None when absent/expired/ended."""
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
        email_verified=user.email_verified_at is not None,
        two_factor=user.totp_enabled_at is not None,
        session_id=row.id,
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
    if token and len(token) <= 200:
        session.exec(delete(AuthSession).where(AuthSession.token_hash == hash_token(token)))


# --- "Sessões ativas" ---------------------------------------------------------------------------
@dataclass(frozen=True)
class SessionInfo:
    id: int
    user_agent: str
    client_ip: str
    created_at: datetime
    last_seen_at: datetime
    current: bool


def list_sessions(session: Session, *, user_id: int, current_token: str | None
                  ) -> list[SessionInfo]:
    """The user's sessions still alive, the current one first."""
    now = utcnow()
    idle = timedelta(days=get_settings().session_idle_days)
    current_hash = hash_token(current_token) if current_token else ""
    rows = session.exec(
        select(AuthSession).where(AuthSession.user_id == user_id, AuthSession.expires_at > now,
                                  AuthSession.last_seen_at > now - idle)
        .order_by(col(AuthSession.last_seen_at).desc())
    ).all()
    out = [SessionInfo(r.id, r.user_agent, r.client_ip, r.created_at, r.last_seen_at,
                       r.token_hash == current_hash) for r in rows]
    return sorted(out, key=lambda s: not s.current)


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser", "Samsung Internet"),
             ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"),
            ("Linux", "Linux"))


def describe_device(user_agent: str) -> str:
    """"Chrome · Windows" from a User-Agent header (enough to recognise one's devices)."""
    ua = user_agent or ""
    browser = next((name for token, name in _BROWSERS if token in ua), "")
    system = next((name for token, name in _SYSTEMS if token in ua), "")
    return " · ".join(p for p in (browser, system) if p) or "—"


def end_session(session: Session, *, user_id: int, session_id: object,
                client_ip: str = "") -> bool:
    """End one of the user's own sessions (another user's id changes nothing)."""
    sid = parse_id(session_id)
    if sid is None:
        return False
    res = session.exec(delete(AuthSession).where(AuthSession.id == sid,
                                                 AuthSession.user_id == user_id))
    if res.rowcount:
        audit.record(session, action="auth.session_ended", actor_user_id=user_id,
                     target=f"session:{session_id}", client_ip=client_ip)
    return bool(res.rowcount)


def end_other_sessions(session: Session, *, user_id: int, keep_token: str | None,
                       client_ip: str = "") -> int:
    query = delete(AuthSession).where(AuthSession.user_id == user_id)
    if keep_token:
        query = query.where(AuthSession.token_hash != hash_token(keep_token))
    res = session.exec(query)
    if res.rowcount:
        audit.record(session, action="auth.sessions_ended", actor_user_id=user_id,
                     client_ip=client_ip, count=res.rowcount)
    return res.rowcount or 0


def purge_expired(session: Session) -> int:
    now = utcnow()
    idle = timedelta(days=get_settings().session_idle_days)
    res = session.exec(delete(AuthSession).where(
        (AuthSession.expires_at <= now) | (AuthSession.last_seen_at <= now - idle)))
    account_tokens.purge(session)
    return res.rowcount or 0

"""A business's team: members, and invitations accepted only through the e-mailed link.

Owning an account with the invited address grants nothing: the invitation is accepted by
whoever opens the link sent to that address (a random token, hashed; expiring, single use,
revocable) while logged in as that address — or by creating the account from the link, which
confirms the address at the same time. The owner sees pending invitations and can re-send
(a new link; the old one stops working) or revoke them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from ylada_app.core import ratelimit
from ylada_app.core.security import hash_password, hash_token, new_token
from ylada_app.core.settings import get_settings
from ylada_app.models import Invitation, Membership, Tenant, User, utcnow
from ylada_app.models.tenant import Role
from ylada_app.services import audit
from ylada_app.services.emails import queue_email
from ylada_app.services.errors import Conflict, FieldErrors, Forbidden, NotFound, RateLimited
from ylada_app.services.serialize import lock_tenant
from ylada_app.services.tenants import membership_of
from ylada_app.services.validation import Validator, parse_id

# Invitations carry the business's and inviter's names to any address: limited, so nobody
# uses them to send mail in bulk.
INVITES_PER_TENANT = "20/hour;100/day"
RESENDS_PER_INVITATION = "1/minute;5/day"
_ROLE_NAMES = {"owner": ("proprietário(a)", "owner"), "admin": ("administrador(a)", "admin"),
               "agent": ("atendente", "agent")}


@dataclass(frozen=True)
class MemberRow:
    user_id: int | None
    name: str
    email: str
    role: str
    pending: bool
    since: datetime
    invitation_id: int | None = None
    expired: bool = False


def list_members(session: Session, *, tenant_id: int) -> list[MemberRow]:
    rows = session.exec(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.tenant_id == tenant_id)
        .order_by(Membership.created_at)
    ).all()
    members = [MemberRow(u.id, u.name, u.email, m.role, False, m.created_at) for m, u in rows]
    now = utcnow()
    members += [
        MemberRow(None, "", i.email, i.role, True, i.sent_at or i.created_at, i.id,
                  expired=i.expires_at is None or i.expires_at <= now)
        for i in _pending(session, tenant_id)
    ]
    return members


def _pending(session: Session, tenant_id: int) -> list[Invitation]:
    return list(session.exec(
        select(Invitation)
        .where(Invitation.tenant_id == tenant_id, Invitation.accepted_at.is_(None),
               Invitation.revoked_at.is_(None))
        .order_by(Invitation.created_at)
    ).all())


def _require_owner(session: Session, *, tenant_id: int, user_id: int) -> User:
    actor = membership_of(session, user_id=user_id, tenant_id=tenant_id)
    if actor is None or actor.role != Role.OWNER:
        raise Forbidden("error.owner_only")
    user = session.get(User, user_id)
    if user is None or user.email_verified_at is None:
        raise Forbidden("error.email_unverified")
    return user


def invite_member(
    session: Session, *, tenant_id: int, actor_user_id: int, email: str | None, role: str | None,
    client_ip: str = "",
) -> MemberRow:
    """Owner-only (with a confirmed e-mail). Sends the invitation link to the address."""
    actor = _require_owner(session, tenant_id=tenant_id, user_id=actor_user_id)
    v = Validator()
    clean_email = v.email("email", email)
    clean_role = v.choice("role", role or Role.AGENT, tuple(Role),
                          "error.role_invalid")
    v.raise_if_any()
    # two invitations of one address at once (two tabs, a double click) both found none
    # pending and both wrote one: the second waits here and sees the first
    lock_tenant(session, tenant_id)
    user = session.exec(select(User).where(User.email == clean_email)).first()
    if user is not None and membership_of(session, user_id=user.id,
                                          tenant_id=tenant_id) is not None:
        raise Conflict("error.already_member", field="email")
    if any(i.email == clean_email for i in _pending(session, tenant_id)):
        raise Conflict("error.already_invited", field="email")
    _within(INVITES_PER_TENANT, "invite", str(tenant_id))
    inv = Invitation(tenant_id=tenant_id, email=clean_email, role=clean_role,
                     invited_by_user_id=actor_user_id)
    session.add(inv)
    session.flush()
    _send(session, inv, actor)
    audit.record(session, action="team.invited", actor_user_id=actor_user_id,
                 tenant_id=tenant_id, target=clean_email, client_ip=client_ip, role=clean_role)
    return MemberRow(None, "", clean_email, clean_role, True, inv.created_at, inv.id)


def _within(spec: str, *key: str) -> None:
    wait = ratelimit.acquire(spec, *key)
    if wait > 0:
        raise RateLimited("error.invite_wait", field="_", minutes=max(1, int(wait // 60)))


def _send(session: Session, inv: Invitation, actor: User) -> None:
    """A new link for the invitation (the previous one, if any, stops working)."""
    days = get_settings().invite_days
    token = new_token()
    now = utcnow()
    inv.token_hash = hash_token(token)
    inv.expires_at = now + timedelta(days=days)
    inv.sent_at = now
    session.add(inv)
    session.flush()
    tenant = session.get(Tenant, inv.tenant_id)
    lang = actor.locale
    role = _ROLE_NAMES.get(inv.role, _ROLE_NAMES["agent"])[1 if lang == "en" else 0]
    queue_email(session, to=inv.email, kind="invite", lang=lang,
                link_path=f"/invite/{token}", tenant_id=inv.tenant_id,
                inviter=actor.name, tenant=tenant.name if tenant else "", role=role, days=days)


def _own_invitation(session: Session, *, tenant_id: int, invitation_id: object) -> Invitation:
    iid = parse_id(invitation_id)
    inv = session.get(Invitation, iid) if iid is not None else None
    if inv is None or inv.tenant_id != tenant_id or inv.accepted_at is not None \
            or inv.revoked_at is not None:
        raise NotFound("error.not_found")
    return inv


def resend_invitation(session: Session, *, tenant_id: int, actor_user_id: int,
                      invitation_id: object) -> None:
    actor = _require_owner(session, tenant_id=tenant_id, user_id=actor_user_id)
    inv = _own_invitation(session, tenant_id=tenant_id, invitation_id=invitation_id)
    _within(RESENDS_PER_INVITATION, "resend", str(inv.id))
    _send(session, inv, actor)
    audit.record(session, action="team.invite_resent", actor_user_id=actor_user_id,
                 tenant_id=tenant_id, target=inv.email)


def revoke_invitation(session: Session, *, tenant_id: int, actor_user_id: int,
                      invitation_id: object) -> None:
    _require_owner(session, tenant_id=tenant_id, user_id=actor_user_id)
    inv = _own_invitation(session, tenant_id=tenant_id, invitation_id=invitation_id)
    inv.revoked_at = utcnow()
    inv.token_hash = None
    session.add(inv)
    audit.record(session, action="team.invite_revoked", actor_user_id=actor_user_id,
                 tenant_id=tenant_id, target=inv.email)
    session.flush()


# --- the invited person's side ----------------------------------------------------------------
@dataclass(frozen=True)
class InvitePreview:
    """What the link shows: `state` is valid | expired | invalid."""

    state: str
    email: str = ""
    tenant_name: str = ""
    inviter: str = ""
    role: str = ""
    has_account: bool = False


def _by_token(session: Session, token: str | None) -> Invitation | None:
    if not token or len(token) > 200:
        return None
    return session.exec(
        select(Invitation).where(Invitation.token_hash == hash_token(token))).first()


def preview(session: Session, *, token: str | None) -> InvitePreview:
    inv = _by_token(session, token)
    if inv is None or inv.accepted_at is not None or inv.revoked_at is not None:
        return InvitePreview("invalid")
    if inv.expires_at is None or inv.expires_at <= utcnow():
        return InvitePreview("expired")
    tenant = session.get(Tenant, inv.tenant_id)
    inviter = session.get(User, inv.invited_by_user_id) if inv.invited_by_user_id else None
    has_account = session.exec(select(User.id).where(User.email == inv.email)).first()
    return InvitePreview("valid", inv.email, tenant.name if tenant else "",
                         inviter.name if inviter else "", inv.role, has_account is not None)


def _take(session: Session, token: str | None) -> Invitation:
    """Use the invitation once (a conditional update: two clicks cannot both join)."""
    inv = _by_token(session, token)
    if inv is None or inv.accepted_at is not None or inv.revoked_at is not None \
            or inv.expires_at is None or inv.expires_at <= utcnow():
        raise Forbidden("error.invite_invalid")
    res = session.exec(
        update(Invitation)
        .where(Invitation.id == inv.id, Invitation.accepted_at.is_(None),
               Invitation.revoked_at.is_(None))
        .values(accepted_at=utcnow(), token_hash=None)
    )
    if res.rowcount != 1:
        raise Forbidden("error.invite_invalid")
    if inv.invited_by_user_id is not None and not _still_owner(session, inv):
        # sent in the name of an owner who has since left or lost the role (who might have
        # invited an address of their own, as owner, on the way out)
        raise Forbidden("error.invite_invalid")
    return inv


def _still_owner(session: Session, inv: Invitation) -> bool:
    member = membership_of(session, user_id=inv.invited_by_user_id, tenant_id=inv.tenant_id)
    return member is not None and member.role == Role.OWNER


def _withdraw_invitations(session: Session, tenant_id: int, user_id: int) -> None:
    """The pending invitations someone sent, when they leave or stop being an owner."""
    session.exec(update(Invitation).where(
        Invitation.tenant_id == tenant_id, Invitation.invited_by_user_id == user_id,
        Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
        .values(revoked_at=utcnow(), token_hash=None))


def _join(session: Session, inv: Invitation, user: User) -> int:
    if membership_of(session, user_id=user.id, tenant_id=inv.tenant_id) is None:
        session.add(Membership(user_id=user.id, tenant_id=inv.tenant_id, role=inv.role))
    if user.email_verified_at is None:  # the link reached this mailbox
        user.email_verified_at = utcnow()
        session.add(user)
    audit.record(session, action="team.invite_accepted", actor_user_id=user.id,
                 tenant_id=inv.tenant_id, target=inv.email, role=inv.role)
    session.flush()
    return inv.tenant_id


def accept(session: Session, *, token: str | None, user_id: int) -> int:
    """A logged-in user accepts; their address must be the invited one. Returns the tenant."""
    user = session.get(User, user_id)
    inv = _by_token(session, token)
    if user is None:
        raise Forbidden("error.session_expired")
    if inv is not None and inv.email != user.email:
        raise Forbidden("error.invite_other_account", email=inv.email)
    return _join(session, _take(session, token), user)


def signup_and_accept(session: Session, *, token: str | None, name: str | None,
                      password: str | None) -> tuple[int, int]:
    """Create the invited address's account from the link and join. Returns (user, tenant)."""
    v = Validator()
    clean_name = v.name("name", name, max_len=80, min_len=2)
    clean_pw = v.password("password", password)
    v.raise_if_any()
    inv = _take(session, token)
    if session.exec(select(User.id).where(User.email == inv.email)).first() is not None:
        raise FieldErrors({"_": "error.invite_login_instead"})
    inviter = session.get(User, inv.invited_by_user_id) if inv.invited_by_user_id else None
    user = User(email=inv.email, name=clean_name, password_hash=hash_password(clean_pw),
                locale=inviter.locale if inviter else "pt-BR")
    session.add(user)
    session.flush()
    return user.id, _join(session, inv, user)


# --- members: role and removal (owner only; the business always keeps an owner) ---------------
def _member(session: Session, tenant_id: int, user_id: object) -> Membership:
    uid = parse_id(user_id)
    member = membership_of(session, user_id=uid, tenant_id=tenant_id) if uid else None
    if member is None:
        raise NotFound("error.not_found")
    return member


def _last_owner(session: Session, tenant_id: int, member: Membership) -> bool:
    if member.role != Role.OWNER:
        return False
    owners = session.exec(select(Membership.id).where(Membership.tenant_id == tenant_id,
                                                      Membership.role == Role.OWNER)
                          .with_for_update(key_share=True)).all()  # (two owners at once)
    return len(owners) <= 1


def change_role(session: Session, *, tenant_id: int, actor_user_id: int, user_id: object,
                role: str | None, client_ip: str = "") -> None:
    """A member's new role (recorded in the audit trail with the previous one)."""
    _require_owner(session, tenant_id=tenant_id, user_id=actor_user_id)
    v = Validator()
    clean_role = v.choice("role", role, tuple(Role), "error.role_invalid")
    v.raise_if_any()
    member = _member(session, tenant_id, user_id)
    if member.role == clean_role:
        return
    if _last_owner(session, tenant_id, member):
        raise Conflict("team.error.last_owner")
    previous, member.role = member.role, clean_role
    session.add(member)
    if previous == Role.OWNER:
        _withdraw_invitations(session, tenant_id, member.user_id)
    session.flush()
    _agency_follows(session, tenant_id)
    audit.record(session, action="team.role_changed", actor_user_id=actor_user_id,
                 tenant_id=tenant_id, target=f"user:{member.user_id}", client_ip=client_ip,
                 role=clean_role, from_role=previous)
    session.flush()


def remove_member(session: Session, *, tenant_id: int, actor_user_id: int, user_id: object,
                  client_ip: str = "") -> None:
    """The person leaves the business (their account stays; recorded in the audit trail)."""
    _require_owner(session, tenant_id=tenant_id, user_id=actor_user_id)
    member = _member(session, tenant_id, user_id)
    if _last_owner(session, tenant_id, member):
        raise Conflict("team.error.last_owner")
    audit.record(session, action="team.member_removed", actor_user_id=actor_user_id,
                 tenant_id=tenant_id, target=f"user:{member.user_id}", client_ip=client_ip,
                 role=member.role)
    _withdraw_invitations(session, tenant_id, member.user_id)
    session.delete(member)
    session.flush()
    _agency_follows(session, tenant_id)


def _agency_follows(session: Session, tenant_id: int) -> None:
    """An agency's clients follow a change of its team: what the agency gave someone who
    left it, or who is no longer one of its managers, is taken back."""
    from ylada_app.services import agency

    agency.resync_clients(session, tenant_id=tenant_id)

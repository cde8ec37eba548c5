"""Agency mode (white label): an agency runs its clients' businesses under its own name.

Invariants:
- A client business points at its agency (`tenant.agency_tenant_id`); agencies are one
  level deep (a client cannot have clients) and only a plan with white label may have them.
- The agency's owners and admins work in every client through ordinary memberships (owner
  stays owner, admin stays admin), created with the client and topped up whenever the agency
  lists its clients — so every existing guard (roles, tenant checks) applies unchanged.
- Billing stays with the agency: a client's plan is its agency's (services/entitlements),
  and a client never opens a checkout of its own (services/billing refuses).
- Every function takes the agency's `tenant_id` and only ever touches clients whose
  `agency_tenant_id` is that id: another agency's client is simply not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from ylada_app.models import Contact, Instance, Membership, Subscription, Tenant, UsageCounter
from ylada_app.models.tenant import Role, TenantStatus
from ylada_app.services import audit
from ylada_app.services.entitlements import limits_for, month_key
from ylada_app.services.errors import Forbidden, NotFound
from ylada_app.services.tenants import create_tenant_row, validate_tenant_fields
from ylada_app.services.validation import Validator, parse_id

MANAGER_ROLES = (Role.OWNER, Role.ADMIN)
# Written in `suspended_reason`: the /blocked page tells the client who to talk to.
SUSPENDED_BY_AGENCY = "agency"


@dataclass(frozen=True)
class ClientRow:
    id: int
    name: str
    niche: str
    status: str  # active | suspended
    numbers: int
    contacts: int
    messages_in: int
    messages_out: int
    created_at: datetime


def agency_of(session: Session, *, tenant_id: int) -> Tenant | None:
    """The agency a business belongs to (None for a business on its own)."""
    tenant = session.get(Tenant, tenant_id)
    if tenant is None or tenant.agency_tenant_id is None:
        return None
    return session.get(Tenant, tenant.agency_tenant_id)


def can_manage_clients(session: Session, *, tenant_id: int) -> bool:
    """An agency is a business on its own whose plan includes white label."""
    tenant = session.get(Tenant, tenant_id)
    if tenant is None or tenant.agency_tenant_id is not None:
        return False
    return limits_for(session, tenant_id=tenant_id).white_label


def _require_manager(session: Session, *, tenant_id: int, user_id: int) -> None:
    member = session.exec(select(Membership).where(
        Membership.tenant_id == tenant_id, Membership.user_id == user_id)).first()
    if member is None or member.role not in MANAGER_ROLES:
        raise Forbidden("agency.error.not_manager")
    if not can_manage_clients(session, tenant_id=tenant_id):
        raise Forbidden("agency.error.not_agency")


def _client(session: Session, *, tenant_id: int, client_id: object) -> Tenant:
    cid = parse_id(client_id)
    client = session.get(Tenant, cid) if cid is not None else None
    if client is None or client.agency_tenant_id != tenant_id:
        raise NotFound("error.not_found")
    return client


def _sync_managers(session: Session, *, tenant_id: int, client_ids: list[int]) -> None:
    """Give the agency's owners and admins their membership in each client, with their
    agency role, and take back the ones the agency gave to people who are no longer its
    managers (a person the client itself invited keeps their access). Each change is in the
    client's own audit trail."""
    managers = dict(session.exec(select(Membership.user_id, Membership.role).where(
        Membership.tenant_id == tenant_id, col(Membership.role).in_(MANAGER_ROLES))).all())
    if not client_ids:
        return
    present = {(m.tenant_id, m.user_id): m for m in session.exec(select(Membership).where(
        col(Membership.tenant_id).in_(client_ids)))}
    for cid in client_ids:
        for user_id, role in managers.items():
            if (cid, user_id) not in present:
                session.add(Membership(user_id=user_id, tenant_id=cid, role=role,
                                       via_agency=True))
                audit.record(session, action="agency.member_added", tenant_id=cid,
                             target=f"user:{user_id}", role=role, agency=f"tenant:{tenant_id}")
    for (cid, user_id), member in present.items():
        if not member.via_agency:
            continue
        role = managers.get(user_id)
        if role is None:
            session.delete(member)
            audit.record(session, action="agency.member_removed", tenant_id=cid,
                         target=f"user:{user_id}", agency=f"tenant:{tenant_id}")
        elif role != member.role:
            previous, member.role = member.role, role
            session.add(member)
            audit.record(session, action="agency.member_role", tenant_id=cid,
                         target=f"user:{user_id}", role=role, from_role=previous,
                         agency=f"tenant:{tenant_id}")
    session.flush()


def resync_clients(session: Session, *, tenant_id: int) -> None:
    """After a change of the agency's own team: every client follows it."""
    ids = list(session.exec(select(Tenant.id).where(Tenant.agency_tenant_id == tenant_id)))
    if ids:
        _sync_managers(session, tenant_id=tenant_id, client_ids=ids)


def create_client(session: Session, *, tenant_id: int, user_id: int, name: str | None,
                  niche: str | None) -> Tenant:
    """A new client business under the agency, with the agency's managers in it."""
    _require_manager(session, tenant_id=tenant_id, user_id=user_id)
    v = Validator()
    clean_name, clean_niche = validate_tenant_fields(v, name=name, niche=niche)
    v.raise_if_any()
    client = create_tenant_row(session, owner=None, name=clean_name, niche=clean_niche,
                               agency_tenant_id=tenant_id)
    _sync_managers(session, tenant_id=tenant_id, client_ids=[client.id])
    audit.record(session, action="agency.client_created", actor_user_id=user_id,
                 tenant_id=tenant_id, target=f"tenant:{client.id}")
    return client


def list_clients(session: Session, *, tenant_id: int, user_id: int) -> list[ClientRow]:
    """The agency's clients with this month's usage, by name."""
    _require_manager(session, tenant_id=tenant_id, user_id=user_id)
    clients = session.exec(select(Tenant).where(Tenant.agency_tenant_id == tenant_id)
                           .order_by(Tenant.name, Tenant.id)).all()
    ids = [c.id for c in clients]
    if not ids:
        return []
    _sync_managers(session, tenant_id=tenant_id, client_ids=ids)
    numbers = dict(session.exec(select(Instance.tenant_id, func.count(Instance.id))
                                .where(col(Instance.tenant_id).in_(ids))
                                .group_by(Instance.tenant_id)).all())
    contacts = dict(session.exec(select(Contact.tenant_id, func.count(Contact.id))
                                 .where(col(Contact.tenant_id).in_(ids))
                                 .group_by(Contact.tenant_id)).all())
    usage = {u.tenant_id: u for u in session.exec(select(UsageCounter).where(
        col(UsageCounter.tenant_id).in_(ids), UsageCounter.month == month_key()))}
    return [ClientRow(c.id, c.name, c.niche, c.status, numbers.get(c.id, 0),
                      contacts.get(c.id, 0),
                      usage[c.id].messages_in if c.id in usage else 0,
                      usage[c.id].messages_out if c.id in usage else 0, c.created_at)
            for c in clients]


def set_client_suspended(session: Session, *, tenant_id: int, user_id: int, client_id: object,
                         suspended: bool) -> Tenant:
    """Suspend a client (its numbers stop answering, its people see the blocked page) or
    bring it back. A suspension the platform admin made is not the agency's to lift."""
    _require_manager(session, tenant_id=tenant_id, user_id=user_id)
    client = _client(session, tenant_id=tenant_id, client_id=client_id)
    if client.status not in (TenantStatus.ACTIVE, TenantStatus.SUSPENDED):
        raise Forbidden("agency.error.client_closed")
    if client.status == TenantStatus.SUSPENDED and \
            client.suspended_reason != SUSPENDED_BY_AGENCY:
        raise Forbidden("agency.error.platform_suspension")
    client.status = TenantStatus.SUSPENDED if suspended else TenantStatus.ACTIVE
    client.suspended_reason = SUSPENDED_BY_AGENCY if suspended else None
    session.add(client)
    audit.record(session, action="agency.client_suspended" if suspended
                 else "agency.client_reactivated", actor_user_id=user_id,
                 tenant_id=tenant_id, target=f"tenant:{client.id}")
    session.flush()
    return client


def set_signup_open(session: Session, *, tenant_id: int, user_id: int, open_: bool) -> None:
    """Let (or stop letting) visitors of the agency's own address sign up as its clients."""
    _require_manager(session, tenant_id=tenant_id, user_id=user_id)
    tenant = session.get(Tenant, tenant_id)
    tenant.agency_signup = bool(open_)
    session.add(tenant)
    audit.record(session, action="agency.signup_opened" if open_ else "agency.signup_closed",
                 actor_user_id=user_id, tenant_id=tenant_id)
    session.flush()


def signup_agency_for_host(session: Session, host: str | None) -> int | None:
    """The agency whose branded address a sign-up comes from, when it takes sign-ups there
    (None: the sign-up creates a business on its own, as on the platform's address)."""
    from ylada_app.services import brand

    view = brand.brand_for_host(session, host)
    if view.is_platform or view.tenant_id is None:
        return None
    tenant = session.get(Tenant, view.tenant_id)
    if tenant is None or not tenant.agency_signup or \
            not can_manage_clients(session, tenant_id=tenant.id):
        return None
    return tenant.id


def adopt_signup(session: Session, *, agency_tenant_id: int, client_id: int) -> None:
    """A business just signed up on the agency's address: it becomes the agency's client
    (its own owner stays; the agency's people join it; the agency's plan serves it)."""
    client = session.get(Tenant, client_id)
    client.agency_tenant_id = agency_tenant_id
    session.add(client)
    for sub in session.exec(select(Subscription).where(Subscription.tenant_id == client_id)):
        session.delete(sub)  # its trial: the agency pays from now on
    session.flush()
    _sync_managers(session, tenant_id=agency_tenant_id, client_ids=[client_id])
    audit.record(session, action="agency.client_signed_up", tenant_id=agency_tenant_id,
                 target=f"tenant:{client_id}")

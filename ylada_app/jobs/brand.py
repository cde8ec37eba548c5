"""Jobs about white label addresses: custom domains' DNS TXT records re-checked now and then
(pending and failed ones often, for a week; verified ones every few hours, so a domain whose
record was removed — e.g. sold to someone else — stops showing the brand)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, or_, select

from ylada_app.core.db import session_scope
from ylada_app.core.queue import clear_coalesced, enqueue_coalesced
from ylada_app.models import Brand, utcnow
from ylada_app.models.brand import DomainStatus
from ylada_app.services import brand

RECHECK_JOB = "ylada_app.jobs.brand.recheck_domain"
PENDING_EVERY = timedelta(minutes=15)
PENDING_FOR = timedelta(days=7)
VERIFIED_EVERY = timedelta(hours=6)


def recheck_domain(tenant_id: int) -> str:
    """Returns the domain's new status ('skipped' without one, 'unknown' when DNS failed)."""
    clear_coalesced(f"domain:{tenant_id}")
    with session_scope() as session:
        target = brand.domain_to_check(session, tenant_id=tenant_id)
    if target is None:
        return "skipped"
    try:
        # the DNS query happens outside any transaction
        values = brand.dns_txt_lookup(target[0])
    except brand.DnsUnavailable:
        return "unknown"  # keep the current status; the next round asks again
    with session_scope() as session:
        row = brand.record_domain_check(session, tenant_id=tenant_id, name=target[0],
                                        values=values)
        return row.domain_status if row is not None else "skipped"


def kick_domain_checks(limit: int = 100) -> int:
    """The sweeper's part: queue checks of the domains not looked at recently."""
    now = utcnow()
    with session_scope() as session:
        due = session.exec(select(Brand.tenant_id).where(
            col(Brand.custom_domain).is_not(None),
            or_(
                (col(Brand.domain_status).in_((DomainStatus.PENDING, DomainStatus.FAILED)))
                & (Brand.updated_at > now - PENDING_FOR)
                & (col(Brand.domain_checked_at).is_(None)
                   | (Brand.domain_checked_at < now - PENDING_EVERY)),
                (Brand.domain_status == DomainStatus.VERIFIED)
                & (col(Brand.domain_checked_at).is_(None)
                   | (Brand.domain_checked_at < now - VERIFIED_EVERY)),
            )).limit(limit)).all()
    for tenant_id in due:
        enqueue_coalesced(f"domain:{tenant_id}", RECHECK_JOB, tenant_id)
    return len(due)

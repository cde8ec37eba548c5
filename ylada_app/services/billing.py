"""Tenant billing: the plan catalogue, checkout, plan changes, cancel/resume, invoices, usage.

Actions here only ASK the gateway (checkout link, change, cancel); the subscription row
changes when the provider's verified webhook arrives (services/billing_events.py) or when the
reconciliation job reads the provider. Owners only: members see the page but cannot pay.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from ylada_app.core.dates import DEFAULT_ZONE, zone
from ylada_app.core.settings import get_settings
from ylada_app.integrations.payments import registry
from ylada_app.integrations.payments.base import CustomerData, GatewayError, PlanRef
from ylada_app.models import (
    BillingAccount,
    Flow,
    Instance,
    Invoice,
    Plan,
    Subscription,
    Tenant,
    UsageCounter,
    User,
    utcnow,
)
from ylada_app.services import entitlements
from ylada_app.services.errors import Conflict, FieldErrors, Forbidden, NotFound, ServiceError
from ylada_app.services.limits import SLOT_STATUSES, WARN_RATIO


class PaymentsUnavailable(ServiceError):
    status = 503


def plan_catalog(session: Session) -> list[Plan]:
    return list(session.exec(select(Plan).where(Plan.is_active)
                             .order_by(Plan.sort_order, Plan.price_cents)).all())


def _plan_by_code(session: Session, code: str | None) -> Plan:
    plan = session.exec(select(Plan).where(Plan.code == str(code or "")[:40],
                                           Plan.is_active)).first()
    if plan is None:
        raise FieldErrors({"plan": "error.plan_unknown"})
    return plan


def _ref(plan: Plan) -> PlanRef:
    return PlanRef(plan.code, plan.name, plan.price_cents, plan.currency, plan.interval,
                   plan.stripe_price_id)


def payments_enabled() -> bool:
    """Whether a payment gateway is configured (pages offer checkout only then)."""
    return registry.configured()


def _gateway(name: str = "stripe"):
    try:
        return registry.gateway(name)
    except registry.GatewayNotConfigured:
        raise PaymentsUnavailable("error.payments_unavailable") from None


@contextmanager
def _provider_call():
    try:
        yield
    except GatewayError:
        raise PaymentsUnavailable("error.payments_failed") from None


def _account(session: Session, gw, *, tenant_id: int, user_id: int,
             tax_id: str | None = None) -> BillingAccount:
    """The tenant's customer at `gw` (one per gateway), created on first use; a new CPF/CNPJ
    is sent to the gateway before it is kept."""
    account = session.exec(select(BillingAccount).where(
        BillingAccount.tenant_id == tenant_id, BillingAccount.provider == gw.name)).first()
    if account is not None and (tax_id is None or account.tax_id == tax_id):
        return account
    tenant = session.get(Tenant, tenant_id)
    user = session.get(User, user_id)
    if tenant is None or user is None:
        raise NotFound("error.not_found")
    data = CustomerData(tenant_id, tenant.name, user.email, tax_id)
    if account is not None:
        with _provider_call():
            gw.update_customer(account.customer_id, data)
        account.tax_id = tax_id
        session.add(account)
        session.flush()
        return account
    with _provider_call():
        customer_id = gw.create_customer(data)
    account = BillingAccount(tenant_id=tenant_id, provider=gw.name, customer_id=customer_id,
                             name=tenant.name, email=user.email, tax_id=tax_id)
    session.add(account)
    session.flush()
    return account


def _has_paid_subscription(sub) -> bool:
    return bool(sub and sub.provider_subscription_id
                and sub.status in ("active", "past_due", "trialing"))


def choose_plan(session: Session, *, tenant_id: int, user_id: int, role: str,
                plan_code: str | None, base_url: str, method: str | None = None,
                tax_id: str | None = None) -> str | None:
    """Start paying for `plan_code`: a Stripe checkout URL for a first subscription by card,
    an Asaas subscription whose first charge the page shows (Pix, boleto, card page: returns
    None), or a plan change on the existing subscription, which returns None (the webhook
    confirms it). `method` is a payment_gateways option key (default: the platform's)."""
    if role != "owner":
        raise Forbidden("error.owner_only")
    if entitlements.payer_tenant_id(session, tenant_id=tenant_id) != tenant_id:
        raise Forbidden("agency.error.billing_by_agency")  # the agency pays for its clients
    from ylada_app.services.auth import require_verified

    require_verified(session, user_id=user_id)
    plan = _plan_by_code(session, plan_code)
    sub = entitlements.current_subscription(session, tenant_id=tenant_id)
    if plan.price_cents <= 0:
        raise FieldErrors({"plan": "error.plan_free_choose"})
    if _has_paid_subscription(sub):
        if sub.plan_id == plan.id:
            raise Conflict("error.plan_same")
        gw = _gateway(sub.provider or "stripe")
        with _provider_call():
            gw.change_plan(subscription_id=sub.provider_subscription_id,
                           item_id=sub.provider_item_id, plan=_ref(plan))
        return None
    from ylada_app.services import payment_gateways

    options = payment_gateways.options(session)
    if not options:
        raise PaymentsUnavailable("error.payments_unavailable")
    option = payment_gateways.option(session, method or options[0].key)
    if option.gateway == "asaas":
        from ylada_app.services import billing_asaas

        kept = trial_kept_until(sub)  # the first charge falls due when the trial ends
        billing_asaas.checkout(session, _gateway("asaas"), tenant_id=tenant_id,
                               user_id=user_id, plan=plan, method=option.method,
                               tax_id=tax_id, first_due=_brt_day(kept) if kept else None)
        return None
    gw = _gateway(option.gateway)
    base = base_url.rstrip("/")
    if option.gateway == "mercadopago":
        # No customer object there: the payer authorizes the preapproval on its init_point.
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("error.not_found")
        with _provider_call():
            _, init_point = gw.subscribe(plan=_ref(plan), tenant_id=tenant_id,
                                         payer_email=user.email,
                                         back_url=f"{base}/billing?checkout=ok")
        return init_point
    account = _account(session, gw, tenant_id=tenant_id, user_id=user_id)
    kept = trial_kept_until(sub) if option.gateway in TRIAL_KEEPING else None
    with _provider_call():
        return gw.checkout_url(customer_id=account.customer_id, plan=_ref(plan),
                               tenant_id=tenant_id,
                               success_url=f"{base}/billing?checkout=ok",
                               cancel_url=f"{base}/billing?checkout=cancel",
                               trial_end=int(kept.replace(tzinfo=UTC).timestamp())
                               if kept else None)


# Stripe refuses a trial that ends less than 48 hours after the checkout is created; an
# hour more covers the time the customer takes on the checkout page. (Asaas gets the same
# rule: one sentence on the page for every way to pay.)
TRIAL_KEPT_MIN = timedelta(hours=49)
# Gateways where subscribing during the free trial keeps its days: Stripe by a trial on the
# subscription, Asaas by the first charge's due date (Mercado Pago's preapproval starts now).
TRIAL_KEEPING = ("stripe", "asaas")


def _brt_day(when: datetime):
    """The day (Brasília) of a stored naive-UTC time: Asaas due dates are days there."""
    return when.replace(tzinfo=UTC).astimezone(zone(DEFAULT_ZONE)).date()


def trial_kept_until(sub: Subscription | None) -> datetime | None:
    """When our own free trial still has days left, subscribing keeps them (TRIAL_KEEPING):
    the first charge is the day the trial ends. None when the charge is today."""
    if sub is None or sub.status != "trialing" or sub.provider_subscription_id \
            or sub.trial_ends_at is None:
        return None
    return sub.trial_ends_at if sub.trial_ends_at - utcnow() >= TRIAL_KEPT_MIN else None


def set_cancel(session: Session, *, tenant_id: int, role: str, cancel: bool) -> None:
    """Cancel at the end of the paid period (or undo it while the period lasts)."""
    if role != "owner":
        raise Forbidden("error.owner_only")
    sub = entitlements.current_subscription(session, tenant_id=tenant_id)
    if not _has_paid_subscription(sub):
        raise Conflict("error.no_paid_subscription")
    if sub.provider in ("asaas", "mercadopago") and not cancel:
        raise Conflict("billing.error.no_resume")  # they cancel at once: subscribe again
    with _provider_call():
        _gateway(sub.provider or "stripe").set_cancel_at_period_end(
            subscription_id=sub.provider_subscription_id, cancel=cancel)


def portal_url(session: Session, *, tenant_id: int, role: str, base_url: str) -> str:
    if role != "owner":
        raise Forbidden("error.owner_only")
    account = session.exec(select(BillingAccount).where(
        BillingAccount.tenant_id == tenant_id, BillingAccount.provider == "stripe")).first()
    if account is None:
        raise Conflict("error.no_paid_subscription")
    with _provider_call():
        url = _gateway().portal_url(customer_id=account.customer_id,
                                    return_url=base_url.rstrip("/") + "/billing")
    if not url:
        raise PaymentsUnavailable("error.payments_unavailable")
    return url


def list_invoices(session: Session, *, tenant_id: int, limit: int = 24) -> list[Invoice]:
    """The business's invoices, newest first; a trial's zero invoice is not one to show."""
    return list(session.exec(select(Invoice).where(Invoice.tenant_id == tenant_id,
                                                   Invoice.amount_cents != 0)
                             .order_by(Invoice.created_at.desc()).limit(limit)).all())


# --- usage ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Meter:
    key: str
    used: int
    limit: int

    @property
    def ratio(self) -> float:
        return (self.used / self.limit) if self.limit > 0 else (1.0 if self.used else 0.0)

    @property
    def level(self) -> str:
        """ok | warn (≥ 80 %) | over (at or past the limit)."""
        if self.limit <= 0:
            return "over" if self.used else "ok"
        if self.used >= self.limit:
            return "over"
        return "warn" if self.ratio >= WARN_RATIO else "ok"


@dataclass(frozen=True)
class UsageReport:
    month: str
    meters: list[Meter]
    messages_in: int
    messages_out: int
    messages_blocked: int
    history: list[dict[str, int | str]]


def usage_report(session: Session, *, tenant_id: int, months: int = 6) -> UsageReport:
    limits = entitlements.limits_for(session, tenant_id=tenant_id)
    usage = entitlements.month_usage(session, tenant_id=tenant_id)
    # The meters measure what the plan counts: for an agency and its clients, all of them
    # (one plan shared: entitlements.plan_tenant_ids).
    _, group = entitlements.plan_tenant_ids(session, tenant_id=tenant_id)
    shared = entitlements.plan_usage(session, tenant_id=tenant_id)
    instances = session.exec(select(func.count()).select_from(Instance).where(
        Instance.tenant_id.in_(group), Instance.channel != "simulator",  # type: ignore[attr-defined]
        Instance.status.in_(SLOT_STATUSES))).one()  # type: ignore[attr-defined]
    flows = session.exec(select(func.count()).select_from(Flow).where(
        Flow.tenant_id.in_(group), Flow.status == "active")).one()  # type: ignore[attr-defined]
    meters = [
        Meter("messages", shared.messages_out, limits.max_messages_month),
        Meter("ai_tokens", shared.ai_tokens, limits.max_ai_tokens_month),
        Meter("instances", instances, limits.max_instances),
        Meter("flows", flows, limits.max_active_flows),
    ]
    wanted = _last_months(months)
    rows = {r.month: r for r in session.exec(select(UsageCounter).where(
        UsageCounter.tenant_id == tenant_id, UsageCounter.month.in_(wanted))).all()}
    history = [{"month": m, "messages_in": rows[m].messages_in if m in rows else 0,
                "messages_out": rows[m].messages_out if m in rows else 0,
                "ai_tokens": rows[m].ai_tokens if m in rows else 0} for m in wanted]
    return UsageReport(usage.month, meters, usage.messages_in, usage.messages_out,
                       usage.messages_blocked, history)


def _last_months(n: int) -> list[str]:
    months: list[str] = []
    cursor = utcnow().replace(day=1)
    for _ in range(n):
        months.append(cursor.strftime("%Y-%m"))
        cursor = (cursor - timedelta(days=1)).replace(day=1)
    return list(reversed(months))


@dataclass(frozen=True)
class Banner:
    """The one billing notice every page shows (most urgent first); key "" means none."""

    key: str
    level: str = "info"  # info | warn | danger
    params: dict[str, int | str] | None = None


def banner(session: Session, *, tenant_id: int) -> Banner:
    state = entitlements.billing_state(session, tenant_id=tenant_id)
    if state.blocked:
        return Banner("banner.blocked", "danger")
    if state.status == "past_due":
        return Banner("banner.past_due", "danger")
    usage = entitlements.plan_usage(session, tenant_id=tenant_id)  # (agency: shared quota)
    meter = Meter("messages", usage.messages_out, state.limits.max_messages_month)
    if meter.level == "over":
        return Banner("banner.quota_over", "danger", {"limit": meter.limit})
    if meter.level == "warn":
        return Banner("banner.quota_warn", "warn", {"pct": int(meter.ratio * 100)})
    if state.status == "expired":
        return Banner("banner.trial_ended_free", "info")
    # (a business that subscribed during its trial is not asked to subscribe again)
    if state.status == "trialing" and state.trial_days_left is not None and not state.provider:
        # what the trial ends into, said before it does (settle_trials)
        days = {"days": state.trial_days_left}
        if get_settings().trial_end_state == "blocked":
            return Banner("banner.trial_then_paused", "info", days)
        free = entitlements.free_plan(session)
        if free is None or state.plan_code != free.code:
            return Banner("banner.trial", "info", days)
        # a trial of the free plan that ends into the free plan: nothing ends, no countdown
        return Banner("banner.free_plan", "info",
                      {"limit": state.limits.max_messages_month})
    return Banner("")

"""The first hour of a new business: five steps from sign-up to a live WhatsApp bot.

Progress is read from what exists (an active flow, a simulator chat the bot answered,
knowledge items, a connected number, a flow on it), never from a separate checklist the
business could tick without doing the thing; only "skip" is stored. The suggested template
follows the niche chosen at sign-up; it is installed on a simulator number with the
business's name in its first parameter and the template's sample values elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from ylada_app.models import Conversation, Flow, Instance, KnowledgeItem, Message, Tenant
from ylada_app.models.instance import ChannelKind, InstanceStatus
from ylada_app.models.marketplace import AutomationTemplate, TenantTemplate
from ylada_app.models.tenant import NICHES
from ylada_app.services import ai, instances, knowledge, marketplace
from ylada_app.services.errors import FieldErrors, NotFound, ServiceError
from ylada_app.services.template_params import default_values

STEPS = ("template", "simulator", "ai", "connect", "live")
SIMULATOR_NAME = "Simulador"
SAMPLES = Path(__file__).resolve().parents[1] / "onboarding_samples"
# The niche's own template; a niche without one (or whose template is premium) gets a free
# template that fits most small businesses.
_PREFERRED = {"delivery": "delivery-cardapio", "ecommerce": "ecommerce-loja",
              "servicos": "servicos-agendamento", "educacao": "educacao-matriculas",
              "distribuidores": "distribuidor-b2b"}
_FALLBACK = ("servicos-agendamento", "ecommerce-loja", "delivery-cardapio")
_SAMPLE_FOR = {"outro": "servicos"}


@dataclass(frozen=True)
class Step:
    key: str
    done: bool


@dataclass(frozen=True)
class Progress:
    steps: tuple[Step, ...]
    dismissed: bool
    niche: str
    simulator_id: int | None  # the number the template was installed on (to test it)
    real_id: int | None  # the first WhatsApp number, connected or not

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.steps if s.done)

    @property
    def finished(self) -> bool:
        return all(s.done for s in self.steps)

    @property
    def next_step(self) -> str:
        return next((s.key for s in self.steps if not s.done), "")


def _tenant(session: Session, tenant_id: int) -> Tenant:
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound("error.not_found")
    return tenant


def progress(session: Session, *, tenant_id: int) -> Progress:
    tenant = _tenant(session, tenant_id)
    numbers = list(session.exec(select(Instance).where(Instance.tenant_id == tenant_id)
                                .order_by(Instance.id)).all())
    active_on = set(session.exec(select(Flow.instance_id).where(
        Flow.tenant_id == tenant_id, Flow.status == "active")).all())
    sims = [i for i in numbers if i.channel == ChannelKind.SIMULATOR]
    reals = [i for i in numbers if i.channel == ChannelKind.WHATSAPP_CLOUD]
    connected = [i for i in reals if i.status == InstanceStatus.CONNECTED]
    tested = bool(sims) and session.exec(
        select(Message.id).join(Conversation, Conversation.id == Message.conversation_id)
        .where(Conversation.tenant_id == tenant_id,
               Conversation.instance_id.in_([i.id for i in sims]),  # type: ignore[union-attr]
               Message.direction == "out").limit(1)).first() is not None
    items = session.exec(select(func.count()).select_from(KnowledgeItem).where(
        KnowledgeItem.tenant_id == tenant_id)).one()
    sim_with_flow = next((i.id for i in sims if i.id in active_on), None)
    real = (connected or reals or [None])[0]
    steps = (
        Step("template", bool(active_on)),
        Step("simulator", tested),
        Step("ai", int(items) > 0),
        Step("connect", bool(connected)),
        Step("live", any(i.id in active_on for i in connected)),
    )
    return Progress(steps, tenant.onboarding_dismissed, tenant.niche,
                    sim_with_flow or (sims[0].id if sims else None),
                    real.id if real is not None else None)


def suggested_template(session: Session, *, tenant_id: int) -> marketplace.TemplateCard | None:
    """The template to start from: the niche's own if the business may use it, else a free
    one; None when the marketplace is empty."""
    tenant = _tenant(session, tenant_id)
    cards = {c.slug: c for c in marketplace.list_templates(session, tenant_id=tenant_id)}
    for slug in (_PREFERRED.get(tenant.niche), *_FALLBACK):
        card = cards.get(slug or "")
        if card is not None and not card.locked:
            return card
    return next((c for c in cards.values() if not c.locked), None)


def set_niche(session: Session, *, tenant_id: int, niche: str) -> None:
    if niche not in NICHES:
        raise FieldErrors({"niche": "error.niche_invalid"})
    tenant = _tenant(session, tenant_id)
    tenant.niche = niche
    session.add(tenant)
    session.flush()


def simulator_number(session: Session, *, tenant_id: int) -> Instance:
    """The business's first simulator number, created when it has none (it takes no plan
    slot: it is not a WhatsApp number)."""
    found = session.exec(select(Instance).where(
        Instance.tenant_id == tenant_id, Instance.channel == ChannelKind.SIMULATOR)
        .order_by(Instance.id)).first()
    if found is not None:
        return found
    return instances.create_instance(session, tenant_id=tenant_id, name=SIMULATOR_NAME,
                                     channel=ChannelKind.SIMULATOR)


def _values_for(session: Session, tenant: Tenant, slug: str) -> dict[str, str]:
    values = default_values(marketplace.published_parameters(session, slug=slug))
    name_key = next((k for k in values if k.startswith("nome_")), None)
    if name_key:
        values[name_key] = tenant.name
    return values


def install_on(session: Session, *, tenant_id: int, slug: str, instance_id: int) -> int:
    """Install `slug` on the number with the business's name and the sample values; a
    template already on that number counts as done. Returns the number's id."""
    tenant = _tenant(session, tenant_id)
    already = session.exec(select(TenantTemplate.id).join(
        AutomationTemplate, AutomationTemplate.id == TenantTemplate.template_id).where(
        TenantTemplate.tenant_id == tenant_id, TenantTemplate.instance_id == instance_id,
        AutomationTemplate.slug == slug, TenantTemplate.flow_id.is_not(None))).first()
    if already is None:
        marketplace.install_template(session, tenant_id=tenant_id, slug=slug,
                                     instance_id=instance_id,
                                     values=_values_for(session, tenant, slug),
                                     replace_active=True)
    return instance_id


def install_suggested(session: Session, *, tenant_id: int, slug: str) -> int:
    """Step 1: the template on the simulator number. Returns that number's id."""
    sim = simulator_number(session, tenant_id=tenant_id)
    return install_on(session, tenant_id=tenant_id, slug=slug, instance_id=sim.id)


def go_live(session: Session, *, tenant_id: int, slug: str) -> int:
    """Step 5: the same template on the connected WhatsApp number."""
    real = session.exec(select(Instance).where(
        Instance.tenant_id == tenant_id, Instance.channel == ChannelKind.WHATSAPP_CLOUD,
        Instance.status == InstanceStatus.CONNECTED).order_by(Instance.id)).first()
    if real is None:
        raise ServiceError("onboarding.error.not_connected")
    return install_on(session, tenant_id=tenant_id, slug=slug, instance_id=real.id)


def load_sample_catalog(session: Session, *, tenant_id: int, instance_id: int) -> int:
    """Step 3: a catalog of the niche to start "Treinar IA" from (the business edits or
    replaces it), and the AI answering what no flow understands. Returns how many items
    were added."""
    tenant = _tenant(session, tenant_id)
    inst = instances.get_instance(session, tenant_id=tenant_id, instance_id=instance_id)
    name = _SAMPLE_FOR.get(tenant.niche, tenant.niche)
    path = SAMPLES / f"{name}.csv"
    added = knowledge.import_upload(session, tenant_id=tenant_id, instance_id=inst.id,
                                    filename=path.name, data=path.read_bytes(),
                                    kind="product")
    # The point of the step: customers' questions no flow understands get answers from it.
    ai.save_config(session, tenant_id=tenant_id, instance_id=inst.id,
                   data={"enabled": True, "fallback_enabled": True})
    return added


def dismiss(session: Session, *, tenant_id: int, dismissed: bool = True) -> None:
    tenant = _tenant(session, tenant_id)
    tenant.onboarding_dismissed = dismissed
    session.add(tenant)
    session.flush()

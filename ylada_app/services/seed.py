"""Seed data: the plan catalogue and marketplace templates (always) and the demo accounts
(embedded default only).

Idempotent: running it twice changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from ylada_app.models import Instance, Plan, Tenant, User
from ylada_app.services import auth, flows, instances

PLANS = [
    # code, name, price (centavos), instances, active flows, msgs/month, AI tokens, premium, trial
    ("gratis", "Grátis", 0, 1, 2, 1_000, 20_000, False, 14),
    ("starter", "Starter", 9_700, 1, 5, 10_000, 200_000, False, 0),
    ("pro", "Pro", 24_700, 3, 20, 50_000, 1_000_000, True, 0),
    ("business", "Business", 59_700, 10, 100, 250_000, 5_000_000, True, 0),
]

DEMO_ADMIN_EMAIL = "admin@ylada.com.br"
DEMO_OWNER_EMAIL = "demo@ylada.com.br"
DEMO_PASSWORD = "ylada-demo-2026"
DEMO_TENANT = "Distribuidora Demo"


def seed_plans(session: Session) -> int:
    created = 0
    for order, (code, name, price, inst, max_flows, msgs, ai, premium, trial) in enumerate(PLANS):
        if session.exec(select(Plan).where(Plan.code == code)).first() is not None:
            continue
        session.add(
            Plan(
                code=code, name=name, price_cents=price, max_instances=inst,
                max_active_flows=max_flows, max_messages_month=msgs, max_ai_tokens_month=ai,
                premium_templates=premium, trial_days=trial, sort_order=order,
                white_label=(code == "business"),  # own brand: Business plan
            )
        )
        created += 1
    session.flush()
    return created


@dataclass(frozen=True)
class DemoLogins:
    admin_email: str
    owner_email: str
    password: str


def seed_catalog(session: Session) -> tuple[int, int]:
    """Everything a fresh installation needs: the plans and the marketplace templates."""
    from ylada_app.services.marketplace import seed_templates

    return seed_plans(session), seed_templates(session)


def seed_demo(session: Session) -> DemoLogins:
    seed_catalog(session)
    if session.exec(select(User).where(User.email == DEMO_ADMIN_EMAIL)).first() is None:
        auth.create_user(
            session, email=DEMO_ADMIN_EMAIL, name="Admin ylada", password=DEMO_PASSWORD,
            is_platform_admin=True,
        )
    if session.exec(select(User).where(User.email == DEMO_OWNER_EMAIL)).first() is None:
        _, tenant = auth.signup(
            session, name="Dona Demo", email=DEMO_OWNER_EMAIL, password=DEMO_PASSWORD,
            tenant_name=DEMO_TENANT, niche="distribuidores", email_verified=True,
        )
    else:
        tenant = session.exec(select(Tenant).where(Tenant.name == DEMO_TENANT)).first()
    if tenant is not None and not session.exec(
        select(Instance).where(Instance.tenant_id == tenant.id)
    ).first():
        inst = instances.create_instance(
            session, tenant_id=tenant.id, name="Simulador de vendas", channel="simulator"
        )
        menu = json.loads((Path(__file__).resolve().parents[1] / "engine" / "examples" /
                           "menu.json").read_text("utf-8"))
        flow = flows.create_flow(session, tenant_id=tenant.id, instance_id=inst.id,
                                 name="Menu da loja", definition=menu)
        flows.publish(session, tenant_id=tenant.id, flow_id=flow.id)
        _seed_demo_knowledge(session, tenant.id, inst.id)
        _seed_demo_audience(session, tenant.id, inst.id)
    return DemoLogins(DEMO_ADMIN_EMAIL, DEMO_OWNER_EMAIL, DEMO_PASSWORD)


def _seed_demo_knowledge(session: Session, tenant_id: int, instance_id: int) -> None:
    """The example catalog and FAQ, so "Treinar IA" has something to show (AI fallback off)."""
    from ylada_app.services import knowledge

    examples = Path(__file__).resolve().parents[1] / "testing" / "examples"
    for name, kind in (("catalogo.csv", "product"), ("faq.csv", "faq")):
        knowledge.import_upload(session, tenant_id=tenant_id, instance_id=instance_id,
                                filename=name, data=(examples / name).read_bytes(), kind=kind)


DEMO_CUSTOMERS = ("Ana Souza", "Bruno Lima", "Carla Dias", "Diego Alves", "Elisa Rocha",
                  "Fábio Nunes", "Gabriela Reis", "Heitor Costa", "Isabela Melo", "João Pires")


def _seed_demo_audience(session: Session, tenant_id: int, instance_id: int) -> None:
    """Contacts who agreed to receive offers (an imported list) and an approved template,
    so "Transmissões" can be tried at once."""
    from ylada_app.services import contacts, message_templates

    for i, name in enumerate(DEMO_CUSTOMERS):
        contact, _ = contacts.upsert_contact(
            session, tenant_id=tenant_id, instance_id=instance_id,
            phone=f"55119{87650100 + i:08d}", name=name,
            tags=["clientes", "vip"] if i % 3 == 0 else ["clientes"])
        if i < 8:  # two never agreed: they stay out of every broadcast
            before = (contact.opted_out, contact.opted_in_at is not None)
            contacts.record_consent(contact, True, "import")
            session.add(contact)
            session.flush()
            contacts.prove(session, contact, before, "import",  # its LGPD proof
                           evidence={"file": "clientes-demo.csv"})
        session.add(contact)
    message_templates.create(session, tenant_id=tenant_id, instance_id=instance_id,
                             draft=message_templates.Draft(
                                 name="oferta_da_semana", language="pt_BR",
                                 category="MARKETING",
                                 body="Olá {{1}}! Oferta da semana: {{2}}. Responda SAIR para "
                                      "não receber mais ofertas.",
                                 body_examples=["Ana", "arroz 5 kg por R$ 24,90"],
                                 footer="Distribuidora Demo"))

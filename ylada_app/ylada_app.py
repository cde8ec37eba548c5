"""The Reflex app: pages, routes and the HTTP API mounted with `api_transformer`."""

from __future__ import annotations

import reflex as rx

from ylada_app.api import app as api_app
from ylada_app.api import edge
from ylada_app.pages.account import AccountState, account_page
from ylada_app.pages.admin import AdminState, AdminTenantState, admin_page, admin_tenant_page
from ylada_app.pages.admin_audit import AdminAuditState, admin_audit_page
from ylada_app.pages.admin_dashboard import AdminDashState, admin_dashboard_page
from ylada_app.pages.admin_templates import (
    AdminTemplateEditState,
    AdminTemplatesState,
    admin_template_edit_page,
    admin_templates_page,
)
from ylada_app.pages.agency import AgencyState, agency_page
from ylada_app.pages.ai import AiState, ai_page
from ylada_app.pages.analytics import AnalyticsState, analytics_page
from ylada_app.pages.api_keys import ApiKeysState, api_keys_page
from ylada_app.pages.audit import AuditState, audit_page
from ylada_app.pages.billing import PlanBillingState, billing_page
from ylada_app.pages.blocked import BlockedState, blocked_page
from ylada_app.pages.brand import BrandSettingsState, brand_page
from ylada_app.pages.broadcasts import BroadcastsState, broadcasts_page
from ylada_app.pages.connect import ConnectState, connect_page
from ylada_app.pages.contacts import ContactsState, ContactState, contact_page, contacts_page
from ylada_app.pages.dashboard import DashboardState, dashboard_page
from ylada_app.pages.dev_mailbox import MailboxState, mailbox_page
from ylada_app.pages.flow_editor import FlowEditorState, flow_editor_page
from ylada_app.pages.flows import FlowsState, flows_page
from ylada_app.pages.help import HelpState, help_page
from ylada_app.pages.inbox import InboxState, inbox_page
from ylada_app.pages.index import IndexState, index_page
from ylada_app.pages.instances import (
    InstanceDetailState,
    InstancesState,
    NewInstanceState,
    instance_detail_page,
    instances_page,
    new_instance_page,
)
from ylada_app.pages.invite import InviteState, invite_page
from ylada_app.pages.legal import AdminLegalState, LegalState, admin_legal_page, legal_page
from ylada_app.pages.login import LoginState, login_page
from ylada_app.pages.marketplace import MarketplaceState, marketplace_page
from ylada_app.pages.marketplace_template import TemplateState, template_page
from ylada_app.pages.message_templates import TemplatesState, templates_page
from ylada_app.pages.not_found import NotFoundState, not_found_page
from ylada_app.pages.number_health import NumberHealthState, number_health_page
from ylada_app.pages.onboarding import OnboardingState, onboarding_page
from ylada_app.pages.password_reset import ForgotState, ResetState, forgot_page, reset_page
from ylada_app.pages.plans import PlansState, plans_page
from ylada_app.pages.privacy_requests import PrivacyRequestsState, privacy_requests_page
from ylada_app.pages.privacy_settings import PrivacySettingsState, privacy_settings_page
from ylada_app.pages.revenue import RevenueState, revenue_page
from ylada_app.pages.signup import SignupState, signup_page
from ylada_app.pages.simulator import SimulatorState, simulator_page
from ylada_app.pages.team import TeamState, team_page
from ylada_app.pages.tenants import NewTenantState, new_tenant_page
from ylada_app.pages.usage import UsageState, usage_page
from ylada_app.pages.verify_email import VerifyEmailState, verify_email_page
from ylada_app.pages.webhooks import WebhooksState, webhooks_page
from ylada_app.state import event_guard

edge.install(rx.App)  # CORS, security headers, upload cap (api/edge.py says why)
event_guard.install()  # forged event arguments are dropped (state/event_guard.py)
app = rx.App(
    api_transformer=api_app,
    stylesheets=["/a11y.css", "/layout.css"],
    head_components=[rx.el.meta(name="description", content="ylada — bots de WhatsApp")],
)
edge.check_sockets(app)

app.add_page(index_page, route="/", title="ylada", on_load=IndexState.load)
# an address that does not exist: our page, in the visitor's language, with a way back
app.add_page(not_found_page, route="404", title="Página não encontrada · ylada",
             on_load=NotFoundState.load)
app.add_page(login_page, route="/login", title="Entrar · ylada", on_load=LoginState.on_load)
app.add_page(signup_page, route="/signup", title="Criar conta · ylada",
             on_load=SignupState.on_load)
app.add_page(verify_email_page, route="/verify-email", title="Confirmar e-mail · ylada",
             on_load=VerifyEmailState.load)
app.add_page(forgot_page, route="/forgot", title="Esqueci minha senha · ylada",
             on_load=ForgotState.load)
app.add_page(reset_page, route="/reset-password", title="Nova senha · ylada",
             on_load=ResetState.load)
app.add_page(invite_page, route="/invite/[token]", title="Convite · ylada",
             on_load=InviteState.load)
app.add_page(inbox_page, route="/inbox", title="Atendimento · ylada", on_load=InboxState.load)
app.add_page(contacts_page, route="/contacts", title="Contatos · ylada",
             on_load=ContactsState.load)
app.add_page(contact_page, route="/contacts/[cid]", title="Contato · ylada",
             on_load=ContactState.load)
app.add_page(account_page, route="/account", title="Minha conta · ylada",
             on_load=AccountState.load)
app.add_page(mailbox_page, route="/dev/emails", title="E-mails locais · ylada",
             on_load=MailboxState.load)
app.add_page(admin_audit_page, route="/admin/audit", title="Auditoria · ylada",
             on_load=AdminAuditState.load)
app.add_page(dashboard_page, route="/dashboard", title="Painel · ylada",
             on_load=DashboardState.load)
app.add_page(number_health_page, route="/instances/[iid]/health",
             title="Saúde do número · ylada", on_load=NumberHealthState.load)
app.add_page(help_page, route="/help", title="Ajuda · ylada", on_load=HelpState.load)
app.add_page(help_page, route="/help/[topic]", title="Ajuda · ylada", on_load=HelpState.load)
app.add_page(onboarding_page, route="/onboarding", title="Primeiros passos · ylada",
             on_load=OnboardingState.load)
app.add_page(instances_page, route="/instances", title="Instâncias · ylada",
             on_load=InstancesState.load)
app.add_page(new_instance_page, route="/instances/new", title="Nova instância · ylada",
             on_load=NewInstanceState.load)
app.add_page(instance_detail_page, route="/instances/[iid]", title="Instância · ylada",
             on_load=InstanceDetailState.load)
app.add_page(connect_page, route="/instances/[iid]/connect", title="Conectar WhatsApp · ylada",
             on_load=ConnectState.load)
app.add_page(templates_page, route="/instances/[iid]/templates",
             title="Modelos de mensagem · ylada", on_load=TemplatesState.load)
app.add_page(simulator_page, route="/instances/[iid]/simulator", title="Simulador · ylada",
             on_load=SimulatorState.load)
app.add_page(new_tenant_page, route="/tenants/new", title="Nova empresa · ylada",
             on_load=NewTenantState.load)
app.add_page(broadcasts_page, route="/broadcasts", title="Transmissões · ylada",
            on_load=BroadcastsState.load)
app.add_page(flows_page, route="/flows", title="Fluxos · ylada", on_load=FlowsState.load)
app.add_page(ai_page, route="/ai", title="Treinar IA · ylada", on_load=AiState.load)
app.add_page(flow_editor_page, route="/flows/[fid]/edit", title="Editor de fluxo · ylada",
             on_load=FlowEditorState.load)
app.add_page(flow_editor_page, route="/admin/templates/[tid]/flow",
             title="Fluxo do modelo · ylada", on_load=FlowEditorState.load)
app.add_page(team_page, route="/team", title="Equipe · ylada", on_load=TeamState.load)
app.add_page(api_keys_page, route="/settings/api", title="API · ylada",
             on_load=ApiKeysState.load)
app.add_page(brand_page, route="/settings/brand", title="Marca própria · ylada",
             on_load=BrandSettingsState.load)
app.add_page(agency_page, route="/agency", title="Clientes da agência · ylada",
             on_load=AgencyState.load)
app.add_page(webhooks_page, route="/settings/webhooks", title="Webhooks · ylada",
             on_load=WebhooksState.load)
app.add_page(privacy_settings_page, route="/settings/privacy",
             title="Privacidade e retenção · ylada", on_load=PrivacySettingsState.load)
app.add_page(legal_page, route="/legal/privacy", title="Política de privacidade · ylada",
             on_load=LegalState.load)
app.add_page(legal_page, route="/legal/dpa", title="Acordo de tratamento de dados · ylada",
             on_load=LegalState.load)
app.add_page(admin_legal_page, route="/admin/legal", title="Documentos legais · ylada",
             on_load=AdminLegalState.load)
app.add_page(audit_page, route="/settings/audit", title="Auditoria · ylada",
             on_load=AuditState.load)
app.add_page(privacy_requests_page, route="/privacy/requests",
             title="Solicitações LGPD · ylada", on_load=PrivacyRequestsState.load)
app.add_page(blocked_page, route="/blocked", title="Acesso suspenso · ylada",
             on_load=BlockedState.load)
app.add_page(admin_page, route="/admin", title="Administração · ylada", on_load=AdminState.load)
app.add_page(admin_tenant_page, route="/admin/tenants/[tid]", title="Empresa · ylada",
             on_load=AdminTenantState.load)
app.add_page(plans_page, route="/plans", title="Planos · ylada", on_load=PlansState.load)
app.add_page(billing_page, route="/billing", title="Plano e cobrança · ylada",
             on_load=PlanBillingState.load)
app.add_page(usage_page, route="/usage", title="Uso do plano · ylada", on_load=UsageState.load)
app.add_page(revenue_page, route="/revenue", title="Receita · ylada", on_load=RevenueState.load)
app.add_page(marketplace_page, route="/marketplace", title="Marketplace · ylada",
             on_load=MarketplaceState.load)
app.add_page(template_page, route="/marketplace/[slug]", title="Template · ylada",
             on_load=TemplateState.load)
app.add_page(admin_templates_page, route="/admin/templates", title="Templates · ylada",
             on_load=AdminTemplatesState.load)
app.add_page(admin_template_edit_page, route="/admin/templates/[tid]",
             title="Editar template · ylada", on_load=AdminTemplateEditState.load)
app.add_page(analytics_page, route="/analytics", title="Relatórios · ylada",
             on_load=AnalyticsState.load)
app.add_page(admin_dashboard_page, route="/admin/dashboard", title="Painel da plataforma · ylada",
             on_load=AdminDashState.load)


@app.register_lifespan_task
async def embedded_sweeper():
    """Embedded default (no Redis): the app process also fires delays and recovers stuck
    work. With Redis, `ylada worker` processes do this instead."""
    import asyncio

    from ylada_app.core.settings import get_settings
    from ylada_app.jobs.sweeper import start_in_thread

    if not get_settings().jobs_in_process:
        return
    stop = start_in_thread(interval_s=1.0)
    try:
        while True:
            await asyncio.sleep(3600)
    finally:
        stop.set()

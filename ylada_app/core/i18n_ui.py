"""UI labels (pt-BR, English). Merged with the service messages by `i18n.catalog`."""

from __future__ import annotations

UI_TEXTS: dict[str, tuple[str, str]] = {
    "app.tagline": ("Bots de WhatsApp que vendem por você", "WhatsApp bots that sell for you"),
    "nav.dashboard": ("Painel", "Dashboard"),
    "nav.instances": ("Instâncias", "Instances"),
    "nav.team": ("Equipe", "Team"),
    "nav.group.service": ("Clientes", "Customers"),
    "nav.group.automation": ("Automação", "Automation"),
    "nav.group.account": ("Resultados e plano", "Results and plan"),
    "nav.settings": ("Configurações", "Settings"),
    "nav.new_tenant": ("Nova empresa", "New business"),
    "nav.admin": ("Administração", "Administration"),
    "nav.logout": ("Sair", "Log out"),
    "nav.menu": ("Menu", "Menu"),
    "nav.language": ("English", "Português"),
    "nav.tenant": ("Empresa", "Business"),
    "common.save": ("Salvar", "Save"),
    "common.saved": ("Alterações salvas.", "Changes saved."),
    "common.cancel": ("Cancelar", "Cancel"),
    "common.back": ("Voltar", "Back"),
    "common.loading": ("Carregando…", "Loading…"),
    "common.status": ("Status", "Status"),
    "common.name": ("Nome", "Name"),
    "common.actions": ("Ações", "Actions"),
    "common.created": ("Criada em", "Created"),
    "common.search": ("Buscar", "Search"),
    "common.copy": ("Copiar", "Copy"),
    "common.not_found_title": ("Não encontrado", "Not found"),
    "notfound.title": ("Página não encontrada", "Page not found"),
    "notfound.body": ("Este endereço não existe no ylada. Confira o link ou volte ao painel.",
                      "This address does not exist in ylada. Check the link or go back to "
                      "the dashboard."),
    "notfound.home": ("Ir para o painel", "Go to the dashboard"),
    "common.not_found_body": (
        "Este item não existe ou não pertence à sua empresa.",
        "This item does not exist or does not belong to your business.",
    ),
    "outbound.busy": ("Aguarde a resposta anterior terminar e tente de novo.", "Wait for the previous answer to finish and try again."),
    "status.draft": ("Rascunho", "Draft"),
    "status.connected": ("Conectada", "Connected"),
    "status.error": ("Com erro", "Error"),
    "status.disabled": ("Desativada", "Disabled"),
    "status.active": ("Ativa", "Active"),
    "status.suspended": ("Suspensa", "Suspended"),
    "status.trialing": ("Em teste", "Trialing"),
    "status.past_due": ("Pagamento atrasado", "Past due"),
    "status.canceled": ("Cancelada", "Canceled"),
    "channel.simulator": ("Simulador", "Simulator"),
    "channel.whatsapp_cloud": ("WhatsApp Cloud API", "WhatsApp Cloud API"),
    "role.owner": ("Proprietário", "Owner"),
    "role.admin": ("Administrador", "Admin"),
    "role.agent": ("Atendente", "Agent"),
    "niche.distribuidores": ("Distribuidores (B2B)", "Distributors (B2B)"),
    "niche.ecommerce": ("E-commerce", "E-commerce"),
    "niche.servicos": ("Serviços", "Services"),
    "niche.educacao": ("Educação", "Education"),
    "niche.delivery": ("Delivery", "Delivery"),
    "niche.outro": ("Outro", "Other"),
    # auth
    "login.title": ("Entrar no ylada", "Log in to ylada"),
    "login.email": ("E-mail", "E-mail"),
    "login.password": ("Senha", "Password"),
    "login.submit": ("Entrar", "Log in"),
    "login.no_account": ("Ainda não tem conta?", "No account yet?"),
    "login.signup_link": ("Criar conta grátis", "Create a free account"),
    "signup.title": ("Crie sua conta", "Create your account"),
    "signup.subtitle": ("14 dias grátis, sem cartão.", "14 days free, no card needed."),
    "signup.name": ("Seu nome", "Your name"),
    "signup.tenant_name": ("Nome da empresa", "Business name"),
    "signup.niche": ("Segmento", "Niche"),
    "signup.submit": ("Criar conta", "Create account"),
    "signup.have_account": ("Já tem conta?", "Already have an account?"),
    "signup.login_link": ("Entrar", "Log in"),
    "signup.password_hint": ("Mínimo de 8 caracteres, com letras e números.", "At least 8 characters, with letters and digits."),
    # dashboard
    "dashboard.title": ("Painel", "Dashboard"),
    "dashboard.hello": ("Olá, {name}!", "Hello, {name}!"),
    "dashboard.instances": ("Suas instâncias", "Your instances"),
    "dashboard.empty": (
        "Nenhuma instância ainda. Crie um simulador para testar ou conecte seu número do WhatsApp.",
        "No instances yet. Create a simulator to test or connect your WhatsApp number.",
    ),
    "dashboard.new_instance": ("Nova instância", "New instance"),
    "dashboard.current": ("Em uso", "Current"),
    "dashboard.use": ("Usar esta", "Use this one"),
    "dashboard.count_instances": ("Instâncias", "Instances"),
    "dashboard.count_connected": ("WhatsApp conectados", "WhatsApp connected"),
    "dashboard.plan": ("Plano", "Plan"),
    # instances
    "instances.title": ("Instâncias", "Instances"),
    "instances.subtitle": ("Cada instância é um número de WhatsApp (ou um simulador).", "Each instance is a WhatsApp number (or a simulator)."),
    "instances.new": ("Nova instância", "New instance"),
    "instances.new_title": ("Criar instância", "Create instance"),
    "instances.channel": ("Canal", "Channel"),
    "instances.channel_help": (
        "O simulador funciona na hora; o WhatsApp Cloud API precisa das credenciais da Meta.",
        "The simulator works at once; the WhatsApp Cloud API needs Meta credentials.",
    ),
    "instances.create": ("Criar", "Create"),
    "instances.number": ("Número", "Number"),
    "instances.edit": ("Editar", "Edit"),
    "instances.connect": ("Conectar WhatsApp", "Connect WhatsApp"),
    "instances.disable": ("Desativar", "Disable"),
    "instances.enable": ("Reativar", "Enable"),
    "instances.disabled_note": ("Instância desativada: o bot não responde.", "Instance disabled: the bot does not reply."),
    "instances.settings": ("Configurações da instância", "Instance settings"),
    "instances.empty": ("Nenhuma instância ainda.", "No instances yet."),
    # connect
    "connect.title": ("Conectar WhatsApp", "Connect WhatsApp"),
    "connect.intro": (
        "Cole aqui as credenciais do app no painel da Meta (WhatsApp > Configuração da API). Verificamos com a Meta antes de salvar.",
        "Paste your app's credentials from Meta's dashboard (WhatsApp > API Setup). We check them with Meta before saving.",
    ),
    "connect.phone_number_id": ("Phone number ID", "Phone number ID"),
    "connect.waba_id": ("ID da conta do WhatsApp Business (opcional)", "WhatsApp Business account ID (optional)"),
    "connect.access_token": ("Token de acesso permanente", "Permanent access token"),
    "connect.app_secret": ("Chave secreta do app", "App secret"),
    "connect.submit": ("Verificar e conectar", "Verify and connect"),
    "connect.checking": ("Verificando com a Meta…", "Checking with Meta…"),
    "connect.success": ("Número conectado: {number}", "Number connected: {number}"),
    "connect.webhook_title": ("Webhook para colar na Meta", "Webhook to paste into Meta"),
    "connect.callback_url": ("URL de retorno (callback)", "Callback URL"),
    "connect.verify_token": ("Token de verificação", "Verify token"),
    "connect.webhook_help": (
        "Em WhatsApp > Configuração, informe estes dois valores e assine os campos do webhook:",
        "In WhatsApp > Configuration, enter these two values and subscribe to the webhook "
        "fields:",
    ),
    "connect.fields_needed": ("Obrigatório (as mensagens dos clientes)",
                              "Required (customers' messages)"),
    "connect.fields_notices": ("Para os avisos da Meta chegarem na hora (qualidade, limites, "
                               "modelos, quem parou de receber ofertas)",
                               "For Meta's notices to arrive at once (quality, limits, "
                               "templates, who stopped offers)"),
    "connect.fields_app": ("Se o número também fica no app WhatsApp Business: o que você "
                           "responder pelo celular aparece aqui (e o bot pausa nessa "
                           "conversa), as conversas antigas do app são trazidas e os contatos "
                           "da agenda chegam com o nome que você deu",
                           "If the number also stays in the WhatsApp Business app: what you "
                           "answer from the phone shows here (and the bot pauses in that "
                           "conversation), the app's past chats are brought in and its "
                           "contacts arrive with the names you gave them"),
    "connect.demo_title": ("Demonstração sem conta da Meta", "Demo without a Meta account"),
    "connect.demo_note": (
        "Este ylada roda com uma Meta de demonstração local: nenhuma mensagem sai para o WhatsApp de verdade. Conecte o número de demonstração para ver o número ativo, a saúde do número e os envios.",
        "This ylada runs with a local demo Meta: no message goes out to real WhatsApp. Connect the demo number to see a connected number, number health and sends.",
    ),
    "connect.demo_submit": ("Conectar o número de demonstração", "Connect the demo number"),
    "connect.secrets_note": ("Token e chave ficam criptografados; não são exibidos de novo.", "Token and secret are stored encrypted and never shown again."),
    # tenants
    "tenant_new.title": ("Nova empresa", "New business"),
    "tenant_new.subtitle": ("Cada empresa tem suas instâncias, fluxos e plano.", "Each business has its own instances, flows and plan."),
    "tenant_new.submit": ("Criar empresa", "Create business"),
    # team
    "team.title": ("Equipe", "Team"),
    "team.subtitle": ("Pessoas com acesso a esta empresa.", "People with access to this business."),
    "team.invite": ("Convidar", "Invite"),
    "team.invite_title": ("Convidar pessoa", "Invite someone"),
    "team.invite_help": (
        "Enviamos um link para o e-mail; a pessoa entra na empresa ao abrir o link (vale por 7 dias).",
        "We e-mail a link; the person joins the business by opening it (valid for 7 days).",
    ),
    "team.role": ("Papel", "Role"),
    "team.pending": ("Convite pendente", "Pending invitation"),
    "team.invited": ("Convite enviado para {email}.", "Invitation sent to {email}."),
    "team.owner_only": ("Somente o proprietário pode convidar pessoas.", "Only the owner can invite people."),
    # blocked
    "blocked.title": ("Acesso suspenso", "Access suspended"),
    "blocked.body": (
        "A conta da empresa {tenant} está suspensa. Seus bots não estão respondendo. Fale com o suporte do ylada para reativar.",
        "The account of {tenant} is suspended. Its bots are not replying. Contact ylada support to reactivate it.",
    ),
    "blocked.reason": ("Motivo", "Reason"),
    "blocked.switch": ("Trocar de empresa", "Switch business"),
    # flows
    "nav.flows": ("Fluxos", "Flows"),
    "flows.title": ("Fluxos", "Flows"),
    "flows.subtitle": (
        "Os fluxos ativos respondem no WhatsApp e no simulador da instância.",
        "Active flows answer on WhatsApp and in the instance's simulator.",
    ),
    "flows.import_title": ("Importar um fluxo exportado", "Import an exported flow"),
    "flows.import_help": (
        "Para quem recebeu o arquivo de um fluxo (botão Exportar do editor): cole o conteúdo "
        "dele aqui.",
        "For a flow's file you received (the editor's Export button): paste its content here.",
    ),
    "flows.instance": ("Instância", "Instance"),
    "flows.json": ("JSON do fluxo", "Flow JSON"),
    "flows.activate_now": ("Ativar agora", "Activate now"),
    "flows.import": ("Importar", "Import"),
    "flows.imported": ("Fluxo importado.", "Flow imported."),
    "flows.version": ("Versão", "Version"),
    "flows.activate": ("Ativar", "Activate"),
    "flows.deactivate": ("Desativar", "Deactivate"),
    "flows.empty": ("Nenhum fluxo ainda. Crie um aqui ou instale um pronto no Marketplace.", "No flows yet. Create one here or install a ready-made one from the Marketplace."),
    "flows.errors_title": ("O fluxo tem erros e não foi importado:", "The flow has errors and was not imported:"),
    "flows.test": ("Testar", "Test"),
    "status.inactive": ("Inativa", "Inactive"),
    "flow_status.active": ("Ativo", "Active"),
    "flow_status.inactive": ("Inativo", "Inactive"),
    # simulator
    "sim.title": ("Simulador", "Simulator"),
    "sim.subtitle": (
        "Converse com os fluxos ativos desta instância como um cliente no WhatsApp.",
        "Chat with this instance's active flows as a WhatsApp customer would.",
    ),
    "sim.placeholder": ("Digite uma mensagem", "Type a message"),
    "sim.restart": ("Recomeçar", "Restart"),
    "sim.typing": ("digitando…", "typing…"),
    "sim.online": ("online", "online"),
    "sim.empty": ("Diga \"oi\" para começar.", "Say \"hi\" to start."),
    "instances.simulator": ("Abrir simulador", "Open simulator"),
    # admin
    "admin.title": ("Empresas na plataforma", "Businesses on the platform"),
    "admin.owner": ("Proprietário", "Owner"),
    "admin.instances": ("Instâncias", "Instances"),
    "admin.plan": ("Plano", "Plan"),
    "admin.suspend": ("Suspender", "Suspend"),
    "admin.reactivate": ("Reativar", "Reactivate"),
    "admin.reason": ("Motivo da suspensão", "Suspension reason"),
    "admin.members": ("Pessoas", "People"),
    "admin.detail": ("Detalhes", "Details"),
    "admin.total": ("Total de empresas", "Total businesses"),
    "admin.suspended_count": ("Suspensas", "Suspended"),
    "admin.status_changed": ("Status atualizado.", "Status updated."),
    "admin.search_placeholder": ("Nome ou slug", "Name or slug"),
}


def _with_features() -> None:
    from ylada_app.core.texts import feature_texts

    for key, pair in feature_texts().items():
        UI_TEXTS.setdefault(key, pair)


_with_features()

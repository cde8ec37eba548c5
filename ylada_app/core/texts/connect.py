"""Texts of connecting a WhatsApp number (Embedded Signup) and of a number's health page."""

TEXTS = {
    "connect.es.title": ("Conectar com a sua conta da Meta", "Connect with your Meta account"),
    "connect.es.intro": (
        "O jeito mais rápido: entre com o Facebook, escolha (ou crie) a conta do WhatsApp "
        "Business e o número, e nós cuidamos do resto — token, webhooks e registro do número.",
        "The quickest way: sign in with Facebook, pick (or create) the WhatsApp Business "
        "account and number, and we do the rest — token, webhooks and number registration."),
    "connect.es.button": ("Continuar com o Facebook", "Continue with Facebook"),
    "connect.es.manual": ("Ou conecte manualmente", "Or connect manually"),
    "connect.es.step.exchange": ("Autorização da Meta recebida", "Meta authorization received"),
    "connect.es.step.number": ("Número encontrado com essa autorização",
                               "Number found with this authorization"),
    "connect.es.step.subscribe": ("Mensagens do número chegando ao ylada (webhooks)",
                                  "The number's messages reaching ylada (webhooks)"),
    "connect.es.step.register": ("Número registrado na API do WhatsApp",
                                 "Number registered on the WhatsApp API"),
    "connect.es.failed": ("A conexão parou no passo marcado. Tente de novo ou use o formulário "
                          "manual.",
                          "Connecting stopped at the marked step. Try again or use the manual "
                          "form."),
    "connect.es.pin_note": ("Número conectado. PIN de confirmação em duas etapas do número "
                            "(guarde-o):",
                            "Number connected. The number's two-step verification PIN (keep "
                            "it):"),
    "connect.es.not_configured": ("A conexão pelo Facebook não está configurada nesta "
                                  "instalação. Use o formulário manual.",
                                  "Connecting through Facebook is not set up on this "
                                  "installation. Use the manual form."),
    "connect.es.cancelled": ("A janela da Meta foi fechada antes de terminar. Tente de novo.",
                             "Meta's window was closed before finishing. Try again."),
    "connect.es.no_number": ("A Meta não informou a conta e o número escolhidos. Tente de novo "
                             "e conclua todas as etapas da janela.",
                             "Meta did not report the chosen account and number. Try again "
                             "and finish every step of the window."),
    # health page
    "health.open": ("Saúde do número", "Number health"),
    "health.title": ("Saúde do número", "Number health"),
    "health.subtitle": ("Como a Meta vê este número agora. Verificamos sozinhos a cada 6 horas.",
                        "How Meta sees this number now. We check on our own every 6 hours."),
    "health.check_now": ("Verificar agora", "Check now"),
    "health.never": ("Ainda não verificado.", "Not checked yet."),
    "health.checked_at": ("Última verificação", "Last check"),
    "health.token": ("Acesso à conta (token)", "Account access (token)"),
    "health.number": ("Número encontrado na Meta", "Number found at Meta"),
    "health.webhooks": ("Mensagens chegando ao ylada (webhooks)",
                        "Messages reaching ylada (webhooks)"),
    "health.quality": ("Qualidade do número", "Number quality"),
    "health.tier": ("Limite de conversas iniciadas por dia", "Business-initiated conversations per day"),
    "health.name": ("Nome de exibição", "Display name"),
    "health.yes": ("OK", "OK"),
    "health.no": ("Com problema", "Failing"),
    "health.unknown": ("Não informado", "Unknown"),
    "health.q.GREEN": ("Alta (verde)", "High (green)"),
    "health.q.YELLOW": ("Média (amarela): cuidado com bloqueios", "Medium (yellow): watch blocks"),
    "health.q.RED": ("Baixa (vermelha): envios podem ser limitados",
                     "Low (red): sending may be limited"),
    "health.name.APPROVED": ("Aprovado", "Approved"),
    "health.name.AVAILABLE_WITHOUT_REVIEW": ("Em uso (sem revisão)", "In use (no review)"),
    "health.name.PENDING_REVIEW": ("Em análise pela Meta", "Under review by Meta"),
    "health.name.DECLINED": ("Recusado pela Meta", "Declined by Meta"),
    "health.name.EXPIRED": ("Expirado", "Expired"),
    "health.not_whatsapp": ("Este número é um simulador: não há nada para verificar na Meta.",
                            "This number is a simulator: there is nothing to check at Meta."),
    "health.not_connected": ("Conecte o número primeiro.", "Connect the number first."),
    "health.notice": ("Último aviso da Meta", "Meta's latest notice"),
    "error.meta_disabled": ("A Meta desativou a conta do WhatsApp deste número.",
                            "Meta disabled this number's WhatsApp account."),
    # Meta's notices about a number (bell, e-mail, health page)
    "number.notice.FLAGGED": (
        "A qualidade do número caiu para baixa. Se não melhorar em 7 dias, a Meta pode "
        "diminuir o limite diário de conversas. Evite mensagens que os clientes bloqueiam ou "
        "denunciam.",
        "The number's quality dropped to low. If it does not improve within 7 days, Meta may "
        "lower its daily conversation limit. Avoid messages customers block or report."),
    "number.notice.UNFLAGGED": ("A qualidade do número voltou ao normal.",
                                "The number's quality is back to normal."),
    "number.notice.UPGRADE": (
        "Boa notícia: o número agora pode iniciar conversas com até {limit} pessoas por dia.",
        "Good news: the number may now start conversations with up to {limit} people a day."),
    "number.notice.DOWNGRADE": (
        "A Meta reduziu o limite do número: agora ele pode iniciar conversas com até {limit} "
        "pessoas por dia. As transmissões seguem esse limite.",
        "Meta lowered the number's limit: it may now start conversations with up to {limit} "
        "people a day. Broadcasts keep to it."),
    "number.notice.ACCOUNT_VIOLATION": (
        "A Meta registrou uma violação das políticas do WhatsApp ({reason}). Revise o que "
        "está sendo enviado: novas violações podem bloquear a conta.",
        "Meta recorded a WhatsApp policy violation ({reason}). Review what is being sent: "
        "further violations may get the account blocked."),
    "number.notice.DISABLED_UPDATE.SCHEDULE_FOR_DISABLE": (
        "A Meta agendou a desativação da conta do WhatsApp{on}. Recorra no Gerenciador do "
        "WhatsApp antes disso.",
        "Meta scheduled the WhatsApp account to be disabled{on}. Appeal in WhatsApp Manager "
        "before then."),
    "number.notice.DISABLED_UPDATE.DISABLE": (
        "A Meta desativou a conta do WhatsApp: o número não envia nem recebe mensagens. "
        "Recorra no Gerenciador do WhatsApp.",
        "Meta disabled the WhatsApp account: the number neither sends nor receives messages. "
        "Appeal in WhatsApp Manager."),
    "number.notice.DISABLED_UPDATE.REINSTATE": (
        "A Meta reativou a conta do WhatsApp: o número volta a funcionar.",
        "Meta reinstated the WhatsApp account: the number works again."),
    "number.notice.ACCOUNT_RESTRICTION": (
        "A Meta restringiu a conta do WhatsApp{until}: {reason}.",
        "Meta restricted the WhatsApp account{until}: {reason}."),
    "number.notice.ACCOUNT_DELETED": (
        "A conta do WhatsApp deste número foi apagada na Meta. Conecte o número de novo para "
        "voltar a atender.",
        "This number's WhatsApp account was deleted at Meta. Connect the number again to "
        "serve customers."),
    "number.notice.NAME_APPROVED": (
        "A Meta aprovou o nome de exibição “{name}”: é ele que os clientes veem no WhatsApp.",
        "Meta approved the display name “{name}”: customers see it in WhatsApp."),
    "number.notice.TEMPLATE_RED": (
        "O modelo “{name}” está com qualidade baixa na Meta: muitos clientes bloquearam ou "
        "denunciaram essas mensagens. Se continuar assim, a Meta pausa o modelo — envie só "
        "para quem pediu e deixe claro como sair da lista.",
        "The template “{name}” has low quality at Meta: many customers blocked or reported "
        "these messages. If it stays so, Meta pauses the template — send it only to people "
        "who asked and make it clear how to opt out."),
    "number.notice.NAME_REJECTED": (
        "A Meta recusou o nome de exibição “{name}” ({reason}). Escolha outro no Gerenciador "
        "do WhatsApp, seguindo as regras de nome da Meta.",
        "Meta rejected the display name “{name}” ({reason}). Choose another in WhatsApp "
        "Manager, following Meta's naming rules."),
}

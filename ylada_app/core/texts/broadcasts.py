"""Texts of broadcasts: a template sent to the contacts who agreed to receive messages."""

TEXTS = {
    "nav.broadcasts": ("Transmissões", "Broadcasts"),
    "broadcasts.title": ("Transmissões", "Broadcasts"),
    "broadcasts.subtitle": (
        "Envie um modelo aprovado pela Meta aos contatos que aceitaram receber suas mensagens.",
        "Send a Meta-approved template to the contacts who agreed to receive your messages."),
    "broadcasts.none": ("Nenhuma transmissão ainda. Crie a primeira ao lado.",
                        "No broadcasts yet. Create the first one alongside."),
    "broadcasts.new": ("Nova transmissão", "New broadcast"),
    "broadcasts.name": ("Nome (só para você)", "Name (for you only)"),
    "broadcasts.name_ph": ("Ex.: Promoção de Natal", "E.g. Christmas offer"),
    "broadcasts.number": ("Número de WhatsApp", "WhatsApp number"),
    "broadcasts.template": ("Modelo de mensagem", "Message template"),
    "broadcasts.no_templates": (
        "Este número não tem modelos aprovados. Crie um em Instâncias → Modelos de mensagem.",
        "This number has no approved templates. Create one under Instances → Message "
        "templates."),
    "broadcasts.vars": ("O que preenche cada lacuna do modelo", "What fills each blank"),
    "broadcasts.var_source": ("Preencher com", "Fill with"),
    "broadcasts.src.name": ("Nome do contato", "Contact's name"),
    "broadcasts.src.phone": ("Telefone do contato", "Contact's phone"),
    "broadcasts.src.field": ("Campo do contato", "Contact field"),
    "broadcasts.src.text": ("Texto fixo", "Fixed text"),
    "broadcasts.field_ph": ("Nome do campo, ex.: cidade", "Field name, e.g. city"),
    "broadcasts.text_ph": ("Ex.: 20% de desconto", "E.g. 20% off"),
    "broadcasts.audience": ("Quem recebe", "Who receives it"),
    "broadcasts.audience_hint": (
        "Só contatos que aceitaram receber mensagens e não pediram para sair. Deixe as "
        "etiquetas em branco para todos; separe várias por vírgula (qualquer uma delas).",
        "Only contacts who agreed to receive messages and did not opt out. Leave tags empty "
        "for everyone; separate several with commas (any of them)."),
    "broadcasts.tags_ph": ("Etiquetas, ex.: vip, clientes", "Tags, e.g. vip, customers"),
    "broadcasts.active_days": ("Última conversa", "Last conversation"),
    "broadcasts.days.any": ("Qualquer época", "Any time"),
    "broadcasts.days.1": ("Conversou nas últimas 24 horas", "Talked in the last 24 hours"),
    "broadcasts.days.7": ("Conversou nos últimos 7 dias", "Talked in the last 7 days"),
    "broadcasts.days.30": ("Conversou nos últimos 30 dias", "Talked in the last 30 days"),
    "broadcasts.days.90": ("Conversou nos últimos 90 dias", "Talked in the last 90 days"),
    "broadcasts.days.365": ("Conversou no último ano", "Talked in the last year"),
    "broadcasts.calculate": ("Calcular público e custo", "Count audience and cost"),
    "broadcasts.reach": ("Pessoas:", "People:"),
    "broadcasts.cost_est": ("Custo estimado na Meta:", "Estimated Meta cost:"),
    "broadcasts.quota_left": ("Mensagens que o seu plano ainda permite este mês:",
                              "Messages your plan still allows this month:"),
    "broadcasts.when": ("Quando enviar", "When to send"),
    "broadcasts.now": ("Agora", "Now"),
    "broadcasts.later": ("Agendar (horário de Brasília)", "Schedule (Brasília time)"),
    "broadcasts.up_to_quota": ("Se passar do limite do plano, enviar até o limite",
                               "If it exceeds the plan's limit, send up to the limit"),
    "broadcasts.submit": ("Enviar transmissão", "Send broadcast"),
    "broadcasts.consent_note": (
        "Quem responder SAIR, PARAR, STOP ou CANCELAR deixa de receber na hora. O envio "
        "respeita o limite de velocidade do número.",
        "Anyone who replies SAIR, PARAR, STOP or CANCELAR stops receiving at once. Sending "
        "follows the number's speed limit."),
    "broadcasts.created": ("Transmissão criada.", "Broadcast created."),
    "broadcasts.cancelled": ("Transmissão cancelada: o que ainda não saiu não será enviado.",
                             "Broadcast cancelled: what has not gone out will not be sent."),
    "broadcasts.cancel": ("Cancelar envio", "Cancel sending"),
    "broadcasts.cancel_title": ("Cancelar esta transmissão?", "Cancel this broadcast?"),
    "broadcasts.cancel_body": (
        "Quem já recebeu continua com a mensagem; os demais não receberão.",
        "Those who already got it keep it; the others will not receive it."),
    "broadcasts.total": ("Público", "Audience"),
    "broadcasts.queued": ("Na fila", "Queued"),
    "broadcasts.sent": ("Enviadas", "Sent"),
    "broadcasts.delivered": ("Entregues", "Delivered"),
    "broadcasts.read": ("Lidas", "Read"),
    "broadcasts.failed": ("Não enviadas", "Not sent"),
    "broadcasts.replied": ("Respostas", "Replies"),
    "broadcasts.st.scheduled": ("Agendada", "Scheduled"),
    "broadcasts.st.sending": ("Enviando", "Sending"),
    "broadcasts.st.done": ("Concluída", "Done"),
    "broadcasts.st.cancelled": ("Cancelada", "Cancelled"),
    "broadcasts.st.stopped": ("Parou no limite do plano", "Stopped at the plan's limit"),
    "broadcasts.error.name": ("Dê um nome à transmissão (até 120 caracteres).",
                              "Name the broadcast (up to 120 characters)."),
    "broadcasts.error.instance": ("Escolha um número desta empresa.",
                                  "Choose one of this business's numbers."),
    "broadcasts.error.template": ("Escolha um modelo aprovado deste número.",
                                  "Choose an approved template of this number."),
    "broadcasts.error.variable": ("Preencha esta lacuna (texto ou nome do campo).",
                                  "Fill this blank (text or field name)."),
    "broadcasts.error.tags": ("No máximo {max} etiquetas.", "At most {max} tags."),
    "broadcasts.error.active_days": ("Escolha um período da lista.",
                                     "Choose a period from the list."),
    "broadcasts.error.empty": (
        "Ninguém neste público aceitou receber mensagens. Ajuste as etiquetas ou registre o "
        "consentimento dos contatos.",
        "Nobody in this audience agreed to receive messages. Adjust the tags or record the "
        "contacts' consent."),
    "broadcasts.error.quota": (
        "São {count} pessoas, mas o seu plano permite mais {left} mensagens este mês. Marque "
        "\"enviar até o limite\" ou mude de plano.",
        "That is {count} people, but your plan allows {left} more messages this month. Tick "
        "\"send up to the limit\" or change plans."),
    "broadcasts.error.past": ("Escolha um horário no futuro.", "Choose a time in the future."),
    "broadcasts.error.send_at": ("Informe data e hora do envio.", "Enter the date and time."),
    "broadcasts.error.not_found": ("Transmissão não encontrada.", "Broadcast not found."),
    "broadcasts.skip.frequency": (
        "Já recebeu 2 ofertas nos últimos 7 dias", "Already got 2 offers in the last 7 days"),
    "contacts.opted_in_label": ("Aceitou receber ofertas e novidades",
                                "Agreed to receive offers and news"),
    "contacts.import_consent": (
        "Estas pessoas aceitaram receber minhas mensagens (base legal: consentimento). Quem "
        "já pediu para sair continua fora.",
        "These people agreed to receive my messages (legal basis: consent). Anyone who opted "
        "out stays out."),
    "contacts.consent_when": ("Consentimento registrado em {at} ({source}).",
                              "Consent recorded on {at} ({source})."),
    "contacts.consent_src.flow": ("em um fluxo", "in a flow"),
    "contacts.consent_src.api": ("pela API", "through the API"),
    "contacts.consent_src.import": ("importação com base legal declarada",
                                    "import with a declared legal basis"),
    "contacts.consent_src.manual": ("marcado pela equipe", "set by the team"),
    "contacts.consent_src.": ("origem não informada", "source not given"),
    "broadcasts.error.not_open": ("Esta transmissão já terminou.",
                                  "This broadcast has already finished."),
}

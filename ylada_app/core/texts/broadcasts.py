"""Texts of broadcasts: a template sent to the contacts who agreed to receive messages."""

TEXTS = {
    "nav.broadcasts": ("Transmissões", "Broadcasts"),
    "broadcasts.title": ("Transmissões", "Broadcasts"),
    "broadcasts.subtitle": (
        "Envie um modelo aprovado pela Meta aos contatos que aceitaram receber suas mensagens.",
        "Send a Meta-approved template to the contacts who agreed to receive your messages."),
    "broadcasts.none": ("Nenhuma transmissão ainda. Crie a primeira em “Nova transmissão”.",
                        "No broadcasts yet. Create the first one in “New broadcast”."),
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
        "Quem responder SAIR, PARAR, STOP ou DESCADASTRAR deixa de receber na hora. O envio "
        "respeita o limite de velocidade do número.",
        "Anyone who replies SAIR, PARAR, STOP or DESCADASTRAR stops receiving at once. Sending "
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
    "broadcasts.st.stopped": ("Parou", "Stopped"),
    "broadcasts.stop.quota": ("Parou: acabaram as mensagens do plano neste mês.",
                              "Stopped: the plan's messages for this month ran out."),
    "broadcasts.stop.template": ("Parou: a Meta pausou ou desativou o modelo.",
                                 "Stopped: Meta paused or disabled the template."),
    "broadcasts.see_recipients": ("Ver destinatários", "See recipients"),
    "broadcasts.recipients": ("Destinatários", "Recipients"),
    "broadcasts.recipients_hint": ("Os 100 mais recentes.", "The latest 100."),
    "broadcasts.col.name": ("Contato", "Contact"),
    "broadcasts.col.phone": ("Telefone", "Phone"),
    "broadcasts.col.status": ("Situação", "Status"),
    "broadcasts.col.reason": ("Motivo", "Reason"),
    "broadcasts.rs.queued": ("Na fila", "Queued"),
    "broadcasts.rs.sent": ("Enviada", "Sent"),
    "broadcasts.rs.delivered": ("Entregue", "Delivered"),
    "broadcasts.rs.read": ("Lida", "Read"),
    "broadcasts.rs.failed": ("Falhou", "Failed"),
    "broadcasts.rs.skipped": ("Não enviada", "Not sent"),
    "broadcast_cancelled": ("Transmissão cancelada antes do envio",
                            "Broadcast cancelled before sending"),
    "admin.prices": ("Preço por mensagem de modelo (R$)", "Price per template message (BRL)"),
    "admin.prices_hint": (
        "Tabela da Meta para o Brasil, usada na estimativa de custo das transmissões.",
        "Meta's table for Brazil, used to estimate the cost of broadcasts."),
    "broadcasts.error.price": ("Informe um valor entre 0 e {max}, ex.: 0,35.",
                               "Enter a value from 0 to {max}, e.g. 0.35."),
    "templates.cat.AUTHENTICATION": ("Autenticação", "Authentication"),
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
        "Já recebeu o limite de ofertas dos últimos 7 dias",
        "Already got the limit of offers for the last 7 days"),
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
    "broadcasts.field_filter": ("Campo do contato (opcional)", "Contact field (optional)"),
    "broadcasts.field_name_ph": ("ex.: cidade", "e.g. city"),
    "broadcasts.field_value_ph": ("ex.: Campinas", "e.g. Campinas"),
    "broadcasts.op.equals": ("é igual a", "equals"),
    "broadcasts.op.contains": ("contém", "contains"),
    "broadcasts.error.field_name": (
        "Informe o nome do campo (letras, números e _, ex.: cidade).",
        "Enter the field's name (letters, digits and _, e.g. city)."),
    "broadcasts.error.field_op": ("Escolha \"é igual a\" ou \"contém\".",
                                  "Choose \"equals\" or \"contains\"."),
    "broadcasts.error.field_value": ("Informe o valor do campo (até {max} caracteres).",
                                     "Enter the field's value (up to {max} characters)."),
    "broadcasts.error.field_rules": ("No máximo {max} filtros de campo.",
                                     "At most {max} field filters."),
    "broadcasts.tier_cap": (
        "Limite diário do número atingido ({limit} conversas em 24 h) — continua às {at}",
        "The number's daily limit was reached ({limit} conversations in 24 h) — it goes on "
        "at {at}"),
    "broadcasts.tier_cap_soon": (
        "Limite diário do número atingido ({limit} conversas em 24 h) — continua em instantes",
        "The number's daily limit was reached ({limit} conversations in 24 h) — it goes on "
        "shortly"),
    "outbound.cap_title": ("Limite de marketing por contato", "Marketing limit per contact"),
    "outbound.cap_label": ("Mensagens de marketing por contato a cada 7 dias",
                           "Marketing messages per contact every 7 days"),
    "outbound.cap_help": (
        "Vale para todo modelo de marketing: transmissões, fluxos, API e caixa de entrada. "
        "Quem já recebeu esse número de mensagens nos últimos 7 dias fica de fora das próximas "
        "transmissões. De 1 a 14; o padrão é 2. Mensagens demais fazem as pessoas saírem da "
        "lista, e o WhatsApp também limita (e cobra) as que passam do limite dele.",
        "Counts every marketing template: broadcasts, flows, the API and the inbox. Whoever "
        "already got this many in the last 7 days is left out of the next broadcasts. From 1 "
        "to 14; the default is 2. Too many messages make people leave the list, and WhatsApp "
        "also limits (and bills) the ones past its own limit."),
    "outbound.cap_save": ("Salvar limite", "Save limit"),
    "outbound.cap_saved": ("Limite de marketing salvo.", "Marketing limit saved."),
    "outbound.error.marketing_cap": ("Informe um número inteiro de {min} a {max}.",
                                     "Enter a whole number from {min} to {max}."),
}

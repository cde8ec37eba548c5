"""Texts of the first hour: the default reply, the simulator's "why nothing answered", the
onboarding wizard and the dashboard's checklist."""

TEXTS = {
    # default reply (number page)
    "default_reply.title": ("Resposta padrão", "Default reply"),
    "default_reply.hint": (
        "Enviada quando nenhum fluxo (nem o assistente de IA) responde a uma mensagem. "
        "Deixe em branco para não responder nada.",
        "Sent when no flow (nor the AI assistant) answers a message. Leave blank to send "
        "nothing."),
    "default_reply.label": ("Texto da resposta padrão", "Default reply text"),
    "default_reply.off": ("Sem resposta padrão: mensagens que nenhum fluxo entende ficam sem "
                          "resposta.",
                          "No default reply: messages no flow understands get no answer."),
    # simulator: why nothing (or only the default reply) answered
    "sim.why.no_flows": ("Nenhum fluxo ativo neste número respondeu a “{text}”.",
                         "No active flow on this number answered “{text}”."),
    "sim.why.no_match": ("Nenhum fluxo ativo responde a “{text}”.",
                         "No active flow answers “{text}”."),
    "sim.why.default_sent": ("Por isso foi enviada a resposta padrão do número.",
                             "So the number's default reply was sent."),
    "sim.why.silent": ("O número não tem resposta padrão, então o cliente ficou sem resposta.",
                       "The number has no default reply, so the customer got no answer."),
    "sim.why.template_failed": ("O fluxo tentou enviar o modelo de mensagem “{text}”, mas ele "
                                "não está aprovado neste número ou faltou o valor de uma "
                                "variável; nada foi enviado.",
                                "The flow tried to send the message template “{text}”, but it "
                                "is not approved on this number or a variable had no value; "
                                "nothing was sent."),
    "sim.why.templates": ("Ver os modelos de mensagem", "See the message templates"),
    "sim.why.activate": ("Ativar um fluxo", "Activate a flow"),
    "sim.why.install": ("Instalar um modelo pronto", "Install a ready-made template"),
    "sim.why.edit_reply": ("Editar a resposta padrão", "Edit the default reply"),
    "sim.why.human": ("Esta conversa está com um atendente: o bot não responde até ela voltar "
                      "para o bot (na Caixa de entrada).",
                      "This conversation is with a person: the bot does not answer until it "
                      "goes back to the bot (in the Inbox)."),
    "sim.why.opted_out": ("Este contato pediu para não receber mensagens. Envie “{word}” "
                          "para receber de novo.",
                          "This contact asked not to receive messages. Send “{word}” to "
                          "receive them again."),
}

TEXTS |= {
    "instances.not_connected": ("não conectado", "not connected"),
    "nav.onboarding": ("Primeiros passos", "Getting started"),
    "onboarding.title": ("Primeiros passos", "Getting started"),
    "onboarding.subtitle": ("Do cadastro ao seu bot respondendo no WhatsApp, em cinco passos.",
                            "From sign-up to your bot answering on WhatsApp, in five steps."),
    "onboarding.skip": ("Pular por agora", "Skip for now"),
    "onboarding.progress": ("{done} de {total} passos concluídos",
                            "{done} of {total} steps done"),
    "onboarding.done": ("Feito", "Done"),
    "onboarding.now": ("Próximo passo", "Next step"),
    "onboarding.later": ("Depois", "Later"),
    "onboarding.template.title": ("Comece por um modelo pronto", "Start from a ready template"),
    "onboarding.template.text": (
        "Sugerimos um fluxo pronto para começar (o do seu segmento, quando o seu plano o "
        "inclui), já com o nome da sua empresa. Ele é instalado num número de teste "
        "(simulador): nada vai para clientes ainda.",
        "We suggest a ready flow to start from (your niche's own, when your plan includes it), "
        "already with your business's name. It is installed on a test number (simulator): "
        "nothing reaches customers yet."),
    "onboarding.niche": ("Seu segmento", "Your niche"),
    "onboarding.suggested": ("Modelo sugerido", "Suggested template"),
    "onboarding.install": ("Instalar no simulador", "Install on the simulator"),
    "onboarding.installed": ("Modelo instalado no simulador.", "Template installed on the simulator."),
    "onboarding.browse": ("Ver outros modelos", "See other templates"),
    "onboarding.simulator.title": ("Converse com o seu bot", "Chat with your bot"),
    "onboarding.simulator.text": (
        "Abra o simulador e mande um “oi”, como um cliente faria no WhatsApp.",
        "Open the simulator and say “oi”, as a customer would on WhatsApp."),
    "onboarding.simulator.first": ("Instale um modelo primeiro (passo 1).",
                                   "Install a template first (step 1)."),
    "onboarding.open_simulator": ("Abrir o simulador", "Open the simulator"),
    "onboarding.ai.title": ("Treine a IA com o seu catálogo", "Train the AI with your catalog"),
    "onboarding.ai.text": (
        "O assistente responde dúvidas com base nos seus produtos e perguntas frequentes. "
        "Comece com um catálogo de exemplo do seu segmento e troque pelo seu quando quiser.",
        "The assistant answers questions from your products and FAQ. Start with a sample "
        "catalog of your niche and swap in your own whenever you like."),
    "onboarding.sample_catalog": ("Usar catálogo de exemplo", "Use a sample catalog"),
    "onboarding.catalog_loaded": ("{count} itens de exemplo adicionados.",
                                  "{count} sample items added."),
    "onboarding.open_ai": ("Abrir Treinar IA", "Open Train AI"),
    "onboarding.connect.title": ("Conecte o seu número de WhatsApp",
                                 "Connect your WhatsApp number"),
    "onboarding.connect.text": (
        "Ligue o número da empresa pela API oficial do WhatsApp (Meta).",
        "Link the business's number through the official WhatsApp API (Meta)."),
    "onboarding.connect_button": ("Conectar número", "Connect number"),
    "onboarding.live.title": ("Coloque no ar", "Go live"),
    "onboarding.live.text": (
        "Instale o mesmo modelo no número conectado: a partir daí, seus clientes são "
        "atendidos pelo bot.",
        "Install the same template on the connected number: from then on, your customers are "
        "answered by the bot."),
    "onboarding.go_live": ("Colocar no ar", "Go live"),
    "onboarding.live": ("Seu bot está no ar!", "Your bot is live!"),
    "onboarding.error.not_connected": ("Conecte um número de WhatsApp antes (passo 4).",
                                       "Connect a WhatsApp number first (step 4)."),
    "onboarding.all_done": ("Tudo pronto: seu bot está atendendo no WhatsApp.",
                            "All set: your bot is answering on WhatsApp."),
    "onboarding.card_title": ("Configure o seu bot", "Set up your bot"),
    "onboarding.continue": ("Continuar", "Continue"),
    "onboarding.dismiss": ("Dispensar", "Dismiss"),
}

TEXTS |= {
    "help.title": ("Ajuda", "Help"),
    "help.subtitle": ("O guia do ylada, passo a passo.", "The ylada guide, step by step."),
    "help.missing": ("Este assunto não existe.", "This topic does not exist."),
    "help.open": ("Ajuda sobre esta página", "Help about this page"),
}

# Names for controls that show no text of their own (screen readers read these).
TEXTS |= {
    "a11y.import_kind": ("Tipo do arquivo", "File kind"),
    "a11y.item_kind": ("Tipo do item", "Item kind"),
    "a11y.filter_assignee": ("Filtrar por responsável", "Filter by assignee"),
    "a11y.filter_instance": ("Número de WhatsApp", "WhatsApp number"),
    "a11y.filter_tag": ("Filtrar por etiqueta", "Filter by tag"),
    "a11y.filter_opted": ("Filtrar por recebimento de mensagens", "Filter by opt-in"),
    "a11y.media_kind": ("Tipo de mídia", "Media kind"),
    "a11y.scopes": ("Permissões da chave", "Key permissions"),
    "a11y.back": ("Voltar", "Back"),
    "a11y.send": ("Enviar", "Send"),
    "a11y.progress": ("Progresso dos primeiros passos", "Getting-started progress"),
}

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
    "sim.why.activate": ("Ativar um fluxo", "Activate a flow"),
    "sim.why.install": ("Instalar um modelo pronto", "Install a ready-made template"),
    "sim.why.edit_reply": ("Editar a resposta padrão", "Edit the default reply"),
    "sim.why.human": ("Esta conversa está com um atendente: o bot não responde até ela voltar "
                      "para o bot (na Caixa de entrada).",
                      "This conversation is with a person: the bot does not answer until it "
                      "goes back to the bot (in the Inbox)."),
    "sim.why.opted_out": ("Este contato pediu para não receber mensagens (PARAR). Envie "
                          "“VOLTAR” para receber de novo.",
                          "This contact asked not to receive messages (STOP). Send “VOLTAR” to "
                          "receive them again."),
}

"""Why a message was not delivered, in the business owner's words.

A failed message keeps what went wrong as it was recorded — our own reason
(`outside_24h_window`, `quota_exceeded`…), a send Graph refused (`rejected: (#131026) …`) or
a failed status webhook (`131049 This message was not delivered…`) — because that is the
audit trail. The inbox and the contact's page show `failure_text` instead: what happened and,
where there is one, what to do, in pt-BR or English. A Graph code we have no words for is
still shown, after a plain sentence, so nothing is hidden.
"""

from __future__ import annotations

import re

from ylada_app.core.i18n import DEFAULT_LANG

# Graph error codes (WhatsApp Cloud API) → (pt-BR, English)
_GRAPH: dict[int, tuple[str, str]] = {
    131047: ("Passaram mais de 24 horas desde a última mensagem do cliente: agora só um "
             "modelo aprovado pode ser enviado.",
             "More than 24 hours since the customer's last message: only an approved "
             "template can be sent now."),
    470: ("Passaram mais de 24 horas desde a última mensagem do cliente: agora só um "
          "modelo aprovado pode ser enviado.",
          "More than 24 hours since the customer's last message: only an approved "
          "template can be sent now."),
    131026: ("Não entregue: o número pode não ter WhatsApp, usar uma versão antiga ou não "
             "ter aceitado os termos mais recentes.",
             "Not delivered: the number may not have WhatsApp, run an old version or not have "
             "accepted the latest terms."),
    131049: ("A Meta não entregou esta mensagem de marketing para não cansar o cliente "
             "(limite de mensagens de marketing por pessoa). Tente daqui a alguns dias.",
             "Meta did not deliver this marketing message so as not to tire the customer "
             "(marketing messages per person). Try again in a few days."),
    131050: ("O cliente parou de receber mensagens de marketing desta empresa no WhatsApp.",
             "The customer stopped marketing messages from this business in WhatsApp."),
    131048: ("Limite de envio reduzido pela qualidade do número: muitas mensagens foram "
             "bloqueadas ou denunciadas.",
             "Sending limited by the number's quality: many messages were blocked or "
             "reported."),
    131056: ("Mensagens demais para o mesmo cliente em pouco tempo. Tente de novo em "
             "instantes.",
             "Too many messages to the same customer in a short time. Try again shortly."),
    130429: ("Limite de envios por segundo do número atingido.",
             "The number's messages-per-second limit was reached."),
    131042: ("Problema de pagamento na conta do WhatsApp na Meta: confira a forma de "
             "pagamento no Gerenciador do WhatsApp.",
             "A payment problem on the WhatsApp account at Meta: check the payment method in "
             "WhatsApp Manager."),
    131031: ("A conta do WhatsApp está bloqueada ou restrita pela Meta.",
             "The WhatsApp account is blocked or restricted by Meta."),
    368: ("A conta está temporariamente bloqueada por violar as políticas da Meta.",
          "The account is temporarily blocked for violating Meta's policies."),
    131045: ("O número não está registrado na Meta: conecte-o de novo.",
             "The number is not registered at Meta: connect it again."),
    133010: ("O número não está registrado na Meta: conecte-o de novo.",
             "The number is not registered at Meta: connect it again."),
    131021: ("Não dá para enviar uma mensagem para o próprio número da empresa.",
             "A message cannot be sent to the business's own number."),
    131051: ("Este tipo de mensagem não é aceito pelo WhatsApp.",
             "WhatsApp does not accept this type of message."),
    131053: ("Não foi possível enviar o arquivo: formato não aceito ou grande demais.",
             "The file could not be sent: unsupported format or too large."),
    131052: ("Não foi possível baixar o arquivo.", "The file could not be downloaded."),
    131008: ("Faltou uma informação obrigatória na mensagem.",
             "The message lacks a required field."),
    131009: ("Um valor da mensagem não é aceito pelo WhatsApp.",
             "A value in the message is not accepted by WhatsApp."),
    132000: ("O número de variáveis não confere com o modelo aprovado.",
             "The number of variables does not match the approved template."),
    132001: ("O modelo não existe ou não está aprovado neste idioma.",
             "The template does not exist or is not approved in this language."),
    132005: ("O texto do modelo ficou longo demais depois de preencher as variáveis.",
             "The template's text is too long once its variables are filled in."),
    132007: ("O conteúdo foi recusado pelas políticas da Meta para modelos.",
             "The content was refused by Meta's template policies."),
    132012: ("O formato das variáveis não confere com o modelo aprovado.",
             "The variables' format does not match the approved template."),
    132015: ("O modelo foi pausado pela Meta por baixa qualidade.",
             "Meta paused the template for low quality."),
    132016: ("O modelo foi desativado pela Meta.", "Meta disabled the template."),
    190: ("O acesso ao WhatsApp expirou ou foi revogado: reconecte o número.",
          "Access to WhatsApp expired or was revoked: reconnect the number."),
    100: ("A mensagem tem um valor que a Meta não aceita.",
          "The message holds a value Meta does not accept."),
}
# Our own reasons → (pt-BR, English)
_OURS: dict[str, tuple[str, str]] = {
    "outside_24h_window": _GRAPH[131047],
    "outbound.opted_out": ("O cliente pediu para não receber mais mensagens.",
                           "The customer asked to receive no more messages."),
    "instance_not_connected": ("O número não estava conectado ao WhatsApp.",
                               "The number was not connected to WhatsApp."),
    "quota_exceeded": ("O limite de mensagens do plano acabou: nada foi enviado.",
                       "The plan's message limit was used up: nothing was sent."),
    "broadcast_cancelled": ("A transmissão foi cancelada antes deste envio.",
                            "The broadcast was cancelled before this send."),
    "business_closed": ("A conta da empresa foi encerrada.", "The business account was closed."),
    "erased (LGPD)": ("Apagada a pedido do cliente (LGPD).",
                      "Erased at the customer's request (LGPD)."),
    "contact_erased": ("Apagada a pedido do cliente (LGPD).",
                       "Erased at the customer's request (LGPD)."),
    "processing_failed": ("Erro nosso ao processar esta mensagem; a equipe técnica foi "
                          "avisada.",
                          "Our error while processing this message; the tech team was told."),
    "failed": ("A Meta informou que a mensagem não foi entregue.",
               "Meta reported the message as not delivered."),
}
_KINDS: dict[str, tuple[str, str]] = {  # a refused send without a code we know
    "auth": _GRAPH[190],
    "window": _GRAPH[131047],
    "invalid_payload": ("A mensagem tem um formato que o WhatsApp não aceita.",
                        "The message has a format WhatsApp does not accept."),
}
_UNKNOWN = ("Não entregue", "Not delivered")
_CODE = re.compile(r"\(#(\d{1,7})\)|^(?:[a-z_]+:\s*)?(\d{2,7})\b")


def failure_text(error: str | None, lang: str = DEFAULT_LANG) -> str:
    """What the team reads about a failed message ("" for none)."""
    raw = (error or "").strip()
    if not raw:
        return ""
    en = 0 if lang == DEFAULT_LANG else 1
    if raw in _OURS:
        return _OURS[raw][en]
    found = _CODE.search(raw)
    code = int(found.group(1) or found.group(2)) if found else None
    if code in _GRAPH:
        return _GRAPH[code][en]
    kind = raw.split(":", 1)[0] if ":" in raw[:20] else ""
    if code is None and kind in _KINDS:
        return _KINDS[kind][en]
    said = raw.split(":", 1)[1].strip() if kind else raw
    return f"{_UNKNOWN[en]}: {said[:200]}"

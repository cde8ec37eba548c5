"""Texts of WhatsApp message templates (checks before Meta sees them, sending refusals)."""

TEXTS = {
    "templates.error.name": ("Use só letras minúsculas, números e _ (ex.: pedido_enviado).",
                             "Use only lowercase letters, digits and _ (e.g. order_sent)."),
    "templates.error.name_taken": ("Este número já tem um modelo com esse nome e idioma.",
                                   "This number already has a template with that name and "
                                   "language."),
    "templates.error.language": ("Escolha o idioma: pt_BR, en_US ou es.",
                                 "Choose the language: pt_BR, en_US or es."),
    "templates.error.category": ("Escolha a categoria: Marketing ou Utilidade.",
                                 "Choose the category: Marketing or Utility."),
    "templates.error.var_named": ("As variáveis são numeradas: {{1}}, {{2}}…",
                                  "Variables are numbered: {{1}}, {{2}}…"),
    "templates.error.var_order": ("Numere as variáveis em ordem, começando em 1: {expected}.",
                                  "Number the variables in order, from 1: {expected}."),
    "templates.error.var_edge": ("O texto não pode começar nem terminar com uma variável "
                                 "(regra do WhatsApp).",
                                 "The text cannot start or end with a variable (WhatsApp's "
                                 "rule)."),
    "templates.error.examples": ("Dê um exemplo para cada variável ({count}): o WhatsApp "
                                 "usa-os para aprovar o modelo.",
                                 "Give an example for each variable ({count}): WhatsApp uses "
                                 "them to approve the template."),
    "templates.error.header_vars": ("O cabeçalho aceita no máximo uma variável, {{1}}.",
                                    "The header takes at most one variable, {{1}}."),
    "templates.error.footer_vars": ("O rodapé não aceita variáveis.",
                                    "The footer takes no variables."),
    "templates.error.button_text": ("Cada botão precisa de um texto de até 25 caracteres, sem "
                                    "variáveis.",
                                    "Each button needs a text of up to 25 characters, without "
                                    "variables."),
    "templates.error.button_url": ("O botão de link precisa de um endereço https:// completo.",
                                   "A link button needs a full https:// address."),
    "templates.error.button_phone": ("O botão de ligar precisa de um telefone com DDD (e o "
                                     "código do país).",
                                     "A call button needs a phone number with area and "
                                     "country code."),
    "templates.error.button_type": ("Tipo de botão desconhecido: resposta rápida, link ou "
                                    "ligar.", "Unknown button type: quick reply, link or call."),
    "templates.error.button_count": ("No máximo 10 botões, até 2 de link e 1 de ligar.",
                                     "At most 10 buttons, up to 2 links and 1 call."),
    "templates.error.no_waba": ("Este número não tem a conta do WhatsApp Business (WABA) "
                                "informada: conecte-o de novo com o ID da conta.",
                                "This number has no WhatsApp Business Account (WABA) id: "
                                "connect it again with the account id."),
    "templates.error.meta": ("O WhatsApp recusou: {why}", "WhatsApp refused: {why}"),
    "templates.error.not_found": ("Modelo não encontrado.", "Template not found."),
    "templates.error.unknown": ("Não há modelo aprovado chamado {name} neste número.",
                                "There is no template named {name} on this number."),
    "templates.error.not_approved": ("O modelo {name} ainda não foi aprovado pelo WhatsApp "
                                     "(situação: {status}).",
                                     "Template {name} is not approved by WhatsApp yet "
                                     "(status: {status})."),
    "templates.error.var_count": ("Este modelo pede {body} variável(is) no texto e {header} no "
                                  "cabeçalho.",
                                  "This template takes {body} body variable(s) and {header} in "
                                  "the header."),
    "templates.error.var_value": ("Cada variável precisa de um valor (até {max} caracteres).",
                                  "Each variable needs a value (up to {max} characters)."),
}

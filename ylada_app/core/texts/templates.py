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
    "templates.error.upload": ("O WhatsApp não aceitou o arquivo de exemplo agora. Tente de "
                               "novo em instantes.",
                               "WhatsApp did not take the example file right now. Try again "
                               "shortly."),
    "templates.error.not_found": ("Modelo não encontrado.", "Template not found."),
    "templates.error.unknown": ("Não há modelo aprovado chamado {name} neste número.",
                                "There is no template named {name} on this number."),
    "templates.error.not_approved": ("O modelo {name} ainda não foi aprovado pelo WhatsApp "
                                     "(situação: {status}).",
                                     "Template {name} is not approved by WhatsApp yet "
                                     "(status: {status})."),
    "templates.error.var_count": ("Este modelo pede {body} {body|variável|variáveis} no "
                                  "texto e {header} no cabeçalho.",
                                  "This template takes {body} body {body|variable|variables} "
                                  "and {header} in the header."),
    "templates.error.var_format": ("Uma variável não pode ter quebra de linha, tabulação ou "
                                   "mais de 4 espaços seguidos (o WhatsApp recusa).",
                                   "A variable cannot hold a line break, a tab or more than 4 "
                                   "spaces in a row (WhatsApp refuses it)."),
    "templates.error.var_value": ("Cada variável precisa de um valor (até {max} caracteres).",
                                  "Each variable needs a value (up to {max} characters)."),
    "templates.error.header_kind": ("Escolha o tipo de cabeçalho: nenhum, texto, imagem, "
                                    "vídeo ou documento.",
                                    "Choose the header kind: none, text, image, video or "
                                    "document."),
    "templates.error.media_image": ("Envie uma imagem de exemplo em JPEG ou PNG.",
                                    "Upload an example image, JPEG or PNG."),
    "templates.error.media_video": ("Envie um vídeo de exemplo em MP4.",
                                    "Upload an example video, MP4."),
    "templates.error.media_document": ("Envie um documento de exemplo em PDF.",
                                       "Upload an example document, PDF."),
    "templates.error.media_size": ("O arquivo de exemplo passa do limite para este tipo "
                                   "({max} MB).",
                                   "The example file is over the limit for this kind "
                                   "({max} MB)."),
    "templates.error.no_app": ("O envio de arquivos ao WhatsApp não está configurado nesta "
                               "plataforma. Fale com o suporte.",
                               "Uploading files to WhatsApp is not set up on this platform. "
                               "Contact support."),
    "templates.error.header_link": ("Este modelo tem cabeçalho com mídia: informe o link "
                                    "público do arquivo, começando com https://.",
                                    "This template has a media header: give the file's public "
                                    "link, starting with https://."),
    "templates.header_kind": ("Tipo de cabeçalho", "Header kind"),
    "templates.hk.none": ("Sem cabeçalho", "No header"),
    "templates.hk.text": ("Texto", "Text"),
    "templates.hk.image": ("Imagem", "Image"),
    "templates.hk.video": ("Vídeo", "Video"),
    "templates.hk.document": ("Documento", "Document"),
    "templates.header_text": ("Texto do cabeçalho", "Header text"),
    "templates.header_file": ("Arquivo de exemplo", "Example file"),
    "templates.header_file_hint": ("O WhatsApp usa este arquivo só para aprovar o modelo; em "
                                   "cada envio você informa o link do arquivo. Imagem: JPEG "
                                   "ou PNG até 5 MB · vídeo: MP4 até 16 MB · documento: PDF "
                                   "até 10 MB.",
                                   "WhatsApp uses this file only to approve the template; each "
                                   "send gives the file's link. Image: JPEG or PNG up to 5 MB · "
                                   "video: MP4 up to 16 MB · document: PDF up to 10 MB."),
    "templates.header_file_chosen": ("Arquivo escolhido:", "Chosen file:"),
    "templates.header_file_pick": ("Escolher arquivo", "Choose file"),
    "templates.header_link": ("Link do arquivo do cabeçalho (https://)",
                              "Header file link (https://)"),
    "templates.header_link_hint": ("O modelo tem imagem, vídeo ou documento no cabeçalho: "
                                   "informe um link público que o WhatsApp consiga abrir.",
                                   "The template has an image, video or document header: give "
                                   "a public link WhatsApp can open."),
    "templates.title": ("Modelos de mensagem", "Message templates"),
    "templates.subtitle": ("Mensagens aprovadas pelo WhatsApp para falar com quem não escreveu "
                           "nas últimas 24 horas: avisos de pedido, lembretes, campanhas.",
                           "Messages WhatsApp approved for reaching people who have not written "
                           "in the last 24 hours: order updates, reminders, campaigns."),
    "templates.open": ("Modelos de mensagem", "Message templates"),
    "templates.new": ("Novo modelo", "New template"),
    "templates.name": ("Nome do modelo", "Template name"),
    "templates.name_hint": ("Letras minúsculas, números e _ — o WhatsApp não deixa mudar depois.",
                            "Lowercase letters, digits and _ — WhatsApp does not allow changing "
                            "it later."),
    "templates.language": ("Idioma", "Language"),
    "templates.lang.pt_BR": ("Português (Brasil)", "Portuguese (Brazil)"),
    "templates.lang.en_US": ("Inglês (EUA)", "English (US)"),
    "templates.lang.es": ("Espanhol", "Spanish"),
    "templates.category": ("Categoria", "Category"),
    "templates.cat.UTILITY": ("Utilidade (pedidos, lembretes)", "Utility (orders, reminders)"),
    "templates.cat.MARKETING": ("Marketing (ofertas, campanhas)",
                                "Marketing (offers, campaigns)"),
    "templates.header": ("Cabeçalho (opcional)", "Header (optional)"),
    "templates.body": ("Texto", "Text"),
    "templates.body_hint": ("Use {{1}}, {{2}}… onde entram os dados de cada cliente. Ex.: Olá "
                            "{{1}}, seu pedido {{2}} saiu para entrega.",
                            "Use {{1}}, {{2}}… where each customer's data goes. E.g. Hi {{1}}, "
                            "your order {{2}} is on its way."),
    "templates.examples": ("Exemplos das variáveis", "Variable examples"),
    "templates.examples_hint": ("Um por linha, na ordem: {{1}}, {{2}}… (o WhatsApp usa para "
                                "aprovar).", "One per line, in order: {{1}}, {{2}}… (WhatsApp "
                                "uses them to approve)."),
    "templates.footer": ("Rodapé (opcional)", "Footer (optional)"),
    "templates.quick": ("Botões de resposta rápida (opcional)", "Quick reply buttons (optional)"),
    "templates.quick_hint": ("Um por linha, até 25 caracteres cada.",
                             "One per line, up to 25 characters each."),
    "templates.link_text": ("Botão de link: texto", "Link button: text"),
    "templates.link_url": ("Botão de link: endereço", "Link button: address"),
    "templates.submit": ("Enviar para aprovação", "Submit for approval"),
    "templates.created": ("Modelo enviado ao WhatsApp: a aprovação costuma levar minutos.",
                          "Template sent to WhatsApp: approval usually takes minutes."),
    "templates.created_approved": ("Modelo criado e pronto para uso no simulador.",
                                   "Template created and ready to use in the simulator."),
    "templates.sync": ("Atualizar situação", "Refresh status"),
    "templates.synced": ("Situação atualizada ({count} {count|mudança|mudanças}).",
                         "Status refreshed ({count} {count|change|changes})."),
    "templates.none": ("Nenhum modelo ainda. Crie o primeiro ao lado.",
                       "No templates yet. Create the first one alongside."),
    "templates.how": ("O WhatsApp analisa cada modelo; a situação muda aqui sozinha quando ele "
                      "responde. O WhatsApp cobra por mensagem de modelo entregue, conforme a "
                      "categoria.",
                      "WhatsApp reviews each template; the status changes here by itself when "
                      "it answers. WhatsApp charges per delivered template message, by "
                      "category."),
    "templates.how_simulator": ("No simulador os modelos são aprovados na hora, para você "
                                "testar.", "In the simulator templates are approved at once, "
                                "for you to try."),
    "templates.reason": ("Motivo informado pelo WhatsApp:", "Reason given by WhatsApp:"),
    "templates.updated": ("Atualizado em", "Updated"),
    "templates.delete": ("Excluir", "Delete"),
    "templates.delete_title": ("Excluir este modelo?", "Delete this template?"),
    "templates.delete_body": ("Ele é excluído também no WhatsApp; o nome só pode ser reusado "
                              "depois de 30 dias.",
                              "It is deleted at WhatsApp too; the name can only be reused after "
                              "30 days."),
    "templates.deleted": ("Modelo excluído.", "Template deleted."),
    "templates.st.APPROVED": ("Aprovado", "Approved"),
    "templates.q.GREEN": ("Qualidade alta", "High quality"),
    "templates.q.YELLOW": ("Qualidade média", "Medium quality"),
    "templates.q.RED": ("Qualidade baixa", "Low quality"),
    "templates.q.red_help": ("Muitos clientes bloquearam ou denunciaram este modelo: a Meta pode pausá-lo. Envie só para quem pediu.", "Many customers blocked or reported this template: Meta may pause it. Send it only to people who asked."),
    "templates.st.PENDING": ("Em análise", "Under review"),
    "templates.st.REJECTED": ("Rejeitado", "Rejected"),
    "templates.st.PAUSED": ("Pausado", "Paused"),
    "templates.st.DISABLED": ("Desativado", "Disabled"),
    "inbox.send_template": ("Enviar um modelo aprovado:", "Send an approved template:"),
    "inbox.send_template_button": ("Enviar modelo", "Send template"),
    "inbox.no_templates": ("Este número ainda não tem modelos aprovados para reabrir a conversa.",
                           "This number has no approved templates to reopen the "
                           "conversation yet."),
}

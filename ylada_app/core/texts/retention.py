"""Labels of LGPD retention (/settings/privacy), account closure and the legal documents
(/legal/privacy, /legal/dpa, /admin/legal, the sign-up's DPA checkbox)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "nav.privacy": ("Privacidade", "Privacy"),
    "nav.admin_legal": ("Documentos legais", "Legal documents"),
    # retention
    "retention.title": ("Privacidade e retenção", "Privacy and retention"),
    "retention.subtitle": ("Por quanto tempo guardamos as conversas, os documentos da LGPD e o "
                           "encerramento da conta.",
                           "How long conversations are kept, the LGPD documents and closing "
                           "the account."),
    "retention.owner_only": ("Só o dono da empresa vê e altera a política de privacidade.",
                             "Only the business owner sees and changes the privacy policy."),
    "retention.policy_title": ("Política de retenção", "Retention policy"),
    "retention.policy_body": ("Toda noite, por volta das 3h (horário da empresa), apagamos as "
                              "mensagens e os registros da IA mais antigos que o prazo abaixo. "
                              "Os totais dos relatórios não mudam.",
                              "Every night, around 3 a.m. (the business's time), messages and "
                              "AI logs older than the period below are deleted. Report totals "
                              "do not change."),
    "retention.messages_days": ("Apagar mensagens com mais de", "Delete messages older than"),
    "retention.messages_hint": ("Padrão: 365 dias. Mínimo: 30 dias.",
                                "Default: 365 days. Minimum: 30 days."),
    "retention.ai_days": ("Apagar registros da IA com mais de", "Delete AI logs older than"),
    "retention.ai_hint": ("Padrão: 180 dias. Mínimo: 30 dias.",
                          "Default: 180 days. Minimum: 30 days."),
    "retention.days": ("dias", "days"),
    "retention.save": ("Salvar política", "Save policy"),
    "retention.saved": ("Política de retenção salva.", "Retention policy saved."),
    "retention.runs_title": ("Limpeza automática", "Automatic clean-up"),
    "retention.next_run": ("Próxima execução", "Next run"),
    "retention.last_run": ("Última execução", "Last run"),
    "retention.messages_deleted": ("mensagens apagadas", "messages deleted"),
    "retention.ai_deleted": ("registros da IA apagados", "AI logs deleted"),
    "retention.never_ran": ("A limpeza ainda não rodou para esta empresa.",
                            "The clean-up has not run for this business yet."),
    "retention.totals_note": ("Mensagens ainda em envio nunca são apagadas.",
                              "Messages still being sent are never deleted."),
    "retention.error.days_number": ("Informe um número inteiro de dias.",
                                    "Enter a whole number of days."),
    "retention.error.days_min": ("O prazo mínimo é de {min} dias.",
                                 "The minimum is {min} days."),
    "retention.error.days_max": ("O prazo máximo é de {max} dias.",
                                 "The maximum is {max} days."),
    # documents
    "legal.documents": ("Documentos da LGPD", "LGPD documents"),
    "legal.dpa_accepted": ("Acordo de tratamento de dados aceito — versão",
                           "Data processing agreement accepted — version"),
    "legal.dpa_not_recorded": ("Esta empresa foi criada antes do registro do aceite do acordo.",
                               "This business was created before the agreement's acceptance "
                               "was recorded."),
    "legal.privacy_title": ("Política de privacidade", "Privacy policy"),
    "legal.dpa_title": ("Acordo de tratamento de dados", "Data processing agreement"),
    "legal.version": ("Versão", "Version"),
    "legal.published": ("publicada em", "published on"),
    "legal.back_signup": ("← Voltar ao cadastro", "← Back to sign-up"),
    "legal.admin_title": ("Documentos legais", "Legal documents"),
    "legal.admin_subtitle": ("A política de privacidade e o acordo de tratamento de dados (DPA) "
                             "que as empresas aceitam no cadastro.",
                             "The privacy policy and the data processing agreement (DPA) "
                             "businesses accept at sign-up."),
    "legal.view_public": ("Ver página pública", "View public page"),
    "legal.field_title": ("Título", "Title"),
    "legal.field_body": ("Texto (markdown)", "Text (markdown)"),
    "legal.publish_hint": ("Publicar cria uma nova versão; os aceites já registrados continuam "
                           "apontando para a versão aceita.",
                           "Publishing creates a new version; acceptances already recorded "
                           "keep pointing to the version accepted."),
    "legal.publish": ("Publicar nova versão", "Publish new version"),
    "legal.published_toast": ("Versão {version} publicada.", "Version {version} published."),
    "legal.error.body_short": ("Escreva o texto do documento.", "Write the document's text."),
    "legal.error.accept_dpa": ("Para criar a conta, aceite o acordo de tratamento de dados.",
                               "To create the account, accept the data processing agreement."),
    "signup.accept_dpa_aria": ("Aceito o acordo de tratamento de dados",
                               "I accept the data processing agreement"),
    "signup.accept_dpa_1": ("Li e aceito o", "I have read and accept the"),
    "signup.accept_dpa_2": ("em nome da empresa, e conheço a",
                            "on behalf of the business, and know the"),
    # closure
    "closure.title": ("Encerrar a conta da empresa", "Close the business account"),
    "closure.body": ("Ao encerrar:", "When you close it:"),
    "closure.point_billing": ("a assinatura é cancelada antes de tudo;",
                              "the subscription is cancelled first;"),
    "closure.point_read": ("por 30 dias a equipe ainda entra, vê e exporta os dados, mas nada "
                           "pode ser alterado e os números param de responder e enviar;",
                           "for 30 days the team can still sign in, see and export the data, "
                           "but nothing can be changed and the numbers stop answering and "
                           "sending;"),
    "closure.point_erase": ("depois disso, todos os dados da empresa são apagados — contatos, "
                            "conversas, fluxos, arquivos e marca;",
                            "after that, all of the business's data is erased — contacts, "
                            "conversations, flows, files and brand;"),
    "closure.point_keep": ("guardamos só o que a lei exige: faturas e o registro de auditoria.",
                           "only what the law requires is kept: invoices and the audit log."),
    "closure.confirm_label": ("Para confirmar, digite o nome da empresa:",
                              "To confirm, type the business's name:"),
    "closure.submit": ("Encerrar a conta", "Close the account"),
    "closure.closed_toast": ("Conta encerrada. Você pode reabri-la por 30 dias.",
                             "Account closed. You can reopen it for 30 days."),
    "closure.reopened_toast": ("Conta reaberta. Escolha um plano em Plano e cobrança.",
                               "Account reopened. Pick a plan in Plan and billing."),
    "closure.closed_on": ("Conta encerrada em", "Account closed on"),
    "closure.erase_on": ("Os dados serão apagados em", "The data will be erased on"),
    "closure.reopen_body": ("Mudou de ideia? Reabra a conta antes dessa data: tudo volta a "
                            "funcionar (a assinatura precisa ser escolhida de novo).",
                            "Changed your mind? Reopen the account before that date: "
                            "everything works again (the subscription must be picked again)."),
    "closure.reopen": ("Reabrir a conta", "Reopen the account"),
    "closure.banner": ("Esta empresa foi encerrada: os dados estão somente para leitura e "
                       "serão apagados em 30 dias.",
                       "This business was closed: its data is read-only and will be erased "
                       "in 30 days."),
    "closure.banner_action": ("Reabrir ou ver detalhes", "Reopen or see details"),
    "closure.error.already_closed": ("Esta conta já está encerrada.",
                                     "This account is already closed."),
    "closure.error.not_closed": ("Esta conta não está encerrada.", "This account is not closed."),
    "closure.error.confirmation": ("O nome digitado não confere com o nome da empresa.",
                                   "The name typed does not match the business's name."),
    "error.tenant_closed": ("Esta empresa foi encerrada: os dados estão somente para leitura. "
                            "O dono pode reabri-la em Privacidade e retenção.",
                            "This business was closed: its data is read-only. The owner can "
                            "reopen it in Privacy and retention."),
    "status.closed": ("Encerrada", "Closed"),
    "status.erased": ("Apagada", "Erased"),
    # audit entries
    "audit.action.tenant.closed": ("Conta da empresa encerrada", "Business account closed"),
    "audit.action.tenant.reopened": ("Conta da empresa reaberta", "Business account reopened"),
    "audit.action.tenant.erased": ("Dados da empresa apagados", "Business data erased"),
    "audit.action.tenant.dpa_accepted": ("Acordo de tratamento de dados aceito",
                                         "Data processing agreement accepted"),
    "audit.action.admin.legal_published": ("Documento legal publicado",
                                           "Legal document published"),
}

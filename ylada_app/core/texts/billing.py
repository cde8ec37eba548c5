"""Labels of plans, billing, usage and the admin revenue page."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "nav.usage": ("Uso do plano", "Plan usage"),
    "nav.billing": ("Plano e cobrança", "Plan & billing"),
    "nav.admin_billing": ("Receita e planos", "Revenue & plans"),
    "banner.action": ("Ver planos", "See plans"),
    "banner.trial": ("Seu teste grátis termina em {days} {days|dia|dias}; depois, você segue "
                     "no plano Grátis, com limites menores.",
                     "Your free trial ends in {days} {days|day|days}; then you carry on with "
                     "the free plan's smaller limits."),
    "banner.free_plan": ("Você está no plano Grátis: até {limit} mensagens por mês. Veja os "
                         "planos quando precisar de mais.",
                         "You are on the free plan: up to {limit} messages a month. See the "
                         "plans when you need more."),
    "banner.trial_then_paused": ("Seu teste grátis termina em {days} {days|dia|dias}; depois, "
                                 "o bot pausa até você assinar um plano.",
                                 "Your free trial ends in {days} {days|day|days}; then the bot "
                                 "pauses until you subscribe to a plan."),
    "banner.trial_ended_free": ("Seu teste terminou: você está no plano Grátis.",
                                "Your trial ended: you are on the free plan."),
    "banner.blocked": ("Seu teste terminou e o bot está pausado. Assine um plano para voltar a "
                       "responder.", "Your trial ended and the bot is paused. Subscribe to a "
                       "plan to answer again."),
    "banner.past_due": ("Não conseguimos cobrar sua assinatura. Atualize a forma de pagamento "
                        "para não perder o acesso.", "We could not charge your subscription. "
                        "Update the payment method to keep access."),
    "banner.quota_over": ("Você usou as {limit} mensagens do mês: o bot parou de responder (as "
                          "mensagens recebidas continuam guardadas).", "You used this month's "
                          "{limit} messages: the bot stopped replying (incoming messages are "
                          "still stored)."),
    "banner.quota_warn": ("Você já usou {pct}% das mensagens do mês.",
                          "You already used {pct}% of this month's messages."),
    "plans.title": ("Planos", "Plans"),
    "plans.subtitle": ("Comece grátis por 14 dias. Sem fidelidade: cancele quando quiser.",
                       "Start free for 14 days. No lock-in: cancel any time."),
    "plans.per_month": ("/mês", "/month"),
    "plans.per_year": ("/ano", "/year"),
    "plans.instances": ("números de WhatsApp", "WhatsApp numbers"),
    "plans.instance_one": ("número de WhatsApp", "WhatsApp number"),
    "plans.flows": ("fluxos ativos", "active flows"),
    "plans.flow_one": ("fluxo ativo", "active flow"),
    "plans.messages": ("mensagens/mês", "messages/month"),
    "plans.ai_tokens": ("tokens de IA/mês", "AI tokens/month"),
    "plans.premium": ("Templates premium do marketplace", "Premium marketplace templates"),
    "plans.no_premium": ("Templates gratuitos do marketplace", "Free marketplace templates"),
    "plans.trial_short": ("dias grátis", "days free"),
    "plans.start": ("Começar grátis", "Start free"),
    "plans.choose": ("Escolher este plano", "Choose this plan"),
    "plans.see_mine": ("Ver meu plano", "See my plan"),
    "plans.login": ("Já tenho conta", "I have an account"),
    "plans.to_dashboard": ("Ir para o painel", "Go to the dashboard"),
    "billing.title": ("Plano e cobrança", "Plan & billing"),
    "billing.subtitle": ("Seu plano, suas faturas e a forma de pagamento.",
                         "Your plan, invoices and payment method."),
    "billing.current": ("Plano atual", "Current plan"),
    "billing.status": ("Situação", "Status"),
    "billing.renews": ("Renova em", "Renews on"),
    "billing.trial_ends": ("Teste termina em", "Trial ends on"),
    "billing.trial_left": ("{days} {days|dia|dias} de teste {days|restante|restantes}",
                           "{days} trial {days|day|days} left"),
    "billing.ends": ("Termina em", "Ends on"),
    "invoice.paid": ("Paga", "Paid"),
    "invoice.failed": ("Falhou", "Failed"),
    "invoice.pending": ("Em aberto", "Open"),
    "billing.choose": ("Assinar", "Subscribe"),
    "billing.trial_kept": (
        "Assinando agora com cartão, seu teste continua até {date}: a primeira cobrança é "
        "nesse dia.",
        "Subscribing now by card, your trial goes on until {date}: the first charge is that "
        "day."),
    "billing.trial_kept_due": (
        "Assinando agora, seu teste continua até {date}: a primeira cobrança vence nesse dia. "
        "Pode pagar antes, sem perder os dias de teste.",
        "Subscribing now, your trial goes on until {date}: the first charge is due that day. "
        "You may pay before, without losing trial days."),
    "billing.first_charge": ("Primeira cobrança em", "First charge on"),
    "billing.checkout_done_trial": (
        "Assinatura feita. Obrigado! Seu teste continua até {date}; a primeira cobrança é "
        "nesse dia.",
        "Subscribed. Thank you! Your trial goes on until {date}; the first charge is that day."),
    "billing.trial_then_charge": (
        "Assinando agora, a primeira cobrança é hoje e o período de teste termina.",
        "Subscribing now, the first charge is today and the trial ends."),
    "billing.change": ("Mudar de plano", "Switch plan"),
    "billing.updated": ("Assinatura atualizada.", "Subscription updated."),
    "billing.checkout_done": ("Assinatura ativada. Obrigado!", "Subscription active. Thank you!"),
    "billing.current_badge": ("Seu plano", "Your plan"),
    "billing.cancel": ("Cancelar no fim do período", "Cancel at period end"),
    "billing.resume": ("Manter assinatura", "Keep subscription"),
    "billing.portal": ("Gerenciar pagamento", "Manage payment"),
    "billing.invoices": ("Faturas", "Invoices"),
    "billing.no_invoices": ("Nenhuma fatura ainda.", "No invoices yet."),
    "billing.invoice_number": ("Número", "Number"),
    "billing.invoice_amount": ("Valor", "Amount"),
    "billing.invoice_date": ("Data", "Date"),
    "billing.invoice_view": ("Ver fatura", "View invoice"),
    "billing.invoice_pdf": ("Recibo (PDF)", "Receipt (PDF)"),
    "billing.checkout_ok": ("Pagamento recebido! Confirmando sua assinatura…",
                            "Payment received! Confirming your subscription…"),
    "billing.checkout_cancel": ("Pagamento cancelado: nada foi cobrado.",
                                "Payment canceled: nothing was charged."),
    "billing.change_requested": ("Alteração solicitada: o novo plano vale assim que o pagamento "
                                 "for confirmado (a diferença é cobrada proporcionalmente).",
                                 "Change requested: the new plan applies once the payment is "
                                 "confirmed (the difference is prorated)."),
    "billing.cancel_requested": ("Pedido enviado. A situação é atualizada em instantes.",
                                 "Request sent. The status updates in a moment."),
    "billing.owner_only": ("Só o proprietário pode alterar o plano.",
                           "Only the owner can change the plan."),
    "billing.unavailable": ("Pagamentos online não estão configurados nesta instalação.",
                            "Online payments are not configured on this installation."),
    "status.expired": ("Teste encerrado", "Trial ended"),
    "usage.title": ("Uso do plano", "Plan usage"),
    "usage.subtitle": ("O consumo deste mês comparado aos limites do seu plano (as conversas "
                       "do simulador não contam).",
                       "This month's consumption against your plan's limits (simulator "
                       "conversations do not count)."),
    "usage.messages": ("Mensagens enviadas pelo bot", "Messages sent by the bot"),
    "usage.ai_tokens": ("Uso da IA (tokens)", "AI use (tokens)"),
    "usage.instances": ("Números de WhatsApp", "WhatsApp numbers"),
    "usage.flows": ("Fluxos ativos", "Active flows"),
    "usage.of": ("de", "of"),
    "usage.received": ("Recebidas", "Received"),
    "usage.sent": ("Enviadas", "Sent"),
    "usage.blocked": ("Retidas pelo limite", "Held by the limit"),
    "usage.history": ("Histórico por mês", "History by month"),
    "usage.month": ("Mês", "Month"),
    "usage.upgrade": ("Fazer upgrade", "Upgrade"),
    "usage.level_warn": ("Perto do limite", "Near the limit"),
    "usage.level_over": ("Limite atingido", "Limit reached"),
    "revenue.title": ("Receita e planos", "Revenue & plans"),
    "revenue.mrr": ("MRR", "MRR"),
    "revenue.paid_month": ("Recebido no mês", "Collected this month"),
    "revenue.tenants": ("Empresas", "Businesses"),
    "revenue.by_status": ("Empresas por situação", "Businesses by status"),
    "revenue.by_plan": ("Receita por plano", "Revenue by plan"),
    "revenue.by_plan_empty": ("Nenhuma assinatura paga ainda. A receita de cada plano aparece "
                              "aqui quando a primeira empresa assinar.",
                              "No paid subscriptions yet. Each plan's revenue shows here once "
                              "the first business subscribes."),
    "revenue.subscribers": ("Assinantes", "Subscribers"),
    "revenue.plans": ("Planos", "Plans"),
    "revenue.edit": ("Editar", "Edit"),
    "revenue.saved": ("Plano salvo.", "Plan saved."),
    "field.price": ("Preço (R$)", "Price (R$)"),
    "field.interval": ("Cobrança", "Billing interval"),
    "field.max_instances": ("Números de WhatsApp", "WhatsApp numbers"),
    "field.max_active_flows": ("Fluxos ativos", "Active flows"),
    "field.max_messages_month": ("Mensagens por mês", "Messages per month"),
    "field.max_ai_tokens_month": ("Tokens de IA por mês", "AI tokens per month"),
    "field.trial_days": ("Dias de teste", "Trial days"),
    "field.stripe_price_id": ("ID do preço no Stripe", "Stripe price id"),
    "field.premium_templates": ("Inclui templates premium", "Includes premium templates"),
    "field.api_access": ("Inclui a API e os webhooks", "Includes the API and webhooks"),
    "field.white_label": ("Inclui marca própria (white label)",
                          "Includes own brand (white label)"),
    "field.is_active": ("Plano disponível", "Plan available"),
    "interval.month": ("Mensal", "Monthly"),
    "interval.year": ("Anual", "Yearly"),
    # Brazilian ways to pay (Asaas: Pix, boleto, card page) beside Stripe's card checkout
    "invoice.overdue": ("Vencida", "Overdue"),
    "invoice.refunded": ("Estornada", "Refunded"),
    "invoice.canceled": ("Cancelada", "Canceled"),
    "billing.pay_with": ("Como você quer pagar?", "How do you want to pay?"),
    "billing.method.pix": ("Pix", "Pix"),
    "billing.method.boleto": ("Boleto", "Boleto (bank slip)"),
    "billing.method.card": ("Cartão de crédito", "Credit card"),
    "billing.method.card_asaas": ("Cartão de crédito", "Credit card"),
    "billing.method.mercadopago": ("Mercado Pago", "Mercado Pago"),
    "billing.tax_id": ("CPF ou CNPJ de quem paga", "Payer's CPF or CNPJ"),
    "billing.tax_id_hint": ("Obrigatório para Pix, boleto e nota fiscal.",
                            "Required for Pix, boleto and the tax invoice."),
    "billing.error.tax_id_required": ("Informe o CPF ou CNPJ de quem paga.",
                                      "Enter the payer's CPF or CNPJ."),
    "billing.error.tax_id": ("CPF ou CNPJ inválido: confira os números.",
                             "Invalid CPF or CNPJ: check the digits."),
    "billing.error.method": ("Escolha uma forma de pagamento disponível.",
                             "Choose an available way to pay."),
    "billing.error.no_resume": ("Esta assinatura já foi cancelada e não pode ser retomada: "
                                "assine de novo quando quiser.", "This subscription was "
                                "already canceled and cannot be resumed: subscribe again "
                                "any time."),
    "billing.change_requested_asaas": ("Alteração solicitada: o novo plano vale assim que "
                                       "for confirmado, e o novo valor entra a partir da "
                                       "próxima cobrança.", "Change requested: the new plan "
                                       "applies once confirmed, and the new price from the "
                                       "next charge on."),
    "billing.cancel_now": ("Cancelar assinatura", "Cancel subscription"),
    "billing.pix_title": ("Pague com Pix para ativar o plano",
                          "Pay with Pix to activate the plan"),
    "billing.pix_scan": ("Abra o app do seu banco, escolha Pix e leia o QR code, ou use o "
                         "Pix copia e cola.", "Open your bank app, choose Pix and scan the "
                         "QR code, or use Pix copy-and-paste."),
    "billing.pix_code": ("Pix copia e cola", "Pix copy-and-paste code"),
    "billing.pix_copy": ("Copiar código", "Copy code"),
    "billing.pix_copied": ("Código Pix copiado.", "Pix code copied."),
    "billing.pix_expires": ("Válido até", "Valid until"),
    "billing.pix_qr_alt": ("QR code Pix da cobrança", "Pix QR code of the charge"),
    "billing.waiting_payment": ("Aguardando o pagamento. Esta página se atualiza sozinha "
                                "quando ele for confirmado.", "Waiting for the payment. This "
                                "page updates by itself once it is confirmed."),
    "billing.boleto_title": ("Pague o boleto para ativar o plano",
                             "Pay the boleto to activate the plan"),
    "billing.boleto_line": ("Linha digitável", "Digitable line"),
    "billing.boleto_pdf": ("Abrir boleto (PDF)", "Open boleto (PDF)"),
    "billing.boleto_note": ("O boleto leva até 3 dias úteis para ser compensado.",
                            "A boleto takes up to 3 business days to clear."),
    "billing.card_title": ("Pague com cartão para ativar o plano",
                           "Pay by card to activate the plan"),
    "billing.card_open": ("Pagar com cartão", "Pay by card"),
    "billing.due": ("Vencimento", "Due date"),
    "billing.amount": ("Valor", "Amount"),
    "billing.active_now": ("Plano ativo! Pagamento confirmado.",
                           "Plan active! Payment confirmed."),
    "billing.charge_open": ("Cobrança em aberto", "Open charge"),
    "admin.gateways": ("Formas de pagamento", "Payment gateways"),
    "admin.gateways_hint": ("Quais provedores as empresas podem usar para assinar e qual "
                            "aparece primeiro. Só aparecem os que têm chaves configuradas.",
                            "Which providers businesses may use to subscribe, and which "
                            "comes first. Only providers with keys configured are offered."),
    "admin.gateways.stripe": ("Stripe (cartão)", "Stripe (card)"),
    "admin.gateways.asaas": ("Asaas (Pix, boleto e cartão)", "Asaas (Pix, boleto and card)"),
    "admin.gateways.mercadopago": ("Mercado Pago (cartão)", "Mercado Pago (card)"),
    "admin.gateways.default": ("Padrão", "Default"),
    "admin.gateways.not_configured": ("sem chave configurada", "no key configured"),
    "admin.gateways.saved": ("Formas de pagamento salvas.", "Payment gateways saved."),
    "admin.gateways.error_default": ("O padrão precisa ser um provedor habilitado.",
                                     "The default must be an enabled provider."),
}

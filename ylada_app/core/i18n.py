"""Message catalog: pt-BR first, English second. Pure data plus a `translate` helper.

Keys are stable identifiers used by services (error codes) and by the UI (labels).
"""

from __future__ import annotations

import re

DEFAULT_LANG = "pt-BR"
LANGS = ("pt-BR", "en")

# key: (pt-BR, en)
MESSAGES: dict[str, tuple[str, str]] = {
    # --- errors raised by services ---
    "error.invalid_fields": ("Corrija os campos destacados.", "Fix the highlighted fields."),
    "error.required": ("Campo obrigatório.", "This field is required."),
    "error.too_long": ("Use no máximo {max} caracteres.", "Use at most {max} characters."),
    "error.too_short": ("Use pelo menos {min} caracteres.", "Use at least {min} characters."),
    "error.email_invalid": ("Informe um e-mail válido.", "Enter a valid e-mail address."),
    "error.email_taken": ("Já existe uma conta com este e-mail.", "An account with this e-mail already exists."),
    "error.password_weak": (
        "A senha precisa de pelo menos 8 caracteres, com letras e números.",
        "The password needs at least 8 characters, with letters and digits.",
    ),
    "error.password_common": ("Esta senha é muito comum. Escolha outra.", "This password is too common. Choose another."),
    "error.login_invalid": ("E-mail ou senha incorretos.", "Wrong e-mail or password."),
    "error.login_rate_limited": (
        "Muitas tentativas daqui. Aguarde {seconds} segundos e tente de novo.",
        "Too many attempts from here. Wait {seconds} seconds and try again.",
    ),
    "error.signup_rate_limited": (
        "Muitos cadastros feitos daqui. Aguarde {minutes} minutos e tente de novo.",
        "Too many sign-ups from here. Wait {minutes} minutes and try again.",
    ),
    "error.niche_invalid": ("Escolha um segmento da lista.", "Choose a niche from the list."),
    "error.not_found": ("Não encontrado.", "Not found."),
    "error.forbidden": ("Você não tem permissão para isso.", "You are not allowed to do that."),
    "error.owner_only": ("Somente o proprietário pode fazer isso.", "Only the owner can do that."),
    "error.admin_only": ("Área restrita a administradores da plataforma.", "Platform administrators only."),
    "error.not_member": ("Você não faz parte desta empresa.", "You are not a member of this business."),
    "error.already_member": ("Esta pessoa já faz parte da empresa.", "This person is already a member."),
    "error.already_invited": ("Já existe um convite pendente para este e-mail.", "There is already a pending invitation for this e-mail."),
    "error.channel_invalid": ("Tipo de canal inválido.", "Invalid channel type."),
    "error.role_invalid": ("Papel inválido.", "Invalid role."),
    "error.phone_number_id_invalid": (
        "O Phone number ID tem só dígitos (5 a 20), como aparece no painel da Meta.",
        "The phone number ID has digits only (5 to 20), as shown in Meta's dashboard.",
    ),
    "error.waba_id_invalid": (
        "O ID da conta do WhatsApp Business tem só dígitos (5 a 20).",
        "The WhatsApp Business account ID has digits only (5 to 20).",
    ),
    "error.access_token_invalid": ("Token de acesso inválido.", "Invalid access token."),
    "error.app_secret_invalid": ("Chave secreta do app inválida (32 caracteres hexadecimais).", "Invalid app secret (32 hexadecimal characters)."),
    "error.graph_auth": (
        "A Meta recusou o token de acesso. Gere um token novo com a permissão whatsapp_business_messaging.",
        "Meta refused the access token. Generate a new token with the whatsapp_business_messaging permission.",
    ),
    "error.graph_not_found": (
        "A Meta não encontrou este Phone number ID para este token.",
        "Meta did not find this phone number ID for this token.",
    ),
    "error.graph_unavailable": (
        "Não foi possível falar com a API da Meta agora. Nada foi salvo; tente de novo em instantes.",
        "Could not reach Meta's API right now. Nothing was saved; try again shortly.",
    ),
    "error.instance_disabled": ("Esta instância está desativada.", "This instance is disabled."),
    "error.not_whatsapp": ("Esta instância é um simulador; crie uma instância WhatsApp para conectar.", "This instance is a simulator; create a WhatsApp instance to connect."),
    "error.status_invalid": ("Status inválido.", "Invalid status."),
    "error.session_expired": ("Sua sessão expirou. Entre novamente.", "Your session expired. Log in again."),
    "error.flow_invalid": ("O fluxo tem erros; corrija-os antes de publicar.", "The flow has errors; fix them before publishing."),
    "error.flow_json": ("Não consegui ler este JSON de fluxo (formato v1).", "Could not read this flow JSON (format v1)."),
    "error.flow_json_nan": ("Este JSON tem NaN ou Infinity, que não são números válidos: troque-os por números.", "This JSON holds NaN or Infinity, which are not valid numbers: replace them with numbers."),
    "error.flow_too_big": ("Arquivo grande demais (máximo 2 MB).", "File too large (2 MB at most)."),
    "error.limit_instances": ("Seu plano {plan} permite {limit} {limit|número|números} de WhatsApp. Faça upgrade para conectar mais.", "Your {plan} plan allows {limit} WhatsApp {limit|number|numbers}. Upgrade to connect more."),
    "error.too_many_unconnected": ("Você já tem {limit} números esperando conexão. Conecte ou exclua algum antes de criar outro.", "You already have {limit} numbers waiting to be connected. Connect or delete one before creating another."),
    "error.limit_flows": ("Seu plano {plan} permite {limit} {limit|fluxo ativo|fluxos ativos}. Desative um fluxo ou faça upgrade.", "Your {plan} plan allows {limit} active {limit|flow|flows}. Deactivate one or upgrade."),
    "error.plan_unknown": ("Escolha um plano válido.", "Choose a valid plan."),
    "error.plan_free_choose": ("O plano Grátis não precisa de pagamento: cancele a assinatura para voltar a ele no fim do período.", "The free plan needs no payment: cancel the subscription to return to it at the end of the period."),
    "error.plan_same": ("Você já está neste plano.", "You are already on this plan."),
    "error.no_paid_subscription": ("Não há assinatura paga ativa.", "There is no active paid subscription."),
    "error.payments_unavailable": ("Pagamentos online não estão configurados nesta instalação. Fale com o suporte.", "Online payments are not configured on this installation. Contact support."),
    "error.payments_failed": ("Não foi possível falar com o provedor de pagamentos agora. Nada foi cobrado; tente de novo.", "Could not reach the payment provider right now. Nothing was charged; try again."),
    "error.number_invalid": ("Informe um número inteiro.", "Enter a whole number."),
    "error.number_range": ("Use um valor entre {lo} e {hi}.", "Use a value between {lo} and {hi}."),
    "error.price_invalid": ("Preço inválido (ex.: 97,00).", "Invalid price (e.g. 97.00)."),
    "error.interval_invalid": ("Intervalo inválido.", "Invalid interval."),
    "error.stripe_price_invalid": ("O ID de preço do Stripe começa com price_.", "A Stripe price id starts with price_."),
    "error.unexpected": ("Algo deu errado do nosso lado. Tente de novo.", "Something went wrong on our side. Try again."),
}


def _all() -> dict[str, tuple[str, str]]:
    from ylada_app.core.i18n_ui import UI_TEXTS

    return {**MESSAGES, **UI_TEXTS}


# "{days|dia|dias}": the singular when the parameter is 1 (or -1), else the plural — so a
# sentence reads "1 dia" / "3 dias", never "dia(s)".
_PLURAL = re.compile(r"\{(\w+)\|([^|{}]*)\|([^|{}]*)\}")


def _one(value: object) -> bool:
    try:
        return abs(int(str(value))) == 1
    except ValueError:
        return False


def translate(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    pair = MESSAGES.get(key)
    if pair is None:
        from ylada_app.core.i18n_ui import UI_TEXTS

        pair = UI_TEXTS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    if not params:
        return text
    text = _PLURAL.sub(lambda m: m.group(2) if _one(params.get(m.group(1), 0))
                       else m.group(3), text)
    return text.format(**params)


def catalog(lang: str) -> dict[str, str]:
    """The whole catalog in one language (sent once to the browser by the UI)."""
    idx = 1 if lang == "en" else 0
    return {k: v[idx] for k, v in _all().items()}

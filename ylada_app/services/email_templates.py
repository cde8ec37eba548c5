"""Transactional e-mails: texts in pt-BR and English, one HTML and one plain-text layout.

Each kind is a subject, paragraphs, an optional button (label + link) and a closing note.
Parameters are the recipient's data (names, business names, links); in the HTML version they
are escaped before they are placed in a paragraph, so a business called `<b>x</b>` is text.
White label: a `MailBrand` puts a business's name (in place of the platform's, `{platform}`
in the texts), logo and colour in the message; the platform's credit in the footer only when
the business did not hide it.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment
from markupsafe import Markup, escape

PLATFORM_NAME = "ylada"
PLATFORM_COLOR = "#128C7E"

PT, EN = 0, 1

# kind: subject, paragraphs, button label (or None), note
TEXTS: dict[str, dict[str, object]] = {
    "verify_email": {
        "subject": ("Confirme seu e-mail no {platform}", "Confirm your e-mail on {platform}"),
        "paragraphs": [
            ("Olá, {name}! Falta só confirmar que este e-mail é seu.",
             "Hi {name}! One last step: confirm this e-mail address is yours."),
            ("Depois disso você pode conectar o WhatsApp, convidar sua equipe e assinar um plano.",
             "After that you can connect WhatsApp, invite your team and subscribe to a plan."),
        ],
        "button": ("Confirmar e-mail", "Confirm e-mail"),
        "note": ("O link vale por {hours} horas e pode ser usado uma vez. Se você não criou uma "
                 "conta no {platform}, ignore este e-mail.",
                 "The link works for {hours} hours, once. If you did not create a {platform} "
                 "account, ignore this e-mail."),
    },
    "account_exists": {
        "subject": ("Tentativa de cadastro com seu e-mail", "Sign-up attempt with your e-mail"),
        "paragraphs": [
            ("Olá, {name}. Alguém tentou criar uma conta no {platform} com este e-mail, mas você já "
             "tem uma.", "Hi {name}. Someone tried to create a {platform} account with this e-mail, "
             "but you already have one."),
            ("Se foi você, é só entrar. Esqueceu a senha? Crie uma nova pelo link abaixo.",
             "If it was you, just log in. Forgot your password? Set a new one with the link "
             "below."),
        ],
        "button": ("Redefinir senha", "Reset password"),
        "note": ("Se não foi você, nada muda na sua conta.",
                 "If it was not you, nothing changes in your account."),
    },
    "reset_password": {
        "subject": ("Redefinir sua senha do {platform}", "Reset your {platform} password"),
        "paragraphs": [
            ("Olá, {name}. Recebemos um pedido para criar uma nova senha para sua conta.",
             "Hi {name}. We received a request to set a new password for your account."),
        ],
        "button": ("Criar nova senha", "Set a new password"),
        "note": ("O link vale por {minutes} minutos e pode ser usado uma vez. Ao trocar a senha, "
                 "todas as sessões abertas são encerradas. Se não foi você, ignore este e-mail: "
                 "sua senha continua a mesma.",
                 "The link works for {minutes} minutes, once. Changing the password ends every "
                 "open session. If it was not you, ignore this e-mail: your password stays the "
                 "same."),
    },
    "invite": {
        "subject": ("{inviter} convidou você para {tenant} no {platform}",
                    "{inviter} invited you to {tenant} on {platform}"),
        "paragraphs": [
            ("{inviter} convidou você para fazer parte de {tenant} no {platform}, como {role}.",
             "{inviter} invited you to join {tenant} on {platform} as {role}."),
            ("Aceite pelo botão abaixo: se ainda não tem conta, você cria uma na hora com este "
             "e-mail.", "Accept with the button below: if you have no account yet, you create "
             "one with this e-mail right there."),
        ],
        "button": ("Aceitar convite", "Accept invitation"),
        "note": ("O convite vale por {days} dias e só pode ser aceito uma vez. Se você não "
                 "esperava por ele, ignore este e-mail.",
                 "The invitation works for {days} days, once. If you were not expecting it, "
                 "ignore this e-mail."),
    },
    "login_alert": {
        "subject": ("Muitas tentativas de entrar na sua conta",
                    "Many attempts to log in to your account"),
        "paragraphs": [
            ("Olá, {name}. Nos últimos minutos houve {count} tentativas de entrar na sua conta "
             "com a senha errada.",
             "Hi {name}. In the last minutes there were {count} attempts to log in to your "
             "account with a wrong password."),
            ("Sua conta continua acessível para você: nos aparelhos onde você já entrou, a senha "
             "certa nunca é recusada. Em aparelhos novos o login fica mais lento por enquanto.",
             "Your account stays open to you: on devices you logged in from before, the right "
             "password is never refused. On new devices logging in is slower for now."),
            ("Se não foi você, troque a senha e ative a verificação em duas etapas no seu perfil.",
             "If it was not you, change your password and turn on two-step verification in "
             "your profile."),
        ],
        "button": ("Trocar a senha", "Change password"),
        "note": ("Enviamos este aviso no máximo uma vez a cada 6 horas.",
                 "We send this notice at most once every 6 hours."),
    },
    "webhook_disabled": {
        "subject": ("Webhook desativado em {tenant}: o endpoint falha há 3 dias",
                    "Webhook turned off in {tenant}: the endpoint has failed for 3 days"),
        "paragraphs": [
            ("Olá, {name}. O endpoint {url} não aceita os eventos do {platform} há 3 dias, então "
             "paramos de enviar para ele.",
             "Hi {name}. The endpoint {url} has not accepted {platform}'s events for 3 days, so we "
             "stopped sending to it."),
            ("Confira o registro de entregas para ver o que ele respondeu, corrija o receptor e "
             "reative o endpoint. Os eventos que não chegaram podem ser reenviados de lá.",
             "Check the delivery log to see what it answered, fix the receiver and turn the "
             "endpoint back on. Events that did not arrive can be resent from there."),
        ],
        "button": ("Abrir os webhooks", "Open webhooks"),
        "note": ("Você recebe este aviso por ser proprietário ou administrador de {tenant}.",
                 "You get this notice as an owner or admin of {tenant}."),
    },
    "team_notice": {
        "subject": ("{title}", "{title}"),
        "paragraphs": [
            ("Olá, {name}. {title}.", "Hi {name}. {title}."),
            ("{body}", "{body}"),
        ],
        "button": ("Abrir o atendimento", "Open the inbox"),
        "note": ("Você recebe estes avisos por ser da equipe. Escolha quais quer por e-mail em "
                 "Minha conta.", "You get these notices as a member of the team. Choose which "
                 "ones you want by e-mail in My account."),
    },
    "second_factor_failed": {
        "subject": ("Senha certa, código errado: foi você?",
                    "Right password, wrong code: was it you?"),
        "paragraphs": [
            ("Olá, {name}. Alguém entrou com a senha certa da sua conta, mas errou o código da "
             "verificação em duas etapas.",
             "Hi {name}. Someone used your account's correct password but got the two-step "
             "verification code wrong."),
            ("Se não foi você, sua senha é conhecida por outra pessoa: troque-a agora.",
             "If it was not you, someone else knows your password: change it now."),
        ],
        "button": ("Trocar a senha", "Change password"),
        "note": ("Enviamos este aviso no máximo uma vez a cada 6 horas.",
                 "We send this notice at most once every 6 hours."),
    },
    "password_changed": {
        "subject": ("Sua senha do {platform} foi alterada", "Your {platform} password was changed"),
        "paragraphs": [
            ("Olá, {name}. A senha da sua conta foi alterada em {when} (horário de Brasília) e "
             "as outras sessões foram encerradas.",
             "Hi {name}. Your account's password was changed on {when} (Brasília time) and the "
             "other sessions were ended."),
        ],
        "button": ("Não fui eu: redefinir senha", "It was not me: reset password"),
        "note": ("Se foi você, não precisa fazer nada.", "If it was you, there is nothing to do."),
    },
    "two_factor_changed": {
        "subject": ("Verificação em duas etapas {state}", "Two-step verification {state}"),
        "paragraphs": [
            ("Olá, {name}. A verificação em duas etapas da sua conta foi {state} em {when} "
             "(horário de Brasília).",
             "Hi {name}. Two-step verification on your account was {state} on {when} "
             "(Brasília time)."),
        ],
        "button": ("Abrir meu perfil", "Open my profile"),
        "note": ("Se não foi você, troque a senha imediatamente.",
                 "If it was not you, change your password at once."),
    },
}

_HTML = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ subject }}</title></head>
<body style="margin:0;padding:24px;background:#f4f6f5;font-family:Arial,Helvetica,sans-serif;color:#1a1a1a">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="560" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:12px;padding:32px">
<tr><td style="font-size:22px;font-weight:bold;color:{{ color }};padding-bottom:16px">{% if logo %}<img src="{{ logo }}" alt="{{ name }}" height="40" style="height:40px;max-width:220px;border:0;display:block">{% else %}{{ name }}{% endif %}</td></tr>
{% for p in paragraphs %}<tr><td style="font-size:15px;line-height:22px;padding-bottom:12px">{{ p }}</td></tr>
{% endfor %}{% if button %}<tr><td style="padding:12px 0 20px"><a href="{{ link }}" style="background:{{ color }};color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:8px;font-weight:bold;display:inline-block">{{ button }}</a></td></tr>
<tr><td style="font-size:12px;color:#555;padding-bottom:12px">{{ link_hint }}<br><a href="{{ link }}" style="color:{{ color }};word-break:break-all">{{ link }}</a></td></tr>
{% endif %}<tr><td style="font-size:12px;color:#777;border-top:1px solid #eee;padding-top:12px">{{ note }}{% for f in footer %}<br>{{ f }}{% endfor %}</td></tr>
</table></td></tr></table></body></html>
"""

_TEXT = """{{ name }}
{% for p in paragraphs %}
{{ p }}
{% endfor %}{% if button %}
{{ button }}: {{ link }}
{% endif %}
--
{{ note }}
{% for f in footer %}{{ f }}
{% endfor %}"""

# Footer lines of a business's e-mail: where to ask, and the platform's credit (only when
# the business did not hide the platform's name).
_SUPPORT = ("Dúvidas? Responda este e-mail ou escreva para {email}.",
            "Questions? Reply to this e-mail or write to {email}.")
_CREDIT = ("{name} · com tecnologia ylada", "{name} · powered by ylada")

_LINK_HINT = ("Se o botão não abrir, copie este endereço no navegador:",
              "If the button does not open, copy this address into your browser:")
_env_html = Environment(autoescape=True, keep_trailing_newline=True)
_env_text = Environment(autoescape=False, keep_trailing_newline=True)
_html_tpl = _env_html.from_string(_HTML)
_text_tpl = _env_text.from_string(_TEXT)


@dataclass(frozen=True)
class MailBrand:
    """Whose brand an e-mail carries: the platform's, or a business's (white label)."""

    name: str = PLATFORM_NAME
    color: str = PLATFORM_COLOR
    logo_url: str = ""  # absolute, on the brand's own address
    support_email: str = ""  # also the Reply-To
    hide_platform_name: bool = False
    custom: bool = False  # a business's brand (False: the platform's)


PLATFORM_MAIL = MailBrand()


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def render(kind: str, lang: str, *, link: str = "", brand: MailBrand | None = None,
           **params: object) -> RenderedEmail:
    """The e-mail of `kind` in `lang` ("pt-BR" or "en"); `link` is the button's address.
    With a business's `brand` its name replaces the platform's everywhere in the texts."""
    spec = TEXTS[kind]
    idx = EN if lang == "en" else PT
    brand = brand or PLATFORM_MAIL
    params = {**params, "platform": brand.name}
    plain = {k: _one_line(v) for k, v in params.items()}
    safe = {k: escape(v) for k, v in plain.items()}
    subject = _one_line(spec["subject"][idx].format(**plain))[:200]  # type: ignore[index]
    paragraphs = [pair[idx] for pair in spec["paragraphs"]]  # type: ignore[attr-defined]
    button = spec["button"][idx] if spec.get("button") else ""  # type: ignore[index]
    note = spec["note"][idx].format(**plain)  # type: ignore[index]
    footer: list[str] = []
    if brand.custom and brand.support_email:
        footer.append(_SUPPORT[idx].format(email=brand.support_email))
    if brand.custom and not brand.hide_platform_name:
        footer.append(_CREDIT[idx].format(name=_one_line(brand.name)))
    name = _one_line(brand.name)
    html = _html_tpl.render(
        lang="en" if idx == EN else "pt-BR", subject=subject, name=name, color=brand.color,
        logo=brand.logo_url,
        paragraphs=[Markup(p.format(**safe)) for p in paragraphs],  # noqa: S704 - escaped
        button=button, link=link, link_hint=_LINK_HINT[idx], note=note, footer=footer,
    )
    text = _text_tpl.render(name=name, paragraphs=[p.format(**plain) for p in paragraphs],
                            button=button, link=link, note=note, footer=footer)
    return RenderedEmail(subject=subject, text=text, html=html)

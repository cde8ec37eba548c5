"""Labels of the white label settings (/settings/brand) and the branded login/shell."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "nav.brand": ("Marca própria", "Own brand"),
    "brand.title": ("Marca própria", "Own brand"),
    "brand.subtitle": ("Seu nome, logo e cores no login e no painel, no seu próprio endereço.",
                       "Your name, logo and colours on the login and the app, at your own "
                       "address."),
    "brand.owner_only": ("Só o dono da empresa altera a marca.",
                         "Only the business owner changes the brand."),
    "brand.plan_needed": ("A marca própria faz parte do plano Business.",
                          "Own brand is part of the Business plan."),
    "brand.see_plans": ("Ver planos", "See plans"),
    "brand.section_identity": ("Identidade", "Identity"),
    "brand.section_address": ("Endereços", "Addresses"),
    "brand.display_name": ("Nome exibido", "Display name"),
    "brand.primary_color": ("Cor principal (ex.: #0A5BD3)", "Primary colour (e.g. #0A5BD3)"),
    "brand.login_headline": ("Frase da página de login", "Login page headline"),
    "brand.support_email": ("E-mail de suporte", "Support e-mail"),
    "brand.support_whatsapp": ("WhatsApp de suporte", "Support WhatsApp"),
    "brand.hide_platform": ("Esconder o nome ylada das páginas dos seus clientes",
                            "Hide the ylada name from your clients' pages"),
    "brand.logo": ("Logo (PNG, JPEG ou WebP, até 1 MB)", "Logo (PNG, JPEG or WebP, up to 1 MB)"),
    "brand.logo_upload": ("Enviar logo", "Upload logo"),
    "brand.logo_remove": ("Remover logo", "Remove logo"),
    "brand.logo_saved": ("Logo atualizado.", "Logo updated."),
    "brand.save": ("Salvar marca", "Save brand"),
    "brand.saved": ("Marca salva.", "Brand saved."),
    "brand.preview": ("Prévia", "Preview"),
    "brand.preview_button": ("Entrar", "Log in"),
    "brand.subdomain": ("Subdomínio", "Subdomain"),
    "brand.subdomain_save": ("Salvar subdomínio", "Save subdomain"),
    "brand.subdomain_saved": ("Subdomínio salvo.", "Subdomain saved."),
    "brand.custom_domain": ("Domínio próprio (ex.: bots.suaempresa.com.br)",
                            "Custom domain (e.g. bots.yourcompany.com)"),
    "brand.domain_save": ("Usar este domínio", "Use this domain"),
    "brand.domain_check": ("Verificar agora", "Check now"),
    "brand.domain_txt": ("Crie no DNS do domínio um registro TXT com este nome e valor:",
                         "Create a TXT record with this name and value in the domain's DNS:"),
    "brand.domain_status.pending": ("Aguardando verificação", "Waiting for verification"),
    "brand.domain_status.verified": ("Verificado", "Verified"),
    "brand.domain_status.failed": ("Registro não encontrado — confira o DNS e tente de novo",
                                   "Record not found — check the DNS and try again"),
    "brand.powered_by": ("com tecnologia ylada", "powered by ylada"),
    "brand.login_title": ("Entrar em {name}", "Log in to {name}"),
    "brand.err.plan": ("Seu plano não inclui marca própria.",
                       "Your plan does not include own brand."),
    "brand.err.name_required": ("Informe o nome exibido.", "Enter the display name."),
    "brand.err.name_long": ("Use no máximo 60 caracteres.", "Use at most 60 characters."),
    "brand.err.color_format": ("Use uma cor no formato #RRGGBB, por exemplo #0A5BD3.",
                               "Use a colour like #RRGGBB, e.g. #0A5BD3."),
    "brand.err.color_contrast": ("Essa cor é clara demais: texto branco sobre ela fica ilegível "
                                 "(contraste {ratio}:1, o mínimo é 4,5:1). Escolha um tom mais "
                                 "escuro.", "This colour is too light: white text on it is hard "
                                 "to read (contrast {ratio}:1, minimum 4.5:1). Pick a darker "
                                 "shade."),
    "brand.err.headline_long": ("Use no máximo 120 caracteres.", "Use at most 120 characters."),
    "brand.err.email": ("Informe um e-mail válido.", "Enter a valid e-mail."),
    "brand.err.whatsapp": ("Informe o número com DDD, ex.: +55 11 91234-5678.",
                           "Enter the number with area code, e.g. +55 11 91234-5678."),
    "brand.err.image_big": ("A imagem passa de 1 MB. Envie um arquivo menor.",
                            "The image is over 1 MB. Send a smaller file."),
    "brand.err.image_type": ("Não conseguimos ler essa imagem. Envie PNG, JPEG ou WebP.",
                             "We could not read this image. Send PNG, JPEG or WebP."),
    "brand.err.image_svg": ("SVG não é aceito. Envie PNG, JPEG ou WebP.",
                            "SVG is not accepted. Send PNG, JPEG or WebP."),
    "brand.err.image_size": ("A imagem deve ter entre 16 e 4096 pixels de lado.",
                             "The image must be 16 to 4096 pixels per side."),
    "brand.err.subdomain_format": ("Use de 3 a 32 letras minúsculas, números ou hífens (sem "
                                   "hífen no começo ou no fim).", "Use 3 to 32 lower-case "
                                   "letters, digits or hyphens (no hyphen at either end)."),
    "brand.err.subdomain_reserved": ("Esse nome é reservado. Escolha outro.",
                                     "This name is reserved. Pick another."),
    "brand.err.subdomain_taken": ("Esse subdomínio já está em uso.",
                                  "This subdomain is already taken."),
    "brand.err.domain_format": ("Informe um domínio como bots.suaempresa.com.br.",
                                "Enter a domain like bots.yourcompany.com."),
    "brand.err.domain_platform": ("Para um endereço da plataforma, use o subdomínio acima.",
                                  "For a platform address, use the subdomain above."),
    "brand.err.domain_taken": ("Esse domínio já foi verificado por outra empresa.",
                               "This domain was already verified by another business."),
    "brand.err.dns_unavailable": ("O DNS não respondeu agora. Tente de novo em alguns minutos.",
                                  "DNS did not answer just now. Try again in a few minutes."),
    "brand.err.domain_missing": ("Informe o domínio primeiro.", "Enter the domain first."),
    # the business's own e-mail sender (services/brand_email.py)
    "brand.section_email": ("E-mail com a sua marca", "E-mail with your brand"),
    "brand.smtp.intro": ("Convites, redefinições de senha e avisos saem com o seu nome, logo e "
                         "cor, com resposta para o seu e-mail de suporte. Para enviar pelo seu "
                         "próprio servidor de e-mail, preencha os dados do SMTP.",
                         "Invitations, password resets and notices go out with your name, "
                         "logo and colour, replying to your support e-mail. To send through "
                         "your own mail server, fill in its SMTP details."),
    "brand.smtp.host": ("Servidor SMTP (ex.: smtp.suaempresa.com.br)",
                        "SMTP server (e.g. smtp.yourcompany.com)"),
    "brand.smtp.port": ("Porta", "Port"),
    "brand.smtp.security": ("Segurança", "Security"),
    "brand.smtp.security.starttls": ("STARTTLS (porta 587)", "STARTTLS (port 587)"),
    "brand.smtp.security.ssl": ("SSL/TLS direto (porta 465)", "Direct SSL/TLS (port 465)"),
    "brand.smtp.username": ("Usuário", "Username"),
    "brand.smtp.password": ("Senha", "Password"),
    "brand.smtp.password_kept": ("Senha guardada com criptografia. Deixe em branco para manter.",
                                 "Password stored encrypted. Leave blank to keep it."),
    "brand.smtp.from_email": ("E-mail do remetente (ex.: contato@suaempresa.com.br)",
                              "Sender e-mail (e.g. hello@yourcompany.com)"),
    "brand.smtp.save": ("Salvar servidor de e-mail", "Save mail server"),
    "brand.smtp.saved": ("Servidor de e-mail salvo. Use “Testar envio” para conferir.",
                         "Mail server saved. Use “Send a test” to check it."),
    "brand.smtp.remove": ("Voltar ao envio padrão", "Back to the default sender"),
    "brand.smtp.removed": ("Os e-mails voltam a sair pelo envio padrão.",
                           "E-mails go out through the default sender again."),
    "brand.smtp.active": ("Enviando pelo seu servidor", "Sending through your server"),
    "brand.smtp.inactive": ("Enviando pelo servidor padrão, com a sua marca",
                            "Sending through the default server, with your brand"),
    "brand.smtp.test": ("Testar envio", "Send a test"),
    "brand.smtp.test_ok": ("Tudo certo: enviamos um e-mail de teste para {email} pelo seu "
                           "servidor.", "All good: we sent a test e-mail to {email} through "
                           "your server."),
    "brand.smtp.last_error": ("Último problema no envio:", "Last sending problem:"),
    "brand.smtp.test_subject": ("Teste de envio de {name}", "Sending test from {name}"),
    "brand.smtp.test_body": ("Este é um e-mail de teste de {name}. Se você o recebeu, o servidor "
                             "de e-mail está configurado corretamente.",
                             "This is a test e-mail from {name}. If you got it, the mail server "
                             "is set up correctly."),
    "brand.smtp.notice_title": ("Seu servidor de e-mail falhou",
                                "Your mail server failed"),
    "brand.smtp.notice_body": ("Os e-mails foram enviados pelo servidor padrão. Confira em "
                               "Marca própria.", "The e-mails went out through the default "
                               "server. Check it in Own brand."),
    "brand.smtp.err_not_set": ("Salve os dados do servidor antes de testar.",
                               "Save the server details before testing."),
    "brand.smtp.err_connect": ("Não conseguimos conectar ao servidor. Confira o endereço e a "
                               "porta.", "We could not connect to the server. Check the "
                               "address and the port."),
    "brand.smtp.err_timeout": ("O servidor demorou demais para responder. Confira o endereço, "
                               "a porta e se ele aceita conexões externas.",
                               "The server took too long to answer. Check the address, the "
                               "port and whether it accepts outside connections."),
    "brand.smtp.err_auth": ("O servidor recusou o usuário ou a senha.",
                            "The server refused the username or the password."),
    "brand.smtp.err_starttls": ("O servidor não ofereceu conexão segura (STARTTLS), então não "
                                "enviamos a senha. Use a porta 587 com STARTTLS ou 465 com "
                                "SSL/TLS.", "The server offered no secure connection "
                                "(STARTTLS), so we did not send the password. Use port 587 with "
                                "STARTTLS or 465 with SSL/TLS."),
    "brand.smtp.err_tls": ("A conexão segura falhou. Confira se a opção de segurança combina "
                           "com a porta (587: STARTTLS, 465: SSL/TLS).",
                           "The secure connection failed. Check that the security option "
                           "matches the port (587: STARTTLS, 465: SSL/TLS)."),
    "brand.smtp.err_recipient": ("O servidor recusou o destinatário.",
                                 "The server refused the recipient."),
    "brand.smtp.err_refused": ("O servidor recusou a mensagem (confira se o remetente pode "
                               "enviar por ele).", "The server refused the message (check that "
                               "the sender may send through it)."),
    "brand.smtp.err_other": ("O envio falhou. Confira os dados e tente de novo.",
                             "Sending failed. Check the details and try again."),
    "brand.err.smtp_host": ("Informe o endereço do servidor, ex.: smtp.suaempresa.com.br.",
                            "Enter the server address, e.g. smtp.yourcompany.com."),
    "brand.err.smtp_internal": ("Esse endereço não pode ser usado.",
                                "This address cannot be used."),
    "brand.err.smtp_port": ("Informe uma porta entre 1 e 65535 (normalmente 587 ou 465).",
                            "Enter a port from 1 to 65535 (usually 587 or 465)."),
    "brand.err.smtp_username": ("Usuário inválido.", "Invalid username."),
    "brand.err.smtp_password": ("Senha inválida (até 200 caracteres).",
                                "Invalid password (up to 200 characters)."),
}

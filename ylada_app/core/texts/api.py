"""Texts of the public REST API (/api/v1) and of the API keys page."""

TEXTS = {
    "api.error.scopes": ("Escolha os escopos: read, ou read,write.",
                         "Choose the scopes: read, or read,write."),
    "api.error.too_many_keys": ("Uma empresa pode ter até {max} chaves ativas; revogue uma antes.",
                                "A business can have up to {max} active keys; revoke one first."),
    "api.error.unauthorized": ("Chave de API ausente, inválida ou revogada. Envie o cabeçalho "
                               "Authorization: Bearer <chave>.",
                               "Missing, invalid or revoked API key. Send the header "
                               "Authorization: Bearer <key>."),
    "api.error.scope_write": ("Esta chave só pode ler (escopo read).",
                              "This key can only read (read scope)."),
    "api.error.rate_limited": ("Muitas requisições com esta chave: tente de novo em {seconds} s.",
                               "Too many requests with this key: try again in {seconds} s."),
    "api.error.cursor": ("Cursor inválido: use o next_cursor da página anterior.",
                         "Invalid cursor: use the previous page's next_cursor."),
    "api.error.phone": ("Telefone inválido: informe o número com DDD (e o código do país "
                        "fora do Brasil).",
                        "Invalid phone: give the number with area code (and the country "
                        "code outside Brazil)."),
    "api.error.date": ("Data inválida: use o formato ISO 8601, por exemplo "
                       "2026-12-01T10:00:00Z.",
                       "Invalid date: use ISO 8601, for example 2026-12-01T10:00:00Z."),
    "api.error.not_found_route": ("Rota não encontrada.", "Route not found."),
    "api.error.internal": ("Erro interno; tente de novo. O request_id ajuda o suporte.",
                           "Internal error; try again. The request_id helps support."),
    "nav.api": ("API", "API"),
    "apikeys.title": ("API", "API"),
    "apikeys.subtitle": ("Chaves para integrar seus sistemas (ERP, planilhas, n8n) com a API "
                         "pública do ylada.",
                         "Keys to connect your systems (ERP, spreadsheets, n8n) to ylada's "
                         "public API."),
    "apikeys.new": ("Nova chave", "New key"),
    "apikeys.name": ("Nome (para você reconhecer)", "Name (for you to recognise it)"),
    "apikeys.scopes": ("Permissão", "Permission"),
    "apikeys.scope_read": ("Só leitura", "Read only"),
    "apikeys.scope_write": ("Leitura e escrita", "Read and write"),
    "apikeys.create": ("Criar chave", "Create key"),
    "apikeys.copy_now": ("Copie a chave agora: por segurança ela não será mostrada de novo.",
                         "Copy the key now: for security it will not be shown again."),
    "apikeys.done": ("Já copiei", "I copied it"),
    "apikeys.none": ("Nenhuma chave ainda.", "No keys yet."),
    "apikeys.key": ("Chave", "Key"),
    "apikeys.created": ("Criada em", "Created"),
    "apikeys.last_used": ("Último uso", "Last used"),
    "apikeys.never_used": ("nunca", "never"),
    "apikeys.revoke": ("Revogar", "Revoke"),
    "apikeys.revoked": ("Chave revogada: ela parou de funcionar.",
                        "Key revoked: it stopped working."),
    "apikeys.revoked_badge": ("Revogada", "Revoked"),
    "apikeys.confirm_title": ("Revogar esta chave?", "Revoke this key?"),
    "apikeys.confirm_body": ("Integrações que usam esta chave param de funcionar na hora:",
                             "Integrations using this key stop working at once:"),
    "apikeys.docs_hint": ("Documentação e testes da API:", "API reference and try-it-out:"),
}

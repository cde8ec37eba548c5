"""/admin: the AI token price table the platform admin keeps (services/ai_costs.py), which
/usage estimates each business's AI cost with."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "admin.ai_prices": ("Preço da IA por 1 milhão de tokens (R$)",
                        "AI price per 1 million tokens (BRL)"),
    "admin.ai_prices_hint": (
        "Usada para estimar o custo de IA de cada empresa em Uso. Aceita vírgula ou ponto "
        "(ex.: 0,83). “Outros modelos” vale para os modelos do provedor que não estão na "
        "tabela.",
        "Used to estimate each business's AI cost on Usage. Comma or dot decimals "
        "(e.g. 0.83). “Other models” applies to the provider's models not in the table."),
    "admin.ai_prices.provider": ("Provedor", "Provider"),
    "admin.ai_prices.model": ("Modelo", "Model"),
    "admin.ai_prices.input": ("Entrada (R$ / 1M)", "Input (BRL / 1M)"),
    "admin.ai_prices.output": ("Saída (R$ / 1M)", "Output (BRL / 1M)"),
    "admin.ai_prices.other_models": ("Outros modelos", "Other models"),
    "admin.ai_prices.edited": ("alterado", "changed"),
    "admin.ai_prices.add": ("Adicionar modelo", "Add model"),
    "admin.ai_prices.new": ("Novo modelo", "New model"),
    "admin.ai_prices.model_placeholder": ("ex.: gpt-4.1", "e.g. gpt-4.1"),
    "admin.ai_prices.reset": ("Voltar ao preço padrão", "Back to the default price"),
    "admin.ai_prices.remove": ("Remover modelo", "Remove model"),
    "admin.ai_prices.reset_done": ("Preço padrão restaurado.", "Default price restored."),
    "admin.ai_prices.removed": ("Modelo removido da tabela.", "Model removed from the table."),
    "ai_costs.bad_price": ("Informe um valor entre 0 e {max}, ex.: 0,83.",
                           "Enter a value from 0 to {max}, e.g. 0.83."),
    "ai_costs.bad_provider": ("Escolha OpenAI ou Anthropic.", "Choose OpenAI or Anthropic."),
    "ai_costs.model_required": ("Informe o nome do modelo.", "Enter the model name."),
    "ai_costs.bad_model": ("Nome de modelo inválido (até 100 caracteres, sem espaços).",
                           "Invalid model name (up to 100 characters, no spaces)."),
    "ai_costs.model_exists": ("Esse modelo já está na tabela: altere o preço na linha dele.",
                              "That model is already in the table: change its row instead."),
    "ai_costs.too_many": ("A tabela chegou ao limite de {count} preços.",
                          "The table reached its limit of {count} prices."),
}

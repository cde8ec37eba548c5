"""Labels of the AI assistant's learning tab (answers marked good / wrong, corrections,
unanswered questions), its provider settings and hand-off text, and the AI costs on /usage."""

TEXTS: dict[str, tuple[str, str]] = {
    "ai.tab_learning": ("Respostas", "Answers"),
    "learning.recent_title": ("Respostas recentes", "Recent answers"),
    "learning.recent_help": (
        "Marque cada resposta da IA como boa ou errada. Corrigindo uma resposta errada, a "
        "correção vira uma pergunta frequente que a IA usa da próxima vez.",
        "Mark each AI answer as good or wrong. Correcting a wrong answer turns the "
        "correction into a FAQ the AI uses next time."),
    "learning.recent_empty": ("A IA ainda não respondeu nenhuma pergunta nesta instância.",
                              "The AI has not answered any question on this instance yet."),
    "learning.question": ("Pergunta", "Question"),
    "learning.answer": ("Resposta da IA", "AI answer"),
    "learning.items": ("Itens usados", "Items used"),
    "learning.no_items": ("nenhum item do conhecimento", "no knowledge item"),
    "learning.good": ("Boa", "Good"),
    "learning.wrong": ("Errada", "Wrong"),
    "learning.rated_good": ("Marcada como boa", "Marked good"),
    "learning.rated_wrong": ("Marcada como errada", "Marked wrong"),
    "learning.corrected": ("Corrigida: virou pergunta frequente", "Corrected: now a FAQ"),
    "learning.answered": ("Respondida: virou pergunta frequente", "Answered: now a FAQ"),
    "learning.handed_over": ("passada para a equipe", "handed to the team"),
    "learning.correct": ("Corrigir", "Correct"),
    "learning.correct_title": ("Resposta certa", "Right answer"),
    "learning.correct_help": (
        "Escreva como a IA deveria ter respondido. Salvamos como pergunta frequente.",
        "Write how the AI should have answered. It is saved as a FAQ."),
    "learning.faq_question": ("Pergunta (como o cliente pergunta)",
                              "Question (as the customer asks)"),
    "learning.faq_answer": ("Resposta", "Answer"),
    "learning.save_faq": ("Salvar resposta", "Save answer"),
    "learning.cancel": ("Cancelar", "Cancel"),
    "learning.saved": ("Resposta salva no conhecimento.", "Answer saved to the knowledge."),
    "learning.rated": ("Obrigado! Avaliação registrada.", "Thanks! Rating saved."),
    "learning.unanswered_title": ("Perguntas sem resposta", "Unanswered questions"),
    "learning.unanswered_help": (
        "Perguntas de clientes que a IA não encontrou no conhecimento ou não soube "
        "responder. Adicione a resposta e ela sai da lista.",
        "Customers' questions the AI found nothing for or could not answer. Add the answer "
        "and it leaves the list."),
    "learning.unanswered_empty": ("Nenhuma pergunta sem resposta. 🎉",
                                  "No unanswered question. 🎉"),
    "learning.times": ("vez(es)", "time(s)"),
    "learning.last": ("última em", "last on"),
    "learning.also": ("Também perguntaram:", "Also asked:"),
    "learning.add_answer": ("Adicionar resposta", "Add an answer"),
    "learning.bad_rating": ("Avaliação desconhecida.", "Unknown rating."),
    "learning.answer_required": ("Escreva a resposta.", "Write the answer."),
    "learning.source_console": ("teste", "test"),
    "learning.source_fallback": ("sem fluxo", "no flow"),
    "learning.source_flow": ("fluxo", "flow"),
    # settings: provider and hand-off text
    "ai.provider": ("Provedor de IA", "AI provider"),
    "ai.provider_openai": ("OpenAI ou compatível", "OpenAI or compatible"),
    "ai.provider_anthropic": ("Anthropic (Claude)", "Anthropic (Claude)"),
    "ai.provider_hint": (
        "O modelo e a chave são do provedor escolhido. Na Anthropic, deixe o endereço "
        "vazio para usar o serviço oficial.",
        "Model and key belong to the chosen provider. For Anthropic, leave the endpoint "
        "empty to use the official API."),
    "ai.bad_provider": ("Provedor desconhecido.", "Unknown provider."),
    "ai.handoff_text": ("Mensagem quando a IA não sabe a resposta",
                        "Message when the AI does not know the answer"),
    "ai.handoff_text_hint": (
        "O cliente recebe este texto e a conversa passa para a equipe. Vazio: o texto padrão.",
        "The customer gets this text and the conversation goes to the team. Empty: the "
        "default text."),
    # /usage: AI costs
    "usage.ai_costs": ("Custos de IA neste mês", "AI costs this month"),
    "usage.ai_costs_help": (
        "Tokens por provedor e modelo, com o custo estimado pela tabela de preços "
        "(por 1 milhão de tokens de entrada e de saída).",
        "Tokens by provider and model, with the cost estimated from the price table "
        "(per 1 million input and output tokens)."),
    "usage.ai_costs_empty": ("Nenhum uso de IA neste mês.", "No AI usage this month."),
    "usage.ai_provider": ("Provedor", "Provider"),
    "usage.ai_model": ("Modelo", "Model"),
    "usage.ai_in": ("Tokens de entrada", "Input tokens"),
    "usage.ai_out": ("Tokens de saída", "Output tokens"),
    "usage.ai_price": ("Preço (1M entrada / saída)", "Price (1M in / out)"),
    "usage.ai_cost": ("Custo", "Cost"),
    "usage.ai_total": ("Total", "Total"),
    "usage.ai_default_price": ("preço padrão do provedor", "provider's default price"),
    "usage.ai_model_unknown": ("não informado", "not recorded"),
}

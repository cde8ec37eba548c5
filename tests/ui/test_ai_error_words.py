"""What the AI page shows of a stored AI error, in the page's language: the log keeps pt-BR
words, and an English page showed them as they were."""

from __future__ import annotations

import pytest

from tests.ui.test_state_isolation import _state
from ylada_app.pages.ai import AiState
from ylada_app.services import ai


@pytest.mark.parametrize(("stored", "english"), [
    (ai.LIMIT_ERROR, "The plan's monthly AI token limit was reached."),
    (ai.DISABLED_ERROR, "AI assistant switched off on this number."),
    ("Assistente de IA desativado nesta instância.", "AI assistant switched off on this number."),
    (ai.NO_ENDPOINT, "No AI endpoint configured."),
    (ai.UNKNOWN_NOTE_TEAM, "The AI did not know the answer: the conversation went to the team."),
    ("Resposta bloqueada: valor R$ 55,00 não está no catálogo.",
     "Answer blocked: R$ 55,00 not in the catalog."),
    ("Resposta bloqueada: valores R$ 55,00, R$ 7,00 e R$ 12,00 não estão no catálogo.",
     "Answer blocked: R$ 55,00, R$ 7,00 and R$ 12,00 not in the catalog."),
    ("algo que ninguém previu", "algo que ninguém previu"),  # (shown as stored)
])
def test_stored_ai_errors_read_in_the_pages_language(stored, english):
    state = _state(AiState, "")
    state.lang = "en"
    assert state._ai_error(stored) == english
    state.lang = "pt-BR"
    assert "not" not in state._ai_error(stored)

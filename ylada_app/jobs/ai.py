"""The worker side of the AI assistant: perform an `ai_reply` effect for a conversation.

The model clients live in ylada_app.integrations (openai_client: any OpenAI-compatible
endpoint; anthropic_client: Anthropic's messages API); the rules (prompt, budget, log) in
ylada_app.services.ai, which finds `chat` here by its dotted name and says which provider.
"""

from __future__ import annotations

from typing import Any

from ylada_app.integrations import anthropic_client, openai_client
from ylada_app.integrations.openai_client import ChatResult, embed
from ylada_app.services import ai as ai_svc

__all__ = ["chat", "embed", "perform_ai_reply"]


def chat(*, provider: str = "openai", **kwargs: Any) -> ChatResult:
    """One model call through the instance's provider (same messages, same result)."""
    if provider == "anthropic":
        return anthropic_client.chat(**kwargs)
    return openai_client.chat(**kwargs)


def perform_ai_reply(effect: dict[str, Any], *, tenant_id: int, instance_id: int,
                     conversation_id: int | None) -> dict[str, Any]:
    """Returns the engine's effect result: {"text"} or {"error", "fallback_text"}.

    When the conversation must go to the team (the assistant did not know, or a price was
    blocked) the result also carries `handoff` ({"reason", "question", "amounts"}) for the
    worker. In a flow it is an error result: the flow's own error path decides (say, its
    handoff block); with none, the contact gets the hand-off text and the flow ends."""
    question = str(effect.get("user_text") or "")
    result = ai_svc.answer(
        tenant_id=tenant_id, instance_id=instance_id, question=question,
        conversation_id=conversation_id, flow_prompt=effect.get("prompt"),
        use_knowledge=bool(effect.get("use_knowledge", True)),
        source="fallback" if effect.get("fallback") else "flow", chat=chat)
    if result.handoff:
        handoff = {"reason": result.handoff, "question": question[:500],
                   "amounts": result.blocked[:5]}
        if effect.get("fallback"):
            return {"text": result.text, "items": [i["id"] for i in result.items],
                    "handoff": handoff}
        return {"error": f"ai_{result.handoff}", "fallback_text": result.text,
                "handoff": handoff}
    if result.ok:
        return {"text": result.text, "items": [i["id"] for i in result.items]}
    return {"error": result.error or "ai_error", "fallback_text": result.text}

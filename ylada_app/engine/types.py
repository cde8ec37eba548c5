"""Runtime types: the `FlowSet` a caller hands to the engine and the `StepResult` it gets back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from ylada_app.engine.schema import Flow
from ylada_app.engine.validate import FlowValidationError, validate_flow

# (Not "CANCELAR": a customer cancelling an order or a booking in a menu meant that, and was
# unsubscribed from everything.)
DEFAULT_OPTOUT_WORDS = ("PARAR", "SAIR", "STOP", "DESCADASTRAR")
DEFAULT_OPTIN_WORDS = ("VOLTAR",)
# The confirmation names the word that brings the contact back (a number may choose its own).
OPTOUT_REPLY_TEMPLATE = (
    "Pronto! Você não receberá mais mensagens nossas. Para voltar, envie {word}."
)
DEFAULT_OPTOUT_REPLY = OPTOUT_REPLY_TEMPLATE.format(word=DEFAULT_OPTIN_WORDS[0])
DEFAULT_OPTIN_REPLY = "Que bom ter você de volta! Você voltará a receber nossas mensagens."


@dataclass
class FlowSet:
    """All ACTIVE, already validated flows of one instance, plus its bot settings.

    `flows` order matters: when two flows have the same kind of trigger, the first wins.
    """

    flows: dict[str, Flow]
    default_reply: str | None = None  # sent when nothing matches and no session is active
    # When nothing matches and no session is active, ask the AI assistant instead of sending
    # `default_reply`: a fire-and-forget ai_reply effect (flow_id/node_id None, "fallback":
    # True); the caller sends the answer itself and feeds nothing back.
    ai_fallback: bool = False
    optout_words: tuple[str, ...] = DEFAULT_OPTOUT_WORDS
    optout_reply: str = DEFAULT_OPTOUT_REPLY
    optin_words: tuple[str, ...] = DEFAULT_OPTIN_WORDS
    optin_reply: str | None = DEFAULT_OPTIN_REPLY
    skipped: dict[str, list[str]] = field(default_factory=dict)  # flow id → error messages

    @classmethod
    def from_definitions(
        cls, definitions: Mapping[str, Any], *, strict: bool = False, **settings: Any
    ) -> FlowSet:
        """Parse stored flow JSON ({flow_id: definition}, in priority order).

        A flow that no longer validates (rules may tighten after it was published) is left
        out and listed in `skipped`, so one bad flow cannot silence the whole number;
        `strict=True` raises FlowValidationError instead. `goto_flow` targets are not
        checked here: jumping to an inactive flow ends the session safely at runtime.
        """
        flows: dict[str, Flow] = {}
        skipped: dict[str, list[str]] = {}
        for flow_id, data in definitions.items():
            report = validate_flow(data)
            if report.ok and report.flow is not None:
                flows[str(flow_id)] = report.flow
            elif strict:
                raise FlowValidationError(report)
            else:
                skipped[str(flow_id)] = [issue.message for issue in report.errors]
        return cls(flows=flows, skipped=skipped, **settings)


@dataclass
class StepResult:
    """Everything one `handle` call asks the caller to do, all JSON-serializable.

    messages         outbound messages, in order (shapes in runtime.py)
    actions          contact/conversation changes: set_var, add_tag, remove_tag, opt_out,
                     opt_in, consent, handoff, end
    effects          I/O the caller performs: http_request, ai_reply, delay (at most one)
    events           analytics: node_visited, flow_started, goal_reached, randomizer
                     (``branch``: the way an A/B split sent the contact), optout,
                     consent_given, ...
    state            the new session state, to store as is
    contact_changes  summary of contact updates: add_tags, remove_tags, opted_out, consent
    """

    state: dict[str, Any]
    messages: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    effects: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    contact_changes: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

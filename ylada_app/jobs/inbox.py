"""The team hands a conversation back to the bot: under the conversation's lock, the engine
resumes after the hand-off step (or starts the chosen flow), and what it says is written and
delivered like any bot reply."""

from __future__ import annotations

from ylada_app.core import live, locks
from ylada_app.core.db import session_scope
from ylada_app.jobs.conversations import flowset_for, run_event
from ylada_app.jobs.delivery import deliver_plans
from ylada_app.services import conversations as conv_svc


def return_to_bot(conversation_id: int, flow_key: str | None = None) -> dict[str, int]:
    with locks.hold(conversation_id):
        with session_scope() as session:
            work = conv_svc.load_work(session, conversation_id, with_flows=True)
            if work is None:
                return {"messages": 0}
            work.pending = []  # inbound messages are the drain's
            conv = work.conversation
            conv.status = "bot"
            conv.waiting_since = conv.snoozed_until = None
            conv.unread = 0
            sink = conv_svc.StepSink()
            state = dict(conv.session or {}) or None
            if work.tenant_status == "active":
                flows = flowset_for(work.flows)
                if state and state.get("status") == "human":
                    state = run_event(flows, state, {"kind": "resume_bot"}, work, sink)
                if flow_key:
                    state = run_event(flows, state, {"kind": "start_flow", "flow_id": flow_key},
                                      work, sink)
            if state and state.get("status") == "human":  # never left parked as a person's
                state = {**state, "status": "bot", "waiting": None}
            plans = conv_svc.finish_batch(session, [(work, sink, state or {})], [])
        live.bump([work.conversation.tenant_id])
        deliver_plans(plans)
    return {"messages": len(sink.outbound)}

"""What a contact's LGPD export contains, as JSON documents and a readable pt-BR summary.

The ZIP (built by jobs/privacy.py) holds:
- contact.json   profile, tags, fields, consent flags
- consents.json  every consent record (services/consent.history)
- messages.json  every message of their conversation: direction, type, text, content
                 (media links, buttons), status and its times
- ai.json        the AI assistant's answers to them (question, answer, when)
- events.json    analytics events of their conversation (flows started, goals, hand-offs…)
- flow.json      what the flows stored about them: the session's variables (set_variable,
                 http_request mappings — kept across sessions) and their last answer
- notes.json     the team's notes and the conversation's history lines (handed to a
                 person, resolved…): what the business wrote about them
- resumo.html    the same in plain Portuguese, for a person to read

Every read filters on the request's business AND the contact's conversation, so an export
can only ever contain the business's own data about that contact.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from ylada_app.models import (
    AiLog,
    AnalyticsEvent,
    Contact,
    Conversation,
    ConversationLog,
    Instance,
    Message,
)
from ylada_app.services import consent
from ylada_app.services.phones import display_phone

CHUNK = 2000
FILES = ("contact.json", "consents.json", "messages.json", "ai.json", "events.json",
         "flow.json", "notes.json", "resumo.html")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


def conversation_ids(session: Session, tenant_id: int, contact_id: int) -> list[int]:
    return list(session.exec(select(Conversation.id).where(
        Conversation.tenant_id == tenant_id, Conversation.contact_id == contact_id)).all())


def contact_doc(session: Session, contact: Contact) -> dict[str, Any]:
    instance = session.get(Instance, contact.instance_id)
    return {"id": contact.id, "name": contact.name, "phone": contact.wa_id,
            "phone_display": display_phone(contact.wa_id),
            "whatsapp_user_id": contact.user_id,  # (Meta's BSUID, when a message carried it)
            "number": instance.name if instance else "",
            "tags": list(contact.tags or []), "fields": dict(contact.fields or {}),
            "opted_out": contact.opted_out, "marketing_consent_at": _iso(contact.opted_in_at),
            "marketing_consent_source": contact.opt_in_source,
            "created_at": _iso(contact.created_at), "updated_at": _iso(contact.updated_at)}


def consents_doc(session: Session, tenant_id: int, contact_id: int) -> list[dict[str, Any]]:
    return [{"purpose": e.purpose, "granted": e.granted, "legal_basis": e.legal_basis,
             "source": e.source, "text_shown": e.text_shown, "evidence": e.evidence,
             "at": _iso(e.at)}
            for e in consent.history(session, tenant_id=tenant_id, contact_id=contact_id)]


def count_messages(session: Session, tenant_id: int, conv_ids: list[int]) -> int:
    from sqlalchemy import func

    if not conv_ids:
        return 0
    return session.exec(select(func.count()).select_from(Message).where(
        Message.tenant_id == tenant_id, col(Message.conversation_id).in_(conv_ids))).one()


def iter_messages(session: Session, tenant_id: int,
                  conv_ids: list[int]) -> Iterator[list[dict[str, Any]]]:
    last = 0
    while conv_ids:
        rows = session.exec(select(Message).where(
            Message.tenant_id == tenant_id, col(Message.conversation_id).in_(conv_ids),
            Message.id > last).order_by(col(Message.id)).limit(CHUNK)).all()
        if not rows:
            return
        yield [message_doc(m) for m in rows]
        last = rows[-1].id


def message_doc(m: Message) -> dict[str, Any]:
    return {"id": m.id, "direction": "received" if m.direction == "in" else "sent",
            "type": m.type, "text": m.text, "content": m.payload or {}, "status": m.status,
            "created_at": _iso(m.created_at), "whatsapp_time": _iso(m.wa_timestamp),
            "sent_at": _iso(m.sent_at), "delivered_at": _iso(m.delivered_at),
            "read_at": _iso(m.read_at), "by": "team" if m.author_user_id else
            ("contact" if m.direction == "in" else "bot")}


def ai_doc(session: Session, tenant_id: int, conv_ids: list[int]) -> list[dict[str, Any]]:
    if not conv_ids:
        return []
    return [{"question": r.question, "answer": r.answer, "source": r.source,
             "at": _iso(r.created_at)}
            for r in session.exec(select(AiLog).where(
                AiLog.tenant_id == tenant_id, col(AiLog.conversation_id).in_(conv_ids))
                .order_by(col(AiLog.id))).all()]


def events_doc(session: Session, tenant_id: int, conv_ids: list[int]) -> list[dict[str, Any]]:
    if not conv_ids:
        return []
    return [{"type": e.type, "flow_id": e.flow_id, "node_id": e.node_id, "data": e.data or {},
             "at": _iso(e.created_at)}
            for e in session.exec(select(AnalyticsEvent).where(
                AnalyticsEvent.tenant_id == tenant_id,
                col(AnalyticsEvent.conversation_id).in_(conv_ids))
                .order_by(col(AnalyticsEvent.id))).all()]


def flow_doc(session: Session, tenant_id: int, conv_ids: list[int]) -> list[dict[str, Any]]:
    """Per conversation, what its flows keep about the person (the erasure wipes the same)."""
    if not conv_ids:
        return []
    found = []
    for cid, state in session.exec(select(Conversation.id, Conversation.session).where(
            Conversation.tenant_id == tenant_id, col(Conversation.id).in_(conv_ids))
            .order_by(col(Conversation.id))).all():
        state = state if isinstance(state, dict) else {}
        variables = state.get("vars") if isinstance(state.get("vars"), dict) else {}
        if variables or state.get("last_input"):
            found.append({"conversation_id": cid, "variables": variables,
                          "last_input": state.get("last_input")})
    return found


def notes_doc(session: Session, tenant_id: int, conv_ids: list[int]) -> list[dict[str, Any]]:
    """The team's notes and history lines of their conversation (which member wrote them
    is the team's data, not the person's: left out)."""
    if not conv_ids:
        return []
    return [{"kind": r.kind, "text": r.text, "at": _iso(r.created_at)}
            for r in session.exec(select(ConversationLog).where(
                ConversationLog.tenant_id == tenant_id,
                col(ConversationLog.conversation_id).in_(conv_ids))
                .order_by(col(ConversationLog.id))).all()]


_PURPOSE = {"service": "Atendimento", "marketing": "Mensagens de marketing"}
_DIRECTION = {"received": "Você enviou", "sent": "A empresa enviou"}


def summary_html(business: str, contact: dict, consents: list[dict], n_messages: int,
                 recent: list[dict], ai: list[dict], events: list[dict],
                 built_at: datetime, flow: list[dict] | None = None,
                 notes: list[dict] | None = None) -> str:
    """A page a person reads: who holds what about them, in pt-BR."""
    e = html.escape

    def rows(items: list[str]) -> str:
        return "".join(f"<li>{i}</li>" for i in items) or "<li>Nenhum registro.</li>"

    fields = [f"<b>{e(str(k))}</b>: {e(str(v))}" for k, v in contact["fields"].items()]
    cons = [f"{e(_PURPOSE.get(c['purpose'], c['purpose']))}: "
            f"{'consentiu' if c['granted'] else 'revogou'} em {e(_br(c['at']))} "
            f"(origem: {e(c['source'])})" for c in consents]
    msgs = [f"{e(_br(m['created_at']))} — {_DIRECTION[m['direction']]}: "
            f"{e((m['text'] or '[' + m['type'] + ']')[:300])}" for m in recent]
    answers = [f"{e(_br(a['at']))} — pergunta: {e(a['question'][:200])}" for a in ai]
    kept = [f"<b>{e(str(k))}</b>: {e(_plain(v)[:300])}"
            for f in flow or [] for k, v in f["variables"].items()]
    kept += [f"Sua última resposta: {e(str(f['last_input'])[:300])}"
             for f in flow or [] if f.get("last_input")]
    written = [f"{e(_br(n['at']))} — {e(_NOTE_KIND.get(n['kind'], n['kind']))}"
               + (f": {e(n['text'][:300])}" if n["text"] else "") for n in notes or []]
    return f"""<!doctype html>
<html lang="pt-BR"><head><meta charset="utf-8"><title>Seus dados — {e(business)}</title>
<style>body{{font-family:sans-serif;max-width:760px;margin:2em auto;line-height:1.5}}
h2{{margin-top:1.6em}}</style></head><body>
<h1>Seus dados pessoais</h1>
<p>Este arquivo reúne os dados que <b>{e(business)}</b> guarda sobre você no WhatsApp,
como pede a Lei Geral de Proteção de Dados (LGPD, art. 18). Gerado em {e(_br(_iso(built_at)))}
(horário UTC). Os arquivos .json deste pacote trazem os mesmos dados completos.</p>
<h2>Cadastro</h2>
<ul><li>Nome: {e(contact['name'] or '—')}</li>
<li>Telefone: {e(contact['phone_display'])}</li>
<li>Número da empresa: {e(contact['number'])}</li>
<li>Etiquetas: {e(', '.join(contact['tags']) or '—')}</li>
<li>Recebe mensagens: {'não (pediu para parar)' if contact['opted_out'] else 'sim'}</li>
<li>Primeiro contato: {e(_br(contact['created_at']))}</li></ul>
<h2>Informações que você forneceu</h2><ul>{rows(fields)}</ul>
<h2>Consentimentos</h2><ul>{rows(cons)}</ul>
<h2>Mensagens</h2><p>{n_messages} mensagem(ns) no total (todas em messages.json).
As mais recentes:</p><ul>{rows(msgs)}</ul>
<h2>Respostas do assistente de IA</h2><p>{len(ai)} resposta(s) usaram suas mensagens.</p>
<ul>{rows(answers[-20:])}</ul>
<h2>Informações guardadas pelos fluxos de atendimento</h2>
<p>Dados que o atendimento automático registrou durante as conversas (em flow.json).</p>
<ul>{rows(kept)}</ul>
<h2>Anotações da equipe</h2><p>Notas internas e o histórico do atendimento
(em notes.json).</p><ul>{rows(written[-50:])}</ul>
<h2>Eventos</h2><p>{len(events)} registro(s) de navegação pelos fluxos (em events.json).</p>
</body></html>
"""


_NOTE_KIND = {"note": "Anotação da equipe", "handoff": "Encaminhado para uma pessoa",
              "taken_over": "Uma pessoa assumiu o atendimento", "assigned": "Atribuído",
              "resolved": "Atendimento encerrado", "reopened": "Atendimento reaberto",
              "returned_to_bot": "Voltou para o atendimento automático",
              "snoozed": "Adiado pela equipe", "flow_started": "Um fluxo foi iniciado"}


def _plain(value: Any) -> str:
    """A variable as a person reads it (a list or an object as JSON)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _br(iso: str | None) -> str:
    if not iso:
        return "—"
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]} {iso[11:16]}"

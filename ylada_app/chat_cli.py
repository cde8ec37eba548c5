"""`ylada chat`: talk to a flow in the terminal, through the real engine.

    ylada chat --flow menu.json                      # interactive
    ylada chat --flow menu.json --say oi --say "Ver catálogo"   # scripted

A reply button or list row can be picked by typing its title (or its number). HTTP
requests run for real; delays are skipped (the timer fires at once) and say so.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from ylada_app.engine import FlowSet, validate_flow
from ylada_app.services.sandbox_chat import DEFAULT_REPLY, TerminalChat, preview_reply, render

__all__ = ["DEFAULT_REPLY", "TerminalChat", "load_flowset", "preview_reply", "render",
           "run_chat", "validate_files"]


def load_flowset(paths: list[str]) -> FlowSet:
    definitions = {}
    for i, path in enumerate(paths):
        definitions[Path(path).stem or str(i)] = json.loads(Path(path).read_text("utf-8"))
    return FlowSet.from_definitions(definitions, default_reply=DEFAULT_REPLY)


def definitions_from_db(*, instance_id: int | None, flow_id: int | None) -> dict[str, dict]:
    """Operator path: an instance's active flows, or one flow's draft, from the database."""
    from ylada_app.core.db import session_scope
    from ylada_app.models import Flow
    from ylada_app.services.flows import active_definitions

    with session_scope() as session:
        if flow_id is not None:
            flow = session.get(Flow, flow_id)
            return {str(flow.id): flow.draft} if flow is not None else {}
        return active_definitions(session, instance_id=instance_id or 0)


def template_definition(slug: str) -> dict | None:
    """A packaged marketplace template's flow with its default parameter values."""
    from ylada_app.services.marketplace import packaged_template

    data = packaged_template(slug)
    return None if data is None else _template_flow(data)


def _template_flow(data: dict) -> dict:
    from ylada_app.services.template_params import apply_params, default_values

    return apply_params(data["flow"], default_values(data.get("parameters") or []))


def _instance_ai(instance_id: int | None) -> tuple[Any, bool]:
    """The instance's AI assistant for ai_reply effects (and whether its fallback is on)."""
    if instance_id is None:
        return None, False
    from ylada_app.core.db import session_scope
    from ylada_app.jobs.ai import perform_ai_reply
    from ylada_app.models import Instance
    from ylada_app.services import ai as ai_svc

    with session_scope() as session:
        inst = session.get(Instance, instance_id)
        if inst is None:
            return None, False
        tenant_id = inst.tenant_id
        fallback = ai_svc.fallback_enabled(session, instance_id)

    def answer(effect: dict) -> dict:
        return perform_ai_reply(effect, tenant_id=tenant_id, instance_id=instance_id,
                                conversation_id=None)

    return answer, fallback


def run_chat(paths: list[str], says: list[str], *, name: str, out: TextIO = sys.stdout,
             inp: TextIO = sys.stdin, instance_id: int | None = None,
             flow_id: int | None = None, template: str | None = None) -> int:
    if template is not None:
        definition = template_definition(template)
        if definition is None:
            print(f"template desconhecido: {template}", file=sys.stderr)
            return 1
        flows = FlowSet.from_definitions({template: definition}, default_reply=DEFAULT_REPLY)
        return _converse(TerminalChat(flows, name=name, out=out), says, out, inp)
    if instance_id is not None or flow_id is not None:
        definitions = definitions_from_db(instance_id=instance_id, flow_id=flow_id)
        if not definitions:
            print("nenhum fluxo ativo encontrado para essa instância/fluxo", file=sys.stderr)
            return 1
        flows = FlowSet.from_definitions(definitions, default_reply=DEFAULT_REPLY)
        ai, fallback = _instance_ai(instance_id)
        if fallback:
            flows = replace(flows, ai_fallback=True)
        return _converse(TerminalChat(flows, name=name, out=out, ai=ai), says, out, inp)
    for path in paths:
        try:
            data = json.loads(Path(path).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            print(f"{path}: não foi possível ler o JSON ({exc})", file=sys.stderr)
            return 2
        report = validate_flow(data)
        if not report.ok:
            for issue in report.errors:
                print(f"{path}: erro: {issue.message}", file=sys.stderr)
            return 1
    return _converse(TerminalChat(load_flowset(paths), name=name, out=out), says, out, inp)


def _converse(chat: TerminalChat, says: list[str], out: TextIO, inp: TextIO) -> int:
    if says:
        for text in says:
            out.write(f"você> {text}\n")
            chat.say(text)
        return 0
    out.write("Converse com o bot (Ctrl+D para sair).\n")
    for line in inp:
        if line.strip():
            chat.say(line.rstrip("\n"))
    return 0


def validate_files(paths: list[str], out: TextIO = sys.stdout) -> int:
    """`ylada flow validate`: prints errors and warnings; exit 1 if any file has errors."""
    status = 0
    for path in paths:
        try:
            data = json.loads(Path(path).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            out.write(f"{path}: erro: JSON ilegível ({exc})\n")
            status = 1
            continue
        if isinstance(data, dict) and "slug" in data and isinstance(data.get("flow"), dict):
            data = _template_flow(data)  # a marketplace template file: its flow, defaults applied
        report = validate_flow(data)
        for issue in report.errors:
            out.write(f"{path}: erro: {issue.message}\n")
        for issue in report.warnings:
            out.write(f"{path}: aviso: {issue.message}\n")
        if report.ok:
            out.write(f"{path}: ok ({len(report.warnings)} aviso(s))\n")
        else:
            status = 1
    return status

"""Found by review and fixed; the test keeps it fixed.

A placeholder filter argument turns one flow text into hundreds of MB of memory.

The renderer allows constant filter arguments, so `{{contact|tojson(indent=N)}}` passes the
whitelist; Jinja's tojson then builds '\\n' + ' ' * N per line of the contact's JSON *before*
the output is cut to the message limit. N is unbounded (10**9 → GBs: the shared worker is
OOM-killed while rendering one customer's reply).
"""

from __future__ import annotations

import tracemalloc

from ylada_app.engine.render import build_context, render, template_problem

CTX = build_context({"name": "Ana", "wa_id": "5511999990000", "tags": ["vip"],
                     "fields": {"cidade": "Recife", "plano": "ouro"}}, {"pedido": "123"})


def test_tojson_indent_cannot_blow_up_memory():
    text = "{{contact|tojson(indent=3000000)}}"
    if template_problem(text) is not None:
        return  # refused: sent raw, never rendered
    tracemalloc.start()
    try:
        out = render(text, CTX, 4096)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(out) <= 4096
    assert peak < 20_000_000, f"rendering one 35-char placeholder peaked at {peak / 1e6:.0f} MB"

"""Found by review and fixed; the test keeps it fixed.

Condition regexes that pass `regex_problem` but backtrack catastrophically on a
short customer answer (the worker evaluating the flow hangs).

`regex_problem` only refuses a group that repeats *without bound* and holds a repetition or
alternation, and only counts unbounded quantifiers. A *bounded* repeat of such a group
(`(a+){20}`, `(a|aa){0,200}`) or many bounded quantifiers in a row pass, yet they explode.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from ylada_app.engine import validate_flow
from ylada_app.engine.conditions import regex_problem

EXPLOSIVE = [
    r"(a+){20}!",                                            # C(n-1, 19) splits
    r"^(a|aa){0,200}$",                                      # Fibonacci(n) paths
    r"\d{0,300}\d{0,300}\d{0,300}\d{0,300}\d{0,300}\d{0,300}!",  # O(n^7) with search
]


def _flow(pattern: str) -> dict:
    return {"version": 1, "nodes": [
        {"id": "s", "type": "start", "data": {"triggers": [{"type": "keyword",
                                                            "keywords": ["oi"]}]}},
        {"id": "q", "type": "question", "data": {"text": "Seu código?", "variable": "cod"}},
        {"id": "c", "type": "condition", "data": {"rules": [
            {"left": "vars.cod", "op": "regex", "right": pattern}]}},
        {"id": "ok", "type": "message", "data": {"text": "ok"}},
        {"id": "no", "type": "message", "data": {"text": "não"}},
    ], "edges": [
        {"source": "s", "target": "q"}, {"source": "q", "sourceHandle": "ok", "target": "c"},
        {"source": "c", "sourceHandle": "true", "target": "ok"},
        {"source": "c", "sourceHandle": "false", "target": "no"},
    ]}


@pytest.mark.parametrize("pattern", EXPLOSIVE)
def test_backtracking_patterns_are_refused_by_validation(pattern):
    assert regex_problem(pattern) is not None
    report = validate_flow(_flow(pattern))
    assert any(e.code == "invalid_regex" for e in report.errors)


_RUN = textwrap.dedent("""
    import sys, json
    from datetime import datetime
    from ylada_app.engine import FlowSet, handle, validate_flow
    flow, answer = json.loads(sys.argv[1]), sys.argv[2]
    report = validate_flow(flow)
    if not report.ok:
        print("refused"); sys.exit(0)
    fs = FlowSet(flows={"1": report.flow})
    now = datetime(2025, 1, 1)
    st = handle(fs, None, {"kind": "message", "type": "text", "text": "oi"}, {"wa_id": "1"},
                now).state
    handle(fs, st, {"kind": "message", "type": "text", "text": answer}, {"wa_id": "1"}, now)
    print("done")
""")


@pytest.mark.parametrize("pattern,answer", [
    (r"(a+){20}!", "a" * 40),                 # a 40-letter WhatsApp answer
    (r"^(a|aa){0,200}$", "a" * 60 + "b"),
])
def test_a_customer_answer_cannot_hang_the_engine(pattern, answer):
    """Either validation refuses the flow, or the engine answers within seconds."""
    import json

    try:
        out = subprocess.run([sys.executable, "-c", _RUN, json.dumps(_flow(pattern)), answer],
                             capture_output=True, text=True, timeout=5)
    except subprocess.TimeoutExpired:
        pytest.fail(f"engine still evaluating {pattern!r} on a {len(answer)}-char answer "
                    "after 5 s")
    assert out.returncode == 0, out.stderr

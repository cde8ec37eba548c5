"""Found by review and fixed; the test keeps it fixed.

A few hundred characters of placeholder cost seconds of CPU to validate.

`template_problem` compiles every placeholder text with Jinja, whose optimizer constant-folds
nested filters in super-linear time: `{{vars.a|d|d|…}}` with 180 filters (370 chars) takes
~3 s, 230 filters ~6 s (then fails to compile, which is only a *warning*, so the flow still
publishes). A flow of 2 000 such texts (< 1 MB, under the 2 MB /api/v1 body cap) means hours
of CPU for one POST /api/v1/flows/validate with a read-only key, for `publish`, for every
editor action, and for each worker that (re)builds the instance's FlowSet.
"""

from __future__ import annotations

import json
import time

from ylada_app.engine import validate_flow
from ylada_app.engine.render import render


def _flow(nodes: int, filters: int) -> dict:
    out = [{"id": "s", "type": "start", "data": {"triggers": [{"type": "any_message"}]}}]
    # distinct texts, so the compile cache does not help
    out += [{"id": f"n{i}", "type": "message",
             "data": {"text": "{{vars.v" + str(i) + "|d" * filters + "}}"}} for i in range(nodes)]
    return {"version": 1, "nodes": out, "edges": []}


def test_validating_a_two_kilobyte_flow_is_cheap():
    flow = _flow(4, 180)
    size = len(json.dumps(flow))
    assert size < 2_000
    started = time.process_time()
    validate_flow(flow)
    spent = time.process_time() - started
    assert spent < 2, f"validating a {size}-byte flow took {spent:.1f} s of CPU"


def test_rendering_one_short_text_is_cheap():
    started = time.process_time()
    render("{{vars.x" + "|d" * 150 + "}}", {"contact": {}, "vars": {"x": "1"}})
    spent = time.process_time() - started
    assert spent < 0.5, f"rendering a 312-char text took {spent:.1f} s of CPU"

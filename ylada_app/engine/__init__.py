"""ylada's flow engine: the flow schema, its validation and a pure interpreter.

No I/O, no clock, no randomness, no imports from the rest of ylada_app. Typical use::

    from ylada_app.engine import FlowSet, handle, parse_flow, validate_flow

    report = validate_flow(flow_json)            # editor/service: show report.errors
    flows = FlowSet(flows={"f1": parse_flow(flow_json)}, default_reply="Oi! Digite menu.")
    result = handle(flows, state, event, contact, now)   # worker: one call per event
"""

from ylada_app.engine.render import render
from ylada_app.engine.runtime import handle
from ylada_app.engine.schema import Flow
from ylada_app.engine.state import load_state, new_state
from ylada_app.engine.types import FlowSet, StepResult
from ylada_app.engine.validate import (
    FlowValidationError,
    Issue,
    ValidationReport,
    parse_flow,
    validate_flow,
)

__all__ = [
    "Flow",
    "FlowSet",
    "FlowValidationError",
    "Issue",
    "StepResult",
    "ValidationReport",
    "handle",
    "load_state",
    "new_state",
    "parse_flow",
    "render",
    "validate_flow",
]

"""Found by review and fixed; the test keeps it fixed.

`render` is documented "never raises", but a long attribute chain makes the
whitelist walk (`_disallowed`, outside `_compile`'s try) hit RecursionError. validate_flow
reports it as `internal_error`; at runtime (e.g. an instance's default reply, which no flow
validation checks) `handle` turns it into `engine_error` and drops the session."""

from __future__ import annotations

from ylada_app.engine.render import render, template_problem


def test_deep_attribute_chain_is_refused_not_raised():
    text = "{{vars" + ".a" * 1500 + "}}"
    assert template_problem(text) is not None
    assert render(text, {"contact": {}, "vars": {}}) == text

"""The OpenAPI document shows an example for every operation: its body, its success answer
and its path ids — and the examples are real (a documented message is one the channel would
send, the documented flow validates), so a reader who copies one gets a working request."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from ylada_app.api.v1 import create_v1, schemas
from ylada_app.api.v1.messages import _payload
from ylada_app.engine import validate as engine_validate
from ylada_app.services.api_messages import check_shape

DOC = create_v1().openapi()
COMPONENTS = DOC["components"]["schemas"]
OPERATIONS = [(method.upper(), path, op) for path, ops in DOC["paths"].items()
              for method, op in ops.items()]


def _has_example(schema: dict, seen: frozenset[str] = frozenset()) -> bool:
    """The schema, or one of its properties / items / variants, carries an example."""
    if "examples" in schema or "example" in schema:
        return True
    ref = schema.get("$ref", "").rsplit("/", 1)[-1]
    if ref:
        return ref not in seen and _has_example(COMPONENTS[ref], seen | {ref})
    parts = [*schema.get("properties", {}).values(), *schema.get("anyOf", []),
             *schema.get("oneOf", []), *schema.get("allOf", [])]
    if "items" in schema:
        parts.append(schema["items"])
    return any(_has_example(p, seen) for p in parts)


def _content_has_example(content: dict) -> bool:
    return bool(content.get("examples") or content.get("example")
                or _has_example(content.get("schema", {})))


@pytest.mark.parametrize(("method", "path", "op"), OPERATIONS,
                         ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_every_operation_has_examples(method, path, op):
    body = op.get("requestBody", {}).get("content", {}).get("application/json")
    if body is not None:
        assert _content_has_example(body), f"{method} {path}: request body"
    for status, answer in op["responses"].items():
        if status.startswith("2"):
            for media, content in answer.get("content", {}).items():
                assert _content_has_example(content), f"{method} {path}: {status} {media}"
    for param in op.get("parameters", []):
        if param["in"] == "path":
            assert _has_example(param["schema"]), f"{method} {path}: {param['name']}"


def test_the_documented_messages_and_flow_are_valid():
    examples = DOC["paths"]["/messages"]["post"]["requestBody"]["content"][
        "application/json"]["examples"]
    assert {"text", "buttons", "list", "media", "template"} <= set(examples)
    shape = TypeAdapter(schemas.MessageIn)
    for name, example in examples.items():
        message = shape.validate_python(example["value"])
        if name != "template":  # a template's shape comes from the approved template
            check_shape(_payload(message))
    assert engine_validate.validate_flow(schemas.FLOW_EXAMPLE).ok
    validate_body = DOC["paths"]["/flows/validate"]["post"]["requestBody"]["content"][
        "application/json"]
    assert validate_body["examples"]["valid"]["value"] == schemas.FLOW_EXAMPLE

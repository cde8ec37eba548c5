"""The public REST API, mounted at /api/v1: its own FastAPI app, so that its OpenAPI
document (/api/v1/openapi.json), Swagger UI (/api/v1/docs) and problem+json errors cover
exactly the public routes. Every route takes the business from the caller's key."""

from __future__ import annotations

from fastapi import FastAPI

from ylada_app.api.v1 import (
    broadcasts,
    contacts,
    conversations,
    data_requests,
    docs,
    flows,
    instances,
    messages,
    problems,
    schemas,
    workspace,
)

DESCRIPTION = """API pública do ylada. Autenticação: `Authorization: Bearer <chave>` (crie a
chave no menu API do ylada, ou com `ylada api-key create`). Erros em
`application/problem+json` com um `code` estável; listas paginadas por cursor
(`limit`, `cursor`, `next_cursor`); limite de requisições por chave (429 + `Retry-After`)."""


def _problem(description: str) -> dict:
    return {"description": description, "model": schemas.Problem,
            "content": {"application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"}}}}


# What any route may answer besides its success (documented, so clients and schemathesis
# know every status the API gives).
COMMON = {
    400: _problem("refused: the reason is in `code`"),
    401: _problem("missing, invalid or revoked key"),
    403: _problem("a read-only key tried to write, or the plan leaves the API out"),
    404: _problem("not found (or not of this business)"),
    409: _problem("conflict (an Idempotency-Key reused with another request)"),
    422: _problem("invalid input: `errors` has each field's message"),
    429: _problem("too many requests with this key: see Retry-After"),
    503: _problem("the API is at capacity right now: retry after Retry-After"),
}


def create_v1() -> FastAPI:
    app = FastAPI(title="ylada API", version="1.0.0", description=DESCRIPTION,
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json",
                  responses=COMMON,
                  # operationId = the route function's name (list_contacts, send_message):
                  # the SDKs' method names come from it
                  generate_unique_id_function=lambda route: route.name)
    app.include_router(instances.router)
    app.include_router(contacts.router)
    app.include_router(conversations.router)
    app.include_router(messages.router)
    app.include_router(flows.router)
    app.include_router(workspace.router)
    app.include_router(broadcasts.router)
    app.include_router(data_requests.router)
    docs.install(app)
    _document_webhooks(app)
    problems.install(app)
    from ylada_app.api.request_guard import JsonValueGuard  # (it imports problems from here)

    app.add_middleware(JsonValueGuard)
    return app


def _document_webhooks(app: FastAPI) -> None:
    """The outgoing webhooks' events, in the document's `webhooks` section (OpenAPI 3.1)."""
    from ylada_app.services.webhooks_out import EVENT_TYPES, TEST_EVENT

    for kind in (*EVENT_TYPES, TEST_EVENT):
        def receiver(body: schemas.WebhookEvent) -> None:
            """Answer any 2xx within 10 s; otherwise it is retried for about 24 hours."""

        app.webhooks.post(kind, summary=kind, operation_id=f"on_{kind.replace('.', '_')}",
                          status_code=204)(receiver)

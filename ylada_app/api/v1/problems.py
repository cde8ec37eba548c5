"""Errors of the public API as RFC 9457 problem details (application/problem+json).

Every error has a stable `code` (the message catalog's key), a pt-BR `detail` (English with
`Accept-Language: en`), the request's id, and for validation the message of each field
(`errors`). Nothing of a 500 reaches the caller beyond its request id.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from ylada_app.core.i18n import translate
from ylada_app.core.logs import new_request_id
from ylada_app.services.errors import ServiceError

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://ylada.com.br/docs/api/erros#"
TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
          405: "Method Not Allowed", 409: "Conflict", 413: "Content Too Large",
          422: "Unprocessable Content",
          429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}


def lang_of(request: Request) -> str:
    accept = request.headers.get("accept-language", "").lower()
    return "en" if accept.startswith("en") else "pt-BR"


def request_id(request: Request) -> str:
    rid = getattr(request.state, "request_id", None)
    if rid is None:
        rid = request.state.request_id = new_request_id(request.headers.get("x-request-id"))
    return rid


def problem(request: Request, status: int, code: str, *, errors: dict[str, str] | None = None,
            headers: dict[str, str] | None = None,
            params: dict[str, object] | None = None) -> JSONResponse:
    body: dict[str, object] = {
        "type": TYPE_BASE + code, "title": TITLES.get(status, "Error"), "status": status,
        "code": code, "detail": translate(code, lang_of(request), **(params or {})),
        "request_id": request_id(request),
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE,
                        headers={"X-Request-Id": request_id(request), **(headers or {})})


class ApiProblem(Exception):
    """Raised by the API's own checks (authentication, scopes, rate limits, cursors)."""

    def __init__(self, status: int, code: str, *, headers: dict[str, str] | None = None,
                 field: str | None = None, **params: object) -> None:
        super().__init__(code)
        self.status, self.code, self.headers = status, code, headers
        self.field, self.params = field, params


class RequestIdMiddleware:
    """Every answer carries X-Request-Id, and an unexpected error becomes a problem+json 500
    with it. Plain ASGI: Starlette's BaseHTTPMiddleware costs a task and a stream copy per
    request, a measurable share of a small API call's CPU."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        rid = request_id(request).encode()
        started = False

        async def send_with_id(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() != b"x-request-id"]
                message = {**message, "headers": [*headers, (b"x-request-id", rid)]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:  # the handlers below answer; this only guarantees a body
            log.exception("api error, request %s", rid.decode())
            if started:
                raise
            await problem(request, 500, "api.error.internal")(scope, receive, send_with_id)


def install(app: FastAPI) -> None:
    from ylada_app.api.v1.admission import AdmissionLimit

    app.add_middleware(AdmissionLimit)  # inside: its 503 carries the request id too
    app.add_middleware(RequestIdMiddleware)

    @app.exception_handler(ApiProblem)
    async def _api_problem(request: Request, exc: ApiProblem) -> JSONResponse:
        errors = {exc.field: translate(exc.code, lang_of(request), **exc.params)} \
            if exc.field else None
        return problem(request, exc.status, exc.code, errors=errors, headers=exc.headers,
                       params=exc.params)

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> JSONResponse:
        lang = lang_of(request)
        errors = exc.messages(lang) if exc.status == 422 or exc.field else None
        return problem(request, exc.status, exc.code, errors=errors, params=exc.params)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        lang = lang_of(request)
        body = exc.body if isinstance(getattr(exc, "body", None), dict) else {}
        errors: dict[str, str] = {}
        for err in exc.errors():
            loc = list(err.get("loc", ()))
            if loc[:1] == ["body"] and len(loc) > 2 and loc[1] == body.get("type"):
                del loc[1]  # the message kind pydantic picked; the caller wrote `type`
            name = ".".join(str(p) for p in loc if p not in ("body", "query", "path",
                                                              "header")) or "_"
            if name == "_" and err.get("type", "").startswith("union_tag"):
                name = "type"  # the kind of message is what is wrong
            errors.setdefault(name, field_message(err, lang))
        return problem(request, 422, "error.invalid_fields", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "api.error.not_found_route", 405: "api.error.method"}.get(
            exc.status_code, "error.invalid_fields")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # every method of the path, not only its first route's
            headers["Allow"] = ", ".join(_methods_of(request))
        return problem(request, exc.status_code, code, headers=headers)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("api error, request %s", request_id(request), exc_info=exc)
        return problem(request, 500, "api.error.internal")


def _methods_of(request: Request) -> list[str]:
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


_PT = {
    "missing": "é obrigatório",
    "extra_forbidden": "não existe nesta requisição",
    "string_type": "deve ser um texto", "int_type": "deve ser um número inteiro",
    "int_parsing": "deve ser um número inteiro", "bool_type": "deve ser true ou false",
    "bool_parsing": "deve ser true ou false", "float_parsing": "deve ser um número",
    "list_type": "deve ser uma lista", "dict_type": "deve ser um objeto",
    "model_type": "deve ser um objeto", "json_invalid": "JSON inválido",
    "string_pattern_mismatch": "está num formato inválido",
    "union_tag_not_found": 'precisa do campo "type"',
    "nul_character": "não pode conter o caractere NUL (\\u0000)",
}


def field_message(err: dict, lang: str) -> str:
    """A request validation error of pydantic, for people: pt-BR (English: pydantic's)."""
    if lang == "en":
        return str(err.get("msg", ""))[:200]
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind in _PT:
        return _PT[kind]
    bounds = {"string_too_short": "deve ter pelo menos {min_length} caractere(s)",
              "string_too_long": "deve ter no máximo {max_length} caracteres",
              "too_short": "deve ter pelo menos {min_length} item(ns)",
              "too_long": "deve ter no máximo {max_length} itens",
              "greater_than_equal": "deve ser no mínimo {ge}",
              "less_than_equal": "deve ser no máximo {le}",
              "literal_error": "use um destes: {expected}",
              "union_tag_invalid": "tipo desconhecido; use um destes: {expected_tags}"}
    if kind in bounds:
        try:
            return bounds[kind].format(**ctx)
        except (KeyError, IndexError):
            pass
    return "tem um valor inválido"

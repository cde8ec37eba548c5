"""Swagger UI for /api/v1/docs, served from this server.

FastAPI's default page loads Swagger UI from a CDN, so the reference was blank on a machine
without internet (and leaked every reader's visit to a third party). The assets come pinned in
the `fastapi-offline` package (Swagger UI 5, which reads OpenAPI 3.1); only its files are used.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

ASSETS = "/docs-assets"
_STATIC = Path(fastapi_offline.__file__).parent / "static"


def install(app: FastAPI, *, docs_url: str = "/docs") -> None:
    app.mount(ASSETS, StaticFiles(directory=_STATIC), name="docs-assets")

    @app.get(docs_url, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        # root_path is /api/v1 when mounted under the Reflex app
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} — referência",
            swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS}/favicon.png",
            swagger_ui_parameters=app.swagger_ui_parameters)

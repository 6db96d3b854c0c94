"""The API's `/docs` page served from this package, so that it works on an intranet.

FastAPI's own `/docs` and `/redoc` load Swagger UI and ReDoc from a public CDN, which a
municipal network without internet cannot reach: the page stays blank. Here `/docs` is
FastAPI's Swagger UI page with its script and style sheet served from the installed
`swagger-ui-bundle-v2` package (Swagger UI 5, which reads the OpenAPI 3.1 that FastAPI
writes) under `/docs/assets/`. ReDoc is left out: there is no maintained offline package.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

#: Where the page is, and where its script, style sheet and icon are.
DOCS_URL = "/docs"
ASSETS_URL = f"{DOCS_URL}/assets"


def serve_docs_offline(app: FastAPI) -> None:
    """Mount `/docs` and its assets on `app` (made with `docs_url=None, redoc_url=None`)."""
    from swagger_ui_bundle import swagger_ui_path

    app.mount(ASSETS_URL, StaticFiles(directory=swagger_ui_path), name="docs-assets")

    async def docs(_request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} — API",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon-32x32.png",
        )

    # A plain route, as FastAPI's own /docs is: not an operation of the API's document.
    app.add_route(DOCS_URL, docs, include_in_schema=False)

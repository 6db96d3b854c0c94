"""The API's /docs page works without internet: every asset it loads comes from the store."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.support.central import running_central


def test_docs_load_swagger_ui_from_the_server_itself_not_a_cdn(tmp_path: Path) -> None:
    with running_central("sqlite", tmp_path, "docs") as central:
        page = httpx.get(f"{central.url}/docs", timeout=30)
        assert page.status_code == 200
        assert "text/html" in page.headers["content-type"]
        loaded = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", page.text)
        loaded += re.findall(r"""url:\s*['"]([^'"]+)['"]""", page.text)
        assert loaded
        # Nothing from another host: an intranet without internet shows the same page.
        assert [url for url in loaded if re.match(r"(https?:)?//", url)] == []
        for url in loaded:
            answer = httpx.get(f"{central.url}{url}", timeout=30)
            assert answer.status_code == 200, url
        script = httpx.get(f"{central.url}/docs/assets/swagger-ui-bundle.js", timeout=30)
        assert "SwaggerUIBundle" in script.text
        # Swagger UI 5 reads OpenAPI 3.1, which is what FastAPI writes.
        document = httpx.get(f"{central.url}/openapi.json", timeout=30).json()
        assert document["openapi"].startswith("3.1")
        assert re.search(r"swagger-ui-5\.", str(central_assets()))
        # ReDoc would load from a CDN: it is not served.
        assert httpx.get(f"{central.url}/redoc", timeout=30).status_code == 404


def central_assets() -> Path:
    from swagger_ui_bundle import swagger_ui_path

    return Path(swagger_ui_path)

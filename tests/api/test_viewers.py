"""The API's pages for people (Swagger UI at /schema, GraphiQL at /graphql) load every script
and style from the app itself: nothing from a CDN, so they work without internet."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.conftest import World

PAGES = ["/schema", "/schema/swagger", "/graphql"]
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
# Anything that loads from another origin: an absolute or protocol-relative URL in src/href,
# or a known CDN host anywhere in the page.
FOREIGN = re.compile(r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//""", re.I)
CDN_HOSTS = re.compile(r"unpkg\.com|jsdelivr\.net|cdnjs|googleapis\.com|cdn\.redoc\.ly|esm\.sh", re.I)


@pytest.mark.parametrize("path", PAGES)
async def test_page_loads_its_assets_from_the_app(client: httpx.AsyncClient, path: str) -> None:
    page = await client.get(path, headers=BROWSER)
    assert page.status_code == 200, page.text[:300]
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert not FOREIGN.search(html), FOREIGN.search(html)
    assert not CDN_HOSTS.search(html), CDN_HOSTS.search(html)
    assets = re.findall(r"""(?:src|href)\s*=\s*["'](/assets/[^"']+)["']""", html)
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
    for asset in assets:
        response = await client.get(asset)
        assert response.status_code == 200, asset
        assert response.content, asset
        expected = "javascript" if asset.endswith(".js") else "css" if asset.endswith(".css") else "image"
        assert expected in response.headers["content-type"], (asset, response.headers["content-type"])
        if asset.endswith((".js", ".css")):
            assert not CDN_HOSTS.search(response.text.replace("If you are using a CDN source (jsdelivr, unpkg, etc)", "")), asset


async def test_graphiql_shows_without_a_key_and_takes_one_on_the_page(client: httpx.AsyncClient, world: World) -> None:
    page = await client.get("/graphql", headers=BROWSER)
    assert page.status_code == 200
    assert 'id="api-key"' in page.text and 'type="password"' in page.text
    script = (await client.get("/assets/capool-graphiql.js")).text
    assert 'headers.Authorization = "Bearer " + currentKey()' in script
    # The queries themselves still need a key, over GET as over POST.
    anonymous = await client.get("/graphql", params={"query": "{ orders { items { id } } }"}, headers=BROWSER)
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"].startswith("application/problem+json")
    assert (await client.post("/graphql", json={"query": "{ orders { items { id } } }"})).status_code == 401
    keyed = await client.post("/graphql", json={"query": "{ orders { items { id } } }"}, headers=world.brand.headers)
    assert keyed.status_code == 200 and keyed.json()["data"] == {"orders": {"items": []}}


async def test_graphql_requests_it_cannot_read_answer_problems(client: httpx.AsyncClient, world: World) -> None:
    headers = world.brand.headers | {"Content-Type": "application/json"}
    for body, status, code in ((b"null", 422, "invalid_input"), (b'"x"', 422, "invalid_input"), (b'{"query": 1}', 422, "invalid_input"),
                               (b"{not json", 400, "malformed_json"), (b"\xcd", 400, "malformed_json"), (b"{}", 422, "invalid_input")):
        response = await client.post("/graphql", content=body, headers=headers)
        assert response.status_code == status, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json"), body
        assert response.json()["code"] == code, body

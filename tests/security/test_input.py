"""Hostile input: bodies bounded before decoding (also against a real server process), the
interpreter's recursion limit left alone, every bad value a 4xx problem with its field,
security headers, SVG escaping, defused XML in uploaded workbooks, image error text."""

from __future__ import annotations

import asyncio
import io
import os
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DataError

from api.limits import MAX_JSON_DEPTH, json_depth, json_too_deep
from api.portal.charts import HeatCell, heat_map
from api.problems import data_error
from capool.db import create_engine, create_session_factory
from capool.migrate import upgrade
from capool.tenancy import service as members
from capool.tenancy.models import OrgKind, Role
from inspection.runtime import ImageError, decode_image
from marketplace.models import CapacityOffer, Order
from tests.conftest import World, future, publish

REPO = Path(__file__).resolve().parents[2]
PROBLEM = "application/problem+json"
CRASH_BODY = b"[" * 40_000 + b"]" * 40_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _pointers(response: httpx.Response) -> list[str]:
    assert response.headers["content-type"].startswith(PROBLEM), response.text
    return [e["pointer"] for e in response.json().get("errors", [])]


async def _count(db, model) -> int:
    async with create_session_factory(db)() as session:
        return await session.scalar(select(func.count()).select_from(model))


def _order(**extra: object) -> dict:
    return {"reference": "PO-1", "product": "tee", "process": "screen_printing", "quantity": 10, "due_at": future(20), "currency": "CNY", **extra}


# The depth scan --------------------------------------------------------------------------

def test_depth_scan_counts_brackets_outside_strings_only() -> None:
    assert not json_too_deep(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH)
    assert json_too_deep(b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1))
    assert json_too_deep(b'{"a":' * 65 + b"1" + b"}" * 65)
    # Brackets in strings, escaped quotes and escaped backslashes are not structure.
    assert not json_too_deep(b'{"q": "' + b"[" * 1000 + b'", "r": "\\"[[[", "s": "\\\\"}')
    assert not json_too_deep(b'[{"a": [1, {"b": []}]}, []]')
    assert json_depth(b'["a\\\\", [[1]]]') == 3  # the string is `a\`: its quote closes it
    assert json_depth(b'["a\\", [[1]]"]') == 1  # an escaped quote: the brackets are text
    # Unpaired brackets are malformed JSON (the decoder says so), unless the openers before
    # the first stray closer already go too deep.
    assert not json_too_deep(b"{not json")
    assert not json_too_deep(b"[}" * 100_000)
    assert json_too_deep(b"[" * 40_000)
    assert json_too_deep(b"[" * 60 + b"[[[[[]]" + b"}")


# The interpreter's recursion limit --------------------------------------------------------

def test_chain_libraries_leave_the_recursion_limit_alone() -> None:
    """py_ecc and py-evm raise the limit on import; the app and the chain client put it back,
    also after an in-process chain (which loads py-evm's backend) has run."""
    script = (
        "import sys; default = sys.getrecursionlimit()\n"
        "import api.app, settlement.chain\n"
        "after_import = sys.getrecursionlimit()\n"
        "settlement.chain.SettlementChain.in_process()\n"
        "print(default, after_import, sys.getrecursionlimit())\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=_env(), capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1000", "1000", "1000"]


# A real server process ----------------------------------------------------------------------

def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    env.update(extra)
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _member_token(database_url: str) -> str:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            alliance = await members.create_alliance(session, "Served Alliance")
            org = await members.create_organisation(session, alliance.id, "Served Brand", OrgKind.BOTH, "guangzhou")
            user = await members.create_user(session, org.id, "buyer@served.test", "Buyer", Role.BUYER)
            issued = await members.issue_api_key(session, user.id, "test")
            await session.commit()
            return issued.token
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    """`capool serve` in its own process on a temporary SQLite database: (base URL, API key)."""
    workdir = tmp_path_factory.mktemp("served")
    database_url = f"sqlite+aiosqlite:///{workdir / 'capool.db'}"
    upgrade(database_url)
    token = asyncio.run(_member_token(database_url))
    port = _free_port()
    log = (workdir / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-c", "from capool.cli import main; main()", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=workdir, env=_env(DATABASE_URL=database_url), stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, (workdir / "server.log").read_text()
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.5)
        yield base, token, process
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.mark.parametrize("path", ["/v1/orders", "/graphql", "/v1/offers", "/v1/exchange/orders/import", "/v1/allocation-plans"])
@pytest.mark.parametrize("with_key", [False, True], ids=["anonymous", "with-key"])
def test_deeply_nested_body_is_refused_and_the_server_lives(served, path: str, with_key: bool) -> None:
    base, token, process = served
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if with_key else {})
    for _ in range(3):
        response = httpx.post(f"{base}{path}", content=CRASH_BODY, headers=headers, timeout=30)
        assert response.status_code == 400, response.text
        assert response.headers["content-type"].startswith(PROBLEM)
        assert response.json()["code"] == "body_too_deep"
    assert process.poll() is None
    assert httpx.get(f"{base}/health", timeout=5).status_code == 200


def test_served_body_over_the_limit_is_refused_before_it_is_read(served) -> None:
    base, token, process = served
    body = b'{"reference": "' + b"x" * 10_000_001 + b'"}'
    response = httpx.post(f"{base}/v1/orders", content=body, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"}, timeout=60)
    assert response.status_code == 413 and response.json()["code"] == "body_too_large"
    assert httpx.get(f"{base}/health", timeout=5).status_code == 200


# Bad values answer 4xx with their field ---------------------------------------------------

HUGE = "1180591620717411303424"


async def test_huge_integers_in_query_and_path(client, world: World) -> None:
    entries = await client.get("/v1/ledger/entries", params={"from": HUGE}, headers=world.brand.headers)
    assert entries.status_code == 422 and _pointers(entries) == ["query:from"]
    proof = await client.get(f"/v1/ledger/entries/{HUGE}/proof", headers=world.brand.headers)
    assert proof.status_code == 422 and _pointers(proof) == ["path:seq"]
    offers = await client.get("/v1/offers", params={"min_remaining": "9" * 5000}, headers=world.brand.headers)
    assert offers.status_code == 422 and _pointers(offers) == ["query:min_remaining"]
    at_the_edge = await client.get("/v1/ledger/entries", params={"from": str(2**63 - 1)}, headers=world.brand.headers)
    assert at_the_edge.status_code == 200, at_the_edge.text


@pytest.mark.parametrize("path", ["/v1/analytics/utilisation", "/v1/analytics/on-time"])
async def test_naive_datetimes_in_query_are_refused(client, world: World, path: str) -> None:
    response = await client.get(path, params={"start": "2026-01-01T00:00:00"}, headers=world.admin.headers)
    assert response.status_code == 422 and _pointers(response) == ["query:start"]
    aware = await client.get(path, params={"start": "2026-01-01T00:00:00Z"}, headers=world.admin.headers)
    assert aware.status_code == 200, aware.text


async def test_nul_characters_are_refused_at_the_edge(client, db, world: World) -> None:
    order = await client.post("/v1/orders", json=_order(product="tee\x00shirt"), headers=world.brand.headers)
    assert order.status_code == 422 and _pointers(order) == ["/product"]
    nested = await client.post("/v1/allocation-plans", json={"items": [{"order_id": "x", "offer_id": "y\x00", "quantity": 1}]}, headers=world.brand.headers)
    assert nested.status_code == 422 and _pointers(nested) == ["/items/0/offer_id"]
    query = await client.get("/v1/analytics/utilisation", params={"group_by": "factory\x00"}, headers=world.admin.headers)
    assert query.status_code == 422 and _pointers(query) == ["query:group_by"]
    graphql = await client.post("/graphql", json={"query": "query($p: String!) { __typename }", "variables": {"p": "\x00"}}, headers=world.brand.headers)
    assert graphql.status_code == 422 and _pointers(graphql) == ["/variables/p"]
    form = await client.post("/portal/login", content=b"email=a%00b&password=x", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status_code == 422 and _pointers(form) == ["/email"]
    # An escaped backslash followed by "u0000" is text, not a NUL.
    literal = await client.post("/v1/orders", json=_order(product="tee\\u0000"), headers=world.brand.headers)
    assert literal.status_code == 201, literal.text
    assert await _count(db, Order) == 1


async def test_nesting_and_size_bounds_in_process(client, db, world: World) -> None:
    deep = await client.post("/v1/orders", content=CRASH_BODY, headers=world.brand.headers | {"Content-Type": "application/json"})
    assert deep.status_code == 400 and deep.json()["code"] == "body_too_deep"
    large = await client.post("/v1/orders", content=b" " * 10_000_001, headers=world.brand.headers | {"Content-Type": "application/json"})
    assert large.status_code == 413 and large.headers["content-type"].startswith(PROBLEM)
    assert await _count(db, Order) == 0


# Headers ------------------------------------------------------------------------------------

async def test_security_headers_on_every_response(client, world: World) -> None:
    responses = [
        await client.get("/health"),
        await client.get("/no/such/route"),
        await client.get("/v1/orders"),  # 401 problem
        await client.get("/v1/orders", headers=world.brand.headers),
        await client.post("/v1/orders", content=CRASH_BODY, headers={"Content-Type": "application/json"}),
    ]
    for response in responses:
        assert response.headers["x-content-type-options"] == "nosniff", response.url
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "same-origin"
        assert response.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    page = await client.get("/portal/login")
    assert page.status_code == 200 and page.headers["x-content-type-options"] == "nosniff"
    # The portal's own policy (its scripts and styles from 'self') is kept, not replaced.
    assert "script-src 'self'" in page.headers["content-security-policy"]
    # The OpenAPI viewer and GraphiQL load their scripts from the app itself, and nothing else.
    for path in ("/schema", "/graphql"):
        viewer = await client.get(path, headers={"Accept": "text/html"})
        assert viewer.status_code == 200 and viewer.headers["content-type"].startswith("text/html")
        policy = viewer.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "connect-src 'self'" in policy and "frame-ancestors 'none'" in policy


# SVG, workbooks and images ----------------------------------------------------------------------

def test_svg_attributes_escape_quotes() -> None:
    svg = heat_map(['x" onmouseover="alert(1)'], ["W1"], {(0, 0): HeatCell(0.5, 5, 10)}, "t")
    assert 'onmouseover="' not in svg
    assert 'data-row="x&quot; onmouseover=&quot;alert(1)"' in svg


def _xlsx_with_entity(entity: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["resource_id", "process"])
    workbook.active.append(["&payload;", "screen_printing"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode().replace("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>", "")
                data = (f'<?xml version="1.0"?><!DOCTYPE worksheet [{entity}]>' + text).encode()
            target.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize("entity", [
    '<!ENTITY payload SYSTEM "file:///etc/passwd">',
    '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY payload "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">',
], ids=["external-entity", "entity-expansion"])
async def test_workbook_with_entities_is_refused(client, db, world: World, entity: str) -> None:
    import openpyxl

    assert openpyxl.DEFUSEDXML is True  # openpyxl parses with defusedxml when it is installed
    await publish(client, world.floating)
    before = await _count(db, CapacityOffer)
    response = await client.post("/v1/exchange/offers/import", files={"file": ("offers.xlsx", _xlsx_with_entity(entity), XLSX)}, headers=world.floating.headers)
    assert response.status_code == 422 and _pointers(response) == ["/file"]
    assert "root:" not in response.text
    assert await _count(db, CapacityOffer) == before


def test_image_errors_name_the_problem() -> None:
    with pytest.raises(ImageError) as refused:
        decode_image(b"this is not an image")
    message = str(refused.value)
    assert "BytesIO" not in message and "0x" not in message
    assert message.startswith("not a readable image: the bytes are not in any image format")


async def test_nul_in_an_imported_file_names_the_cell(client, db, world: World) -> None:
    rows = f"reference,product,process,quantity,due_at,currency\nX-1,tee\x00,screen_printing,5,{future(10)},CNY\n".encode()
    for request in ({"files": {"file": ("orders.csv", rows, "text/csv")}}, {"content": rows, "headers": {"Content-Type": "text/csv"}}):
        headers = world.brand.headers | request.pop("headers", {})
        response = await client.post("/v1/exchange/orders/import", headers=headers, **request)
        assert response.status_code == 422 and _pointers(response) == ["/rows/2/product"]
    assert await _count(db, Order) == 0


def test_a_value_the_database_refuses_is_422() -> None:
    """The last line behind validation: PostgreSQL's data errors (e.g. an integer beyond a
    column's range written by a path that does not bound it) answer 422, not 500."""
    response = data_error(None, DataError("INSERT ...", {}, Exception("value out of int32 range")))
    assert response.status_code == 422 and response.media_type == PROBLEM
    assert response.content["code"] == "unstorable_value"


async def test_nul_in_a_graphql_string_literal_is_a_validation_error(client, db, world: World) -> None:
    """GraphQL decodes the literal's `\\u0000` itself, after the edge read the body."""
    query = ('mutation { placeOrder(input: {reference: "G-1", product: "tee\\u0000", process: "screen_printing", quantity: 5, '
             f'dueAt: "{future(10)}", currency: "CNY"}}) {{ order {{ id }} errors {{ code }} }} }}')
    response = await client.post("/graphql", json={"query": query}, headers=world.brand.headers)
    assert response.status_code == 200
    assert response.json() == {"data": None, "errors": [{"message": "a string must not contain NUL characters", "locations": [{"line": 1, "column": 58}]}]}
    assert await _count(db, Order) == 0

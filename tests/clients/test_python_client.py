"""The generated Python client (clients/python) against the app, through httpx: a supplier
publishes offers and a buyer pages through them; an order created twice with one
Idempotency-Key is one order; error answers raise typed problem exceptions; retries of one
call reuse its key (a real HTTP server in a thread); the committed client is what
openapi-python-client makes of the app's current OpenAPI document."""

from __future__ import annotations

import asyncio
import datetime as dt
import filecmp
import os
import subprocess
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from capool_client import (
    AuthenticatedClient,
    CapoolTransport,
    ConflictError,
    NotFoundError,
    ProblemError,
    Retry,
    ValidationError,
    aorder_events,
    apages,
    connect,
    idempotency_key,
    verify_signature,
)
from capool_client.generated.api.capacity import create_resource, create_site, list_offers, publish_offer
from capool_client.generated.api.orders import get_order, list_orders, place_order, transition_order
from capool_client.generated.models import OfferIn, OrderIn, ResourceIn, SiteIn, TransitionIn

from marketplace.integrations.signing import sign
from tests.conftest import World

CLIENT_ROOT = Path(__file__).resolve().parents[2] / "clients" / "python"


def capool(client: httpx.AsyncClient, member) -> AuthenticatedClient:  # type: ignore[no-untyped-def]
    """The generated client on the test's ASGI transport (the app on the test's event loop)."""
    return connect("http://capool.test", member.token, transport=client._transport)  # noqa: SLF001


def order_in(reference: str, quantity: int = 5) -> OrderIn:
    return OrderIn(reference=reference, product="tee", process="screen_printing", quantity=quantity,
                   due_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=20), currency="CNY")


async def test_offers_page_by_page(client, world: World) -> None:
    supplier, buyer = capool(client, world.floating), capool(client, world.brand)
    site = await create_site.asyncio(client=supplier, body=SiteIn(name="Foshan 2", region="foshan"))
    assert site is not None
    resource = await create_resource.asyncio(client=supplier, body=ResourceIn(site_id=site.id, name="carousel 6", kind="machine",
                                                                               processes=["screen_printing"]))
    assert resource is not None
    today = dt.date.today()
    published = []
    for n in range(3):
        offer = await publish_offer.asyncio(client=supplier, body=OfferIn(
            resource_id=resource.id, process="screen_printing", window_start=today + dt.timedelta(days=n), window_end=today + dt.timedelta(days=n + 9),
            capacity_per_day=100, unit_price_minor=480 + n, currency="CNY"))
        assert offer is not None and offer.total_capacity == 1000
        published.append(offer.id)

    first = await list_offers.asyncio(client=buyer, process="screen_printing", limit=2)
    assert first is not None and len(first.items) == 2 and isinstance(first.next_cursor, str)
    second = await list_offers.asyncio(client=buyer, process="screen_printing", limit=2, cursor=first.next_cursor)
    assert second is not None and len(second.items) == 1 and not second.next_cursor
    assert {o.id for o in first.items + second.items} == set(published)
    assert {o.id async for o in apages(list_offers.asyncio, client=buyer, process="screen_printing", limit=2)} == set(published)


async def test_one_idempotency_key_one_order_and_typed_problems(client, world: World) -> None:
    buyer, body = capool(client, world.brand), order_in("PO-CLIENT-2")
    with idempotency_key("po-client-2"):
        first = await place_order.asyncio_detailed(client=buyer, body=body)
    with idempotency_key("po-client-2"):
        again = await place_order.asyncio_detailed(client=buyer, body=body)
    assert first.parsed is not None and again.parsed is not None and first.parsed.id == again.parsed.id
    assert first.status_code == again.status_code == 201 and again.headers.get("idempotent-replayed") == "true"
    assert "idempotent-replayed" not in first.headers
    # Without a chosen key each call gets its own: a second create is a second order (here refused as a duplicate reference).
    with pytest.raises(ConflictError) as duplicate:
        await place_order.asyncio(client=buyer, body=body)
    assert duplicate.value.status == 409 and duplicate.value.body["status"] == 409
    orders = await list_orders.asyncio(client=buyer)
    assert orders is not None and [o.reference for o in orders.items] == ["PO-CLIENT-2"]

    with pytest.raises(ValidationError) as invalid:
        await place_order.asyncio(client=buyer, body=order_in("PO-BAD", quantity=0))
    assert invalid.value.status == 422 and [e.pointer for e in invalid.value.errors] == ["/quantity"]
    with pytest.raises(ValidationError) as reused:  # the same key with another body
        with idempotency_key("po-client-2"):
            await place_order.asyncio(client=buyer, body=order_in("PO-CLIENT-3"))
    assert reused.value.status == 422
    with pytest.raises(NotFoundError) as hidden:
        await get_order.asyncio(client=capool(client, world.other_buyer), order_id=first.parsed.id)
    assert hidden.value.status == 404 and hidden.value.code != "error" and hidden.value.title
    with pytest.raises(ProblemError) as unauthenticated:
        await list_orders.asyncio(client=connect("http://capool.test", "cpk_nope", transport=client._transport))  # noqa: SLF001
    assert unauthenticated.value.status == 401


async def test_order_status_stream(client, world: World) -> None:
    buyer = capool(client, world.brand)
    draft = order_in("PO-SSE")
    draft.submit = False
    order = await place_order.asyncio(client=buyer, body=draft)
    assert order is not None
    history = [e async for e in aorder_events(buyer, str(order.id), follow=False)]
    assert [(e.from_status, e.to) for e in history] == [(None, "draft")]

    async def later() -> None:
        await asyncio.sleep(0.3)
        await transition_order.asyncio(order.id, client=buyer, body=TransitionIn(to="submitted"))

    task = asyncio.create_task(later())
    seen = []
    async for event in aorder_events(buyer, str(order.id), follow=True, max_wait=5, last_event_id=history[0].id):
        seen.append(event)
        break
    await task
    assert [(e.from_status, e.to) for e in seen] == [("draft", "submitted")]
    with pytest.raises(NotFoundError):
        [e async for e in aorder_events(capool(client, world.floating), str(order.id), follow=False)]


class LosesFirstAnswer(httpx.AsyncBaseTransport):
    """Between the client and the app: the first POST reaches the app, then its answer is lost."""

    def __init__(self, app: httpx.AsyncBaseTransport) -> None:
        self.app, self.keys = app, []  # type: ignore[var-annotated]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.app.handle_async_request(request)
        if request.method == "POST":
            self.keys.append(request.headers["Idempotency-Key"])
            if len(self.keys) == 1:
                await response.aclose()
                raise httpx.ReadError("connection lost before the answer arrived", request=request)
        return response


async def test_a_create_whose_answer_is_lost_is_retried_and_applied_once(client, world: World) -> None:
    hop = LosesFirstAnswer(client._transport)  # noqa: SLF001
    buyer = connect("http://capool.test", world.brand.token, transport=hop, retry=Retry(total=2, backoff_factor=0.01, allowed_methods=["POST"]))
    answer = await place_order.asyncio_detailed(client=buyer, body=order_in("PO-LOST"))
    assert answer.status_code == 201 and answer.headers.get("idempotent-replayed") == "true"
    assert len(hop.keys) == 2 and hop.keys[0] == hop.keys[1]
    orders = await list_orders.asyncio(client=capool(client, world.brand))
    assert orders is not None and [o.reference for o in orders.items] == ["PO-LOST"]


def test_sync_calls_retry_with_the_same_key() -> None:
    """503 (twice) and a dropped connection are retried with backoff; every try of one call
    carries the same Idempotency-Key, the next call its own; 429 honours Retry-After."""
    keys: Counter[str] = Counter()
    answers = iter(["drop", 503, 503, 202, 429, 202])

    class Flaky(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            keys[self.headers["Idempotency-Key"]] += 1
            answer = next(answers)
            if answer == "drop":
                self.close_connection = True
                return
            self.send_response(int(answer))
            self.send_header("Content-Length", "0")
            if answer == 429:
                self.send_header("Retry-After", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Flaky)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    retry = Retry(total=4, backoff_factor=0.05, allowed_methods=["POST"])
    try:
        # raise_on_unexpected_status off: this fake server's empty 202 is no order to parse.
        with AuthenticatedClient(base_url=base, token="cpk_test", httpx_args={"transport": CapoolTransport(retry=retry)}) as sync_client:
            started = time.monotonic()
            first = place_order.sync_detailed(client=sync_client, body=order_in("PO-R"))
            second = place_order.sync_detailed(client=sync_client, body=order_in("PO-R2"))
            assert first.status_code == second.status_code == 202 and time.monotonic() - started < 5
        with pytest.raises(ProblemError) as exhausted:  # out of retries: the last answer, typed
            with connect(base, "cpk_test", retry=Retry(total=1, allowed_methods=["POST"])) as once:
                answers = iter([503, 503])
                place_order.sync(client=once, body=order_in("PO-R3"))
        assert exhausted.value.status == 503
    finally:
        server.shutdown()
        server.server_close()
    assert sorted(keys.values()) == [2, 2, 4], "four tries of the first call share a key, two of the second and of the third"


def test_client_and_server_signatures_agree() -> None:
    now = int(time.time())
    assert verify_signature("whsec_a", b"{}", sign("whsec_a", now, b"{}"), str(now))
    assert not verify_signature("whsec_a", b"{}", sign("whsec_a", now - 400, b"{}"), str(now - 400))


def test_the_committed_document_is_the_apps() -> None:
    from capool.cli import openapi_document

    committed = (CLIENT_ROOT / "openapi.json").read_text(encoding="utf-8")
    assert committed == openapi_document(), "clients/python/openapi.json is stale: run `make client`"


def _codegen_python() -> Path | None:
    configured = os.environ.get("CAPOOL_CODEGEN_PYTHON")
    candidate = Path(configured) if configured else Path(__file__).resolve().parents[2] / ".venv-codegen" / "bin" / "python"
    return candidate if candidate.is_file() and (candidate.parent / "openapi-python-client").is_file() else None


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def test_the_committed_client_is_generated_from_the_committed_document(tmp_path: Path) -> None:
    python = _codegen_python()
    if python is None:
        if os.environ.get("CI") == "true":
            pytest.fail("the generator's environment is missing: make .venv-codegen/.installed")
        pytest.skip("no .venv-codegen (make .venv-codegen/.installed); required when CI=true")
    fresh = tmp_path / "generated"
    subprocess.run([str(python), str(CLIENT_ROOT / "generate.py"), "--output", str(fresh)], check=True, capture_output=True, timeout=240)
    committed = CLIENT_ROOT / "capool_client" / "generated"
    assert _tree(fresh) == _tree(committed), "clients/python is stale: run `make client`"
    _, mismatch, errors = filecmp.cmpfiles(fresh, committed, sorted(_tree(fresh)), shallow=False)
    assert not mismatch and not errors, f"clients/python is stale (run `make client`): {mismatch[:5]}"


DOCUMENTED = ["README.md", "docs/integration-guide.md", "clients/python/README.md"]


@pytest.mark.parametrize("doc", DOCUMENTED)
def test_the_documented_imports_exist(doc: str) -> None:
    """The examples name generated modules and models (operation ids): they must exist."""
    import importlib
    import re

    text = (Path(__file__).resolve().parents[2] / doc).read_text(encoding="utf-8")
    imports = re.findall(r"^from (capool_client[\w.]*) import ([\w, ]+?)(?:\s+as \w+)?\s*(?:#.*)?$", text, flags=re.M)
    assert imports, f"{doc} shows no capool_client import"
    for module_name, names in imports:
        module = importlib.import_module(module_name)
        for name in (n.strip() for n in names.split(",")):
            if not hasattr(module, name):
                importlib.import_module(f"{module_name}.{name}")

"""The typed Python client against the app (httpx ASGI transport): a buyer and a supplier
run an order through offers, plans, responses, progress and tracking; problem+json becomes
typed exceptions; creating POSTs are idempotent across retries; the order event stream."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from api.client import AsyncCapoolClient, CapoolClient, ConflictError, NotFoundError, ValidationError, verify_signature
from api.client._core import CALLS
from marketplace.integrations.signing import sign
from tests.conftest import World, future, today_plus


def app_client(client: httpx.AsyncClient, member) -> AsyncCapoolClient:  # type: ignore[no-untyped-def]
    """A typed client sharing the test's ASGI transport (the app on the test's event loop)."""
    return AsyncCapoolClient("http://capool.test", member.token, transport=client._transport)  # noqa: SLF001


async def test_buyer_and_supplier_flow(client, world: World) -> None:
    supplier, buyer = app_client(client, world.floating), app_client(client, world.brand)
    site = await supplier.create_site({"name": "Foshan 2", "region": "foshan"})
    resource = await supplier.create_resource({"site_id": site["id"], "name": "carousel 6", "kind": "machine", "processes": ["screen_printing"]})
    offer = await supplier.publish_offer({"resource_id": resource["id"], "process": "screen_printing", "window_start": today_plus(0),
                                          "window_end": today_plus(9), "capacity_per_day": 100, "unit_price_minor": 480, "currency": "CNY"})
    assert offer["total_capacity"] == 1000
    assert offer["id"] in [o["id"] for o in (await buyer.list_offers(process="screen_printing"))["items"]]
    order = await buyer.place_order({"reference": "PO-CLIENT-1", "product": "tee", "process": "screen_printing", "quantity": 300,
                                     "due_at": future(20), "currency": "CNY"})
    [allocation] = await buyer.apply_plan([{"order_id": order["id"], "offer_id": offer["id"], "quantity": 300}])
    assert (await supplier.respond(allocation["id"], accept=True))["status"] == "accepted"
    progress = await supplier.report_progress(allocation["id"], {"operation": "screen_printing", "step": "scan", "quantity": 300, "operator": "wu.lei"})
    assert progress["quantity"] == 300
    tracking = await buyer.track_order(order["id"])
    assert tracking["order"]["status"] == "in_production"
    assert [h["to_status"] for h in tracking["history"]][-1] == "in_production"
    assert [o["reference"] async for o in buyer.iter_orders()] == ["PO-CLIENT-1"]
    assert (await supplier.list_progress(order_id=order["id"]))["items"][0]["id"] == progress["id"]

    with pytest.raises(NotFoundError):
        await app_client(client, world.other_buyer).get_order(order["id"])
    with pytest.raises(ValidationError) as invalid:
        await buyer.place_order({"reference": "PO-BAD", "product": "tee", "process": "screen_printing", "quantity": 0,
                                 "due_at": future(5), "currency": "CNY"})
    assert invalid.value.status == 422 and invalid.value.errors[0].pointer == "/quantity"
    with pytest.raises(ConflictError):
        await buyer.place_order({"reference": "PO-CLIENT-1", "product": "tee", "process": "screen_printing", "quantity": 1,
                                 "due_at": future(5), "currency": "CNY"})

    # A repeated logical call with the same key is applied once (the server replays the answer).
    body = {"reference": "PO-CLIENT-2", "product": "tee", "process": "screen_printing", "quantity": 5, "due_at": future(9), "currency": "CNY"}
    first = await buyer.place_order(body, idempotency_key="k-123")  # type: ignore[arg-type]
    second = await buyer.place_order(body, idempotency_key="k-123")  # type: ignore[arg-type]
    assert first["id"] == second["id"]
    assert len((await buyer.list_orders())["items"]) == 2

    exported = await buyer.export_file("orders")
    assert b"PO-CLIENT-2" in exported
    webhook = await buyer.create_webhook("https://erp.example.com/hooks", ["allocation.accepted"])
    assert webhook["secret"].startswith("whsec_") and [w["id"] for w in await buyer.list_webhooks()] == [webhook["endpoint"]["id"]]


async def test_order_status_stream(client, world: World) -> None:
    buyer = app_client(client, world.brand)
    order = await buyer.place_order({"reference": "PO-SSE", "product": "tee", "process": "screen_printing", "quantity": 5,
                                     "due_at": future(9), "currency": "CNY", "submit": False})
    history = [e async for e in buyer.order_events(order["id"], follow=False)]
    assert [e["to"] for e in history] == ["draft"]

    async def later() -> None:
        await asyncio.sleep(0.3)
        await buyer.transition_order(order["id"], "submitted")

    task = asyncio.create_task(later())
    seen = []
    async for event in buyer.order_events(order["id"], follow=True, max_wait=5, last_event_id=history[0]["id"]):
        seen.append(event)
        break
    await task
    assert [(e["from"], e["to"]) for e in seen] == [("draft", "submitted")]
    with pytest.raises(NotFoundError):
        [e async for e in app_client(client, world.floating).order_events(order["id"], follow=False)]


def test_every_client_call_is_in_the_openapi_document() -> None:
    from api.app import create_app

    document = create_app().openapi_schema.to_schema()
    paths = {path.replace("{", "").replace("}", ""): {m.upper() for m in ops} for path, ops in document["paths"].items()}
    for name, (method, path) in CALLS.items():
        plain = path.replace("{", "").replace("}", "")
        assert plain in paths and method in paths[plain], f"{name}: {method} {path} is not in the OpenAPI document"


def test_the_sync_client_retries_with_the_same_idempotency_key() -> None:
    keys: Counter[str] = Counter()
    calls = {"n": 0}

    class Flaky(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            keys[self.headers["Idempotency-Key"]] += 1
            calls["n"] += 1
            if calls["n"] < 3:
                self.send_response(503)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = b'{"id": "o-1", "reference": "PO-R"}'
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Flaky)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with CapoolClient(f"http://127.0.0.1:{server.server_address[1]}", "cpk_test", retries=3) as capool:
            started = time.monotonic()
            order = capool.place_order({"reference": "PO-R", "product": "tee", "process": "p", "quantity": 1, "due_at": future(3), "currency": "CNY"})
            assert order["id"] == "o-1" and time.monotonic() - started < 5
            capool.place_order({"reference": "PO-R2", "product": "tee", "process": "p", "quantity": 1, "due_at": future(3), "currency": "CNY"})
    finally:
        server.shutdown()
        server.server_close()
    assert sorted(keys.values()) == [1, 3], "three tries of one call share one key; the next call has its own"


def test_client_and_server_signatures_agree() -> None:
    now = int(time.time())
    assert verify_signature("whsec_a", b"{}", sign("whsec_a", now, b"{}"), str(now))
    assert not verify_signature("whsec_a", b"{}", sign("whsec_a", now - 400, b"{}"), str(now - 400))

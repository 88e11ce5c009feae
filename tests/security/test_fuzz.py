"""Schemathesis over the app's own OpenAPI document: every operation, with valid and invalid
data, as each role (buyer, factory, alliance admin) and without a key, against the real app
and database. No input may answer 5xx or hang. Bounded: a few examples per operation and
role, and a wall-clock cap after which the remaining operations get one example each."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.conftest import World
from tests.schemathesis_support import BASE_URL, REQUEST_TIMEOUT_S, httpx_request
from tests.schemathesis_support import send as send_request

EXAMPLES_PER_ROLE = 3
BUDGET_S = 150
# Long-polling endpoints wait for events; a short wait keeps the run bounded.
FIXED_QUERY = {"/v1/orders/{order_id}/events": {"max_wait": 1}}


async def _send(client: httpx.AsyncClient, request: dict[str, Any]) -> tuple[int, str]:
    response = await send_request(client, request)
    if response is None:
        return 599, f"no answer within {REQUEST_TIMEOUT_S} s"
    return response.status_code, response.text[:500]


def _fuzz(client: httpx.AsyncClient, loop: asyncio.AbstractEventLoop, schema_document: dict[str, Any], roles: dict[str, dict[str, str]]) -> tuple[list[str], int]:
    schema = schemathesis.openapi.from_dict(schema_document)
    failures: list[str] = []
    sent = 0
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        examples = EXAMPLES_PER_ROLE if time.monotonic() - started < BUDGET_S else 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(mode, query=FIXED_QUERY.get(operation.path))
            for role, headers in roles.items():
                label = f"{operation.method.upper()} {operation.path} as {role} ({mode.value})"

                @given(case=strategy)
                @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                          suppress_health_check=list(HealthCheck))
                def run(case: Any) -> None:
                    nonlocal sent
                    request = httpx_request(case.as_transport_kwargs(base_url=BASE_URL, headers=headers))  # noqa: B023 (run now)
                    status, text = asyncio.run_coroutine_threadsafe(_send(client, request), loop).result()
                    sent += 1
                    if status >= 500:
                        failures.append(f"{label}: {status} {text}\n  {request}")  # noqa: B023 (run now)

                try:
                    run()
                except Unsatisfiable:
                    pass  # nothing in this operation can be made invalid (no parameters, no body)
    return failures, sent


@pytest.mark.timeout(900)
async def test_no_input_answers_5xx(client: httpx.AsyncClient, world: World) -> None:
    schema_document = (await client.get("/schema/openapi.json")).json()
    roles = {"buyer": world.brand.headers, "factory": world.partner.headers, "alliance admin": world.admin.headers, "anonymous": {}}
    failures, sent = await asyncio.to_thread(_fuzz, client, asyncio.get_running_loop(), schema_document, roles)
    assert sent > 500
    assert not failures, f"{len(failures)} requests answered 5xx:\n" + "\n".join(failures[:30])

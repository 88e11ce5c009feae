"""The document tells the truth: schemathesis sends valid and invalid requests to every
operation, as each role and without a key, against the real app and database in process,
and every answer's status code and content type must be ones the operation documents
(schemathesis' status_code_conformance and content_type_conformance), and no answer may be
a 5xx. Bounded by a fixed number of examples per operation, mode and role."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

from tests.conftest import World
from tests.schemathesis_support import BASE_URL, httpx_request, send

EXAMPLES = 2
# The event stream long-polls; a short wait keeps the run bounded.
FIXED_QUERY = {"/v1/orders/{order_id}/events": {"max_wait": 1}}
CHECKS = [status_code_conformance, content_type_conformance]


def _check_all(client: httpx.AsyncClient, loop: asyncio.AbstractEventLoop, document: dict[str, Any], roles: dict[str, dict[str, str]]) -> tuple[list[str], int]:
    schema = schemathesis.openapi.from_dict(document)
    failures: list[str] = []
    sent = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(mode, query=FIXED_QUERY.get(operation.path))

            # Each example goes out once per role: the roles see the same requests.
            @given(case=strategy)
            @settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                      suppress_health_check=list(HealthCheck))
            def run(case: Any) -> None:
                nonlocal sent
                for role, headers in roles.items():
                    label = f"{operation.method.upper()} {operation.path} as {role} ({mode.value})"  # noqa: B023 (run now)
                    kwargs = case.as_transport_kwargs(base_url=BASE_URL, headers=headers)
                    response = asyncio.run_coroutine_threadsafe(send(client, httpx_request(kwargs)), loop).result()
                    sent += 1
                    if response is None:
                        failures.append(f"{label}: no answer")
                        continue
                    if response.status_code >= 500:
                        failures.append(f"{label}: {response.status_code} {response.text[:300]}\n  {httpx_request(kwargs)}")
                        continue
                    response.request.read()  # a multipart upload's body, for the failure report
                    try:
                        case.validate_response(response, checks=CHECKS)
                    except FailureGroup as group:
                        summary = "; ".join(" ".join(str(failure).split())[:300] for failure in group.exceptions)
                        failures.append(f"{label}: {response.status_code} {response.headers.get('content-type')}: {summary} {response.text[:200]}")

            try:
                run()
            except Unsatisfiable:
                pass  # nothing in this operation can be made invalid (no parameters, no body)
    return failures, sent


@pytest.mark.timeout(300)
async def test_every_answer_is_documented(client: httpx.AsyncClient, world: World) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    roles = {"buyer": world.brand.headers, "factory": world.partner.headers, "alliance admin": world.admin.headers, "anonymous": {}}
    failures, sent = await asyncio.to_thread(_check_all, client, asyncio.get_running_loop(), document, roles)
    assert sent > 500
    assert not failures, f"{len(failures)} answers the document does not describe:\n" + "\n".join(failures[:80])

"""The OpenAPI document is the contract: valid, with stable operation ids and readable names."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate

from api.openapi import OPERATION_IDS

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@pytest.fixture
async def document(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f"{method.upper()} {path}": operation for path, item in document["paths"].items() for method, operation in item.items() if method in METHODS}


async def test_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    validate(document)


async def test_every_operation_has_its_written_down_id(document: dict[str, Any]) -> None:
    served = {key: operation["operationId"] for key, operation in operations(document).items()}
    assert served == OPERATION_IDS, "add new operations to api.openapi.OPERATION_IDS; never change an id that was published"


def test_operation_ids_are_camel_case_without_stutter() -> None:
    for operation_id in OPERATION_IDS.values():
        assert re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*|QL)+", operation_id), operation_id
        words = re.findall(r"[A-Z]?[a-z0-9]+|QL", operation_id)
        assert len(words) == len({w.lower() for w in words}), f"{operation_id} repeats a word"
    assert len(set(OPERATION_IDS.values())) == len(OPERATION_IDS)


async def test_component_names_are_plain_identifiers(document: dict[str, Any]) -> None:
    names = list(document["components"]["schemas"])
    assert names
    assert [n for n in names if not re.fullmatch(r"[A-Z][A-Za-z0-9]*", n)] == []
    assert {"OrderPage", "OfferPage", "MatchRunPage"} <= set(names)
    assert document["components"]["schemas"]["OrderPage"]["title"] == "OrderPage"
    refs = re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(document))
    assert set(refs) <= set(names)


async def test_every_operation_documents_its_problems_and_security(document: dict[str, Any]) -> None:
    problem_responses = document["components"]["responses"]
    for name, response in problem_responses.items():
        content = response["content"]["application/problem+json"]
        assert content["schema"] == {"$ref": "#/components/schemas/Problem"}, name
        assert content["examples"], name
    for key, operation in operations(document).items():
        statuses = set(operation["responses"])
        assert any(s.startswith("2") for s in statuses), key
        assert "422" in statuses, key
        for status, response in operation["responses"].items():
            if status.startswith("4"):
                assert response["$ref"].startswith("#/components/responses/"), (key, status)
        if key not in ("GET /health", "GET /ready", "GET /metrics"):
            assert {"401", "429"} <= statuses, key
            assert {scheme for requirement in operation["security"] for scheme in requirement} == {"bearer", "apiKey"}, key
    place = document["paths"]["/v1/orders"]["post"]
    assert set(place["responses"]) == {"201", "400", "401", "403", "409", "413", "422", "429"}
    assert place["security"] == [{"bearer": ["orders:write"]}, {"apiKey": ["orders:write"]}]
    assert {"$ref": "#/components/parameters/IdempotencyKey"} in place["parameters"]
    assert document["components"]["parameters"]["IdempotencyKey"]["name"] == "Idempotency-Key"
    assert "404" in document["paths"]["/v1/orders/{order_id}"]["get"]["responses"]
    assert "Retry-After" in problem_responses["TooManyRequests"]["headers"]
    # GETs take no Idempotency-Key (the unit of work reads it on POST only)
    assert all({"$ref": "#/components/parameters/IdempotencyKey"} not in op.get("parameters", []) for k, op in operations(document).items() if not k.startswith("POST"))


async def test_content_types_bodies_and_pagination_are_the_real_ones(document: dict[str, Any]) -> None:
    paths = document["paths"]
    assert set(paths["/v1/orders/{order_id}/events"]["get"]["responses"]["200"]["content"]) == {"text/event-stream"}
    assert set(paths["/v1/exchange/{kind}/export"]["get"]["responses"]["200"]["content"]) == {
        "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    assert set(paths["/v1/inspection/images/{image_id}/thumbnail"]["get"]["responses"]["200"]["content"]) == {"image/png"}
    assert "multipart/form-data" in paths["/v1/exchange/{kind}/import"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in paths["/v1/inspection/lots/{lot_id}/images"]["post"]["requestBody"]["content"]
    graphql = paths["/graphql"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert graphql == {"$ref": "#/components/schemas/GraphQLRequest"}
    assert document["components"]["schemas"]["GraphQLRequest"]["required"] == ["query"]
    assert set(paths["/graphql"]["get"]["responses"]["200"]["content"]) == {"application/json", "text/html"}
    parameters = {p["name"]: p for p in paths["/v1/orders"]["get"]["parameters"]}
    assert parameters["limit"]["schema"]["maximum"] == 200 and "cursor" in parameters

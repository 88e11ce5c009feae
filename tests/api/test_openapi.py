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

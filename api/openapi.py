"""The OpenAPI document: operation ids, component names and what Litestar cannot infer.

Operation ids are part of the contract (the generated client names its functions after
them), so each operation's id is written down here, by method and path, and never derived
from a handler's name: renaming a function must not rename the API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import OpenAPI
from litestar.types import Method
from litestar.types.callable_types import OperationIDCreator

# "METHOD /path" (Litestar's path format) -> operationId. tests/api/test_openapi.py fails for
# an operation missing here, and for an id that changed.
OPERATION_IDS: dict[str, str] = {
    "GET /health": "getHealth",
    "GET /ready": "getReadiness",
    "GET /metrics": "getMetrics",
    # the alliance's process catalogue
    "GET /v1/processes": "listProcesses",
    "POST /v1/processes": "addProcess",
    "POST /v1/processes/{process_id}/retire": "retireProcess",
    # capacity
    "GET /v1/sites": "listSites",
    "POST /v1/sites": "createSite",
    "GET /v1/resources": "listResources",
    "POST /v1/resources": "createResource",
    "GET /v1/offers": "listOffers",
    "POST /v1/offers": "publishOffer",
    "GET /v1/offers/{offer_id}": "getOffer",
    "PATCH /v1/offers/{offer_id}": "changeOffer",
    "POST /v1/offers/{offer_id}/withdraw": "withdrawOffer",
    "GET /v1/partnerships": "listPartnerships",
    "POST /v1/partnerships": "createPartnership",
    "POST /v1/partnerships/{partnership_id}/end": "endPartnership",
    # orders and allocations
    "GET /v1/orders": "listOrders",
    "POST /v1/orders": "placeOrder",
    "GET /v1/orders/{order_id}": "getOrder",
    "PUT /v1/orders/{order_id}": "editOrder",
    "GET /v1/orders/{order_id}/tracking": "trackOrder",
    "POST /v1/orders/{order_id}/transitions": "transitionOrder",
    "GET /v1/orders/{order_id}/events": "streamOrderEvents",
    "POST /v1/allocation-plans": "applyAllocationPlan",
    "GET /v1/allocations": "listAllocations",
    "GET /v1/allocations/{allocation_id}": "getAllocation",
    "POST /v1/allocations/{allocation_id}/response": "respondToAllocation",
    "POST /v1/allocations/{allocation_id}/progress": "reportProgress",
    "GET /v1/progress": "listProgressReports",
    # analytics, members, administration
    "GET /v1/analytics/on-time": "getOnTimeDelivery",
    "GET /v1/analytics/utilisation": "getUtilisation",
    "GET /v1/me": "getMe",
    "GET /v1/members": "listMembers",
    "GET /v1/api-keys": "listApiKeys",
    "POST /v1/api-keys/{key_id}/revoke": "revokeApiKey",
    "GET /v1/admin/dead-letters": "listDeadLetters",
    "POST /v1/admin/dead-letters/{event_id}/retry": "retryDeadLetter",
    # GraphQL
    "GET /graphql": "queryGraphQL",
    "POST /graphql": "executeGraphQL",
    # matching
    "GET /v1/matching/runs": "listMatchingRuns",
    "POST /v1/matching/runs": "createMatchingRun",
    "GET /v1/matching/runs/{run_id}": "getMatchingRun",
    "POST /v1/matching/runs/{run_id}/approve": "approveMatchingRun",
    "POST /v1/matching/runs/{run_id}/apply": "applyMatchingRun",
    "POST /v1/matching/preview": "previewMatching",
    # ledger and settlement
    "GET /v1/ledger/checkpoint": "getLedgerCheckpoint",
    "GET /v1/ledger/consistency": "getLedgerConsistencyProof",
    "GET /v1/ledger/entries": "listLedgerEntries",
    "GET /v1/ledger/entries/{seq}/proof": "getLedgerInclusionProof",
    "POST /v1/ledger/entries/{seq}/cosignatures": "cosignLedgerEntry",
    "GET /v1/ledger/keys": "listLedgerKeys",
    "POST /v1/ledger/keys": "registerLedgerKey",
    "GET /v1/settlement/statements/{month}": "getSettlementStatement",
    "GET /v1/settlement/accounts": "listChainAccounts",
    "POST /v1/settlement/accounts": "registerChainAccount",
    "GET /v1/allocations/{allocation_id}/escrow": "getAllocationEscrow",
    # quality
    "GET /v1/quality/plan": "getSamplingPlan",
    "POST /v1/quality/lots": "createInspectionLot",
    "GET /v1/quality/lots/{lot_id}": "getInspectionLot",
    "POST /v1/quality/lots/{lot_id}/results": "reportLotResults",
    "GET /v1/quality/switching": "getSwitchingState",
    "POST /v1/quality/switching/resume": "resumeInspection",
    "GET /v1/quality/scores": "listQualityScores",
    "GET /v1/quality/spc": "getControlCharts",
    # inspection (images and models)
    "GET /v1/inspection/models": "listInspectionModels",
    "POST /v1/inspection/models": "registerInspectionModel",
    "GET /v1/inspection/models/{model_id}": "getInspectionModel",
    "POST /v1/inspection/models/{model_id}/activations": "activateInspectionModel",
    "GET /v1/inspection/activations": "listModelActivations",
    "GET /v1/inspection/activations/history": "listModelActivationHistory",
    "POST /v1/inspection/activations/rollback": "rollBackModelActivation",
    "POST /v1/inspection/activations/deactivate": "deactivateModel",
    "GET /v1/inspection/lots/{lot_id}/images": "listLotImages",
    "POST /v1/inspection/lots/{lot_id}/images": "uploadLotImages",
    "GET /v1/inspection/images/{image_id}": "getInspectionImage",
    "POST /v1/inspection/images/{image_id}/review": "reviewInspectionImage",
    "GET /v1/inspection/images/{image_id}/thumbnail": "getImageThumbnail",
    # forecasting and health
    "GET /v1/forecasts/capacity": "getCapacityForecast",
    "GET /v1/forecasts/demand": "getDemandForecast",
    "GET /v1/forecasts/partner": "getPartnerForecast",
    "GET /v1/health/kpis": "getHealthKpis",
    "GET /v1/health/lights": "getHealthLights",
    "POST /v1/telemetry": "ingestTelemetry",
    # webhooks
    "GET /v1/webhooks": "listWebhooks",
    "POST /v1/webhooks": "createWebhook",
    "GET /v1/webhooks/{endpoint_id}": "getWebhook",
    "PATCH /v1/webhooks/{endpoint_id}": "changeWebhook",
    "DELETE /v1/webhooks/{endpoint_id}": "deleteWebhook",
    "GET /v1/webhooks/{endpoint_id}/deliveries": "listWebhookDeliveries",
    "GET /v1/webhook-deliveries/{delivery_id}": "getWebhookDelivery",
    "POST /v1/webhook-deliveries/{delivery_id}/replay": "replayWebhookDelivery",
    "GET /v1/webhook-event-types": "listWebhookEventTypes",
    # file exchange, code mappings, connectors
    "GET /v1/exchange/{kind}/export": "exportRecords",
    "POST /v1/exchange/{kind}/import": "importRecords",
    "GET /v1/code-mappings": "listCodeMappings",
    "POST /v1/code-mappings": "createCodeMapping",
    "DELETE /v1/code-mappings/{mapping_id}": "deleteCodeMapping",
    "GET /v1/connectors": "listConnectors",
    "POST /v1/connectors": "createConnector",
    "POST /v1/connectors/{connector_id}/run": "runConnector",
    # Catena-X DCM
    "GET /v1/catenax/material-demands": "listMaterialDemands",
    "POST /v1/catenax/material-demands": "importMaterialDemand",
    "GET /v1/catenax/material-demands/{demand_id}": "getMaterialDemand",
    "GET /v1/catenax/capacity-groups": "exportCapacityGroups",
    "GET /v1/catenax/comparison": "compareDemandCapacity",
}


def route_key(http_method: str, path_components: list[Any]) -> str:
    path = "/" + "/".join(c if isinstance(c, str) else "{" + c.name + "}" for c in path_components)
    return f"{http_method.upper()} {path}"


def operation_id(route_handler: HTTPRouteHandler, http_method: Method, path_components: list[Any]) -> str:
    """The id written down in OPERATION_IDS; an operation not listed yet gets a derived one
    (unique, but not promised stable) until it is added there."""
    key = route_key(http_method, path_components)
    if key in OPERATION_IDS:
        return OPERATION_IDS[key]
    words = re.findall(r"[A-Za-z0-9]+", key)
    return words[0].lower() + "".join(w[:1].upper() + w[1:] for w in words[1:])


# Litestar names a generic's component after its argument's full import path
# (`PageOut_api.rest.schemas.OrderOut_`); a page of OrderOut is `OrderPage`.
_GENERIC_PAGE = re.compile(r"^PageOut_(?:[A-Za-z0-9_]+\.)*(?P<item>[A-Za-z0-9]+?)(?:Out)?_$")


def component_renames(names: list[str]) -> dict[str, str]:
    renames = {}
    for name in names:
        match = _GENERIC_PAGE.match(name)
        if match:
            renames[name] = f"{match.group('item')}Page"
    taken = set(names) - set(renames)
    clashes = [new for new in renames.values() if new in taken or list(renames.values()).count(new) > 1]
    if clashes:
        raise ValueError(f"component names clash after renaming: {sorted(set(clashes))}")
    return renames


def _replace_refs(value: Any, refs: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: (refs.get(v, v) if k == "$ref" and isinstance(v, str) else _replace_refs(v, refs)) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_refs(v, refs) for v in value]
    return value


PROBLEM_JSON = "application/problem+json"
BODY_METHODS = ("post", "put", "patch", "delete")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "description": "An RFC 9457 problem detail. `code` is stable and machine-readable (the domain's ErrorCode, or one of the "
                   "edge's: malformed_json, body_too_deep, body_too_large, invalid_idempotency_key, idempotency_key_reused, "
                   "method_not_allowed, unstorable_value); further members may follow (e.g. a stale plan's fresh preview).",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string", "format": "uri", "description": "https://capool.dev/problems/{code}"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {"type": "array", "description": "The fields at fault, as JSON pointers into the body, or `query:NAME` / `path:NAME`.",
                   "items": {"$ref": "#/components/schemas/ProblemFieldError"}},
    },
    "additionalProperties": True,
}
PROBLEM_FIELD_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "ProblemFieldError",
    "required": ["pointer", "detail"],
    "properties": {"pointer": {"type": "string", "examples": ["/items/0/quantity"]}, "detail": {"type": "string"}},
}


def _example(status: int, title: str, code: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {"value": {"type": f"https://capool.dev/problems/{code}", "title": title, "status": status, "detail": detail, "code": code, **extra}}


# Reusable problem responses: component name, status, description and examples.
PROBLEMS: dict[int, tuple[str, str, dict[str, Any]]] = {
    400: ("BadRequest", "The body is not JSON, or nests deeper than 64 levels", {
        "malformed_json": _example(400, "Bad request", "malformed_json", "the request body is not valid JSON"),
        "body_too_deep": _example(400, "Bad request", "body_too_deep", "the JSON body nests deeper than 64 levels (or its brackets do not pair)"),
    }),
    401: ("Unauthenticated", "No API key, or one that is unknown, revoked or expired", {
        "unauthenticated": _example(401, "Unauthenticated", "unauthenticated", "send an API key as 'Authorization: Bearer cpk_...' or 'X-API-Key'"),
    }),
    403: ("Forbidden", "The key lacks the permission the operation's security requirement names, or the caller's role may not do this", {
        "permission_denied": _example(403, "Forbidden", "permission_denied", "this caller lacks the 'orders:write' permission"),
    }),
    404: ("NotFound", "No such resource among those the caller may see (another tenant's ids answer 404 too)", {
        "not_found": _example(404, "Not found", "not_found", "order 0b6c3f9e-2d7a-4e1b-9c55-3f1f0e8a7d21 not found"),
    }),
    409: ("Conflict", "The change conflicts with the resource's state or with data stored meanwhile; nothing was changed", {
        "conflict": _example(409, "Conflict", "conflict", "the change conflicts with data stored meanwhile; nothing was changed"),
        "illegal_transition": _example(409, "Conflict", "illegal_transition", "an order cannot go from delivered to submitted"),
    }),
    413: ("PayloadTooLarge", "The body exceeds the operation's size limit", {
        "body_too_large": _example(413, "Payload too large", "body_too_large", "the request body exceeds 1000000 bytes"),
    }),
    422: ("InvalidInput", "A parameter or the body does not match the schema or the domain's rules; `errors` names the fields. "
                          "Also an Idempotency-Key that is too long or was used with a different request.", {
        "invalid_input": _example(422, "Invalid input", "invalid_input", "the request does not match the schema",
                                  errors=[{"pointer": "/quantity", "detail": "Expected `int` >= 1"}]),
        "idempotency_key_reused": _example(422, "Invalid input", "idempotency_key_reused", "this Idempotency-Key was already used with a different request"),
    }),
    429: ("TooManyRequests", "Rate limited: per API key, or per client address for requests without a valid key", {
        "rate_limited": _example(429, "Too many requests", "rate_limited", "too many requests; try again in 12 s"),
    }),
    502: ("BadGateway", "The partner system the operation calls could not be reached or answered badly; nothing was changed", {
        "connector_unreachable": _example(502, "Error", "connector_unreachable", "could not read https://mes.example/capacity: ConnectError"),
    }),
}

IDEMPOTENCY_KEY: dict[str, Any] = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "Makes a retried POST safe: the first response (2xx/3xx) is stored for this API key and replayed, with "
                   "`Idempotent-Replayed: true`, to a request with the same key and body; the same key with another body "
                   "answers 422 idempotency_key_reused.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}

# Statuses that only some operations answer, beyond what their method, parameters and
# security imply (see problem_statuses).
EXTRA_PROBLEMS: dict[str, tuple[int, ...]] = {
    "runConnector": (502,),
}

# Request bodies the handlers read themselves (uploads and files), so Litestar sees none.
_FILE = {"type": "string", "format": "binary"}
REQUEST_BODIES: dict[str, dict[str, Any]] = {
    "importRecords": {"required": True, "content": {
        "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {"file": _FILE}}},
        "text/csv": {"schema": {"type": "string"}},
        XLSX: {"schema": _FILE},
        "application/json": {"schema": {"type": "object", "required": ["rows"], "properties": {
            "rows": {"type": "array", "items": {"type": "object", "additionalProperties": True}}}}},
    }},
    "registerInspectionModel": {"required": True, "content": {
        "multipart/form-data": {"schema": {"type": "object", "required": ["name", "version", "card", "file"], "properties": {
            "name": {"type": "string"}, "version": {"type": "string"}, "card": {"type": "string", "description": "the model card as JSON text"},
            "file": {**_FILE, "description": "the ONNX model"}}}},
        "application/json": {"schema": {"type": "object", "required": ["name", "version", "card", "file_base64"], "additionalProperties": False, "properties": {
            "name": {"type": "string"}, "version": {"type": "string"}, "card": {"type": "object", "additionalProperties": True},
            "file_base64": {"type": "string", "contentEncoding": "base64"}}}},
    }},
    "uploadLotImages": {"required": True, "content": {
        "multipart/form-data": {"schema": {"type": "object", "required": ["files"], "properties": {"files": {"type": "array", "items": _FILE}}}},
    }},
    "executeGraphQL": {"required": True, "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/GraphQLRequest"}},
    }},
}
GRAPHQL_REQUEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "GraphQLRequest",
    "required": ["query"],
    "properties": {
        "query": {"type": "string", "description": "A GraphQL document", "examples": ["{ me { organisation { name } } }"]},
        "variables": {"type": ["object", "null"], "additionalProperties": True},
        "operationName": {"type": ["string", "null"]},
        "extensions": {"type": ["object", "null"], "additionalProperties": True},
    },
}

# Success responses whose content Litestar cannot see from the return annotation.
SUCCESS_CONTENT: dict[str, dict[str, Any]] = {
    "streamOrderEvents": {"text/event-stream": {"schema": {"type": "string", "description":
        "Server-sent events: `event: status`, `id:` the change's id, `data:` {order_id, from, to, reason, occurred_at} as JSON"}}},
    "exportRecords": {"text/csv": {"schema": {"type": "string"}}, XLSX: {"schema": _FILE}},
    "queryGraphQL": {
        "application/json": {"schema": {"$ref": "#/components/schemas/GraphQLResource"}},
        "text/html": {"schema": {"type": "string", "description": "GraphiQL, for a browser (Accept: text/html) asking without a query"}},
    },
    "executeGraphQL": {"application/json": {"schema": {"$ref": "#/components/schemas/GraphQLResource"}}},
}


def _is_litestar_default_error(response: dict[str, Any]) -> bool:
    """Litestar's own `{status_code, detail, extra}` error shape, which this app never sends."""
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return set(schema.get("properties", {})) == {"status_code", "detail", "extra"}


def _schema_has_id(schema: Any, components: dict[str, Any], seen: frozenset[str] = frozenset()) -> bool:
    """Whether a value of this schema can carry a uuid (which the service looks up: 404)."""
    if isinstance(schema, list):
        return any(_schema_has_id(s, components, seen) for s in schema)
    if not isinstance(schema, dict):
        return False
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[1]
        return name not in seen and _schema_has_id(components.get(name, {}), components, seen | {name})
    if schema.get("format") == "uuid":
        return True
    return any(_schema_has_id(schema.get(k), components, seen) for k in ("items", "oneOf", "anyOf", "allOf")) or \
        any(_schema_has_id(s, components, seen) for s in (schema.get("properties") or {}).values())


def _names_an_id(operation: dict[str, Any], components: dict[str, Any]) -> bool:
    if any(_schema_has_id(p.get("schema"), components) for p in operation.get("parameters", [])):
        return True
    return any(_schema_has_id(c.get("schema"), components) for c in operation.get("requestBody", {}).get("content", {}).values())


def problem_statuses(method: str, operation: dict[str, Any], components: dict[str, Any]) -> set[int]:
    """The problem statuses an operation really answers, from what every request passes:
    the edge's limits (api/limits.py: 422 for NUL characters or out-of-range integers in any
    query, 413/400/422 for bodies), authentication and rate limits (401, 429), the permission
    guard (403), lookups of the ids in the path, query or body (404) and the unit of work's
    commit (409)."""
    statuses = {422}
    public = operation.get("security") in ([{}], [])
    if not public:
        statuses |= {401, 429}
        if any(scopes for requirement in operation.get("security") or [] for scopes in requirement.values()):
            statuses.add(403)
    if any(p.get("in") == "path" for p in operation.get("parameters", [])) or _names_an_id(operation, components):
        statuses.add(404)
    if method in BODY_METHODS:
        statuses |= {400, 413}
        if not public:
            statuses.add(409)
    return statuses | set(EXTRA_PROBLEMS.get(operation.get("operationId", ""), ()))


def _finish_operation(method: str, operation: dict[str, Any], components: dict[str, Any]) -> None:
    operation_id = operation.get("operationId", "")
    if operation_id in REQUEST_BODIES:
        operation["requestBody"] = REQUEST_BODIES[operation_id]
    responses = operation.setdefault("responses", {})
    for status in [s for s, r in responses.items() if _is_litestar_default_error(r)]:
        del responses[status]
    for status in problem_statuses(method, operation, components):
        responses.setdefault(str(status), {"$ref": f"#/components/responses/{PROBLEMS[status][0]}"})
    if operation_id in SUCCESS_CONTENT:
        success = min(s for s in responses if s.startswith("2"))
        responses[success]["content"] = SUCCESS_CONTENT[operation_id]
    if operation_id == "queryGraphQL":
        operation["security"] = [*operation.get("security", []), {}]  # the GraphiQL page needs no key; queries do
    if method == "post":
        operation.setdefault("parameters", []).append({"$ref": "#/components/parameters/IdempotencyKey"})
        for status, response in responses.items():
            if status.startswith("2") and "$ref" not in response:
                response.setdefault("headers", {})["Idempotent-Replayed"] = {"$ref": "#/components/headers/IdempotentReplayed"}
    operation["responses"] = dict(sorted(responses.items()))


def finish(document: dict[str, Any]) -> dict[str, Any]:
    """The document Litestar generated, with what it cannot express added."""
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    renames = component_renames(list(schemas))
    for old, new in renames.items():
        schemas[old]["title"] = new
    schemas = {renames.get(name, name): schema for name, schema in schemas.items()}
    schemas |= {"Problem": PROBLEM_SCHEMA, "ProblemFieldError": PROBLEM_FIELD_ERROR_SCHEMA, "GraphQLRequest": GRAPHQL_REQUEST_SCHEMA}
    components["schemas"] = dict(sorted(schemas.items()))
    components["responses"] = {
        name: {"description": description, "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}, "examples": examples}},
               **({"headers": {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}}} if status == 429 else {})}
        for status, (name, description, examples) in PROBLEMS.items()
    }
    components["parameters"] = {"IdempotencyKey": IDEMPOTENCY_KEY}
    components["headers"] = {
        "RetryAfter": {"description": "Seconds until the next request is allowed", "schema": {"type": "integer", "minimum": 0}},
        "IdempotentReplayed": {"description": "`true` when this is the stored response to an earlier request with the same Idempotency-Key",
                               "schema": {"type": "string", "enum": ["true"]}},
    }
    if renames:
        document = _replace_refs(document, {f"#/components/schemas/{old}": f"#/components/schemas/{new}" for old, new in renames.items()})
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if method in ("get", "put", "post", "delete", "patch"):
                _finish_operation(method, operation, document["components"]["schemas"])
    return document


@dataclass
class FinishedOpenAPI(OpenAPI):
    """Litestar's document object; its dictionary form (what /schema/openapi.json serves and
    `app.openapi_schema.to_schema()` returns) is the finished document."""

    def to_schema(self) -> dict[str, Any]:
        return finish(super().to_schema())


@dataclass
class CapoolOpenAPIConfig(OpenAPIConfig):
    operation_id_creator: OperationIDCreator = operation_id

    def to_openapi_schema(self) -> OpenAPI:
        generated = super().to_openapi_schema()
        return FinishedOpenAPI(**{f.name: getattr(generated, f.name) for f in fields(generated) if f.init})

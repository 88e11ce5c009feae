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


def finish(document: dict[str, Any]) -> dict[str, Any]:
    """The document Litestar generated, with what it cannot express added."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    renames = component_renames(list(schemas))
    if renames:
        for old, new in renames.items():
            schemas[old]["title"] = new
        document["components"]["schemas"] = {renames.get(name, name): schema for name, schema in sorted(schemas.items(), key=lambda kv: renames.get(kv[0], kv[0]))}
        document = _replace_refs(document, {f"#/components/schemas/{old}": f"#/components/schemas/{new}" for old, new in renames.items()})
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

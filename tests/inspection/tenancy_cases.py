"""Cross-tenant cases for the inspection routes and GraphQL fields (see tests/tenancy.py).

The victim is the brand: its workshop (brand_ops) inspects the lot of the marketplace
seed's allocation and uploads an image; the alliance office registers the victim model."""

from __future__ import annotations

import base64
import json
import os
import tempfile
import uuid

from capool.config import get_settings
from capool.db import create_session_factory
from quality import service as quality_service
from quality.schemas import LotIn
from tests.inspection.conftest import DOMAIN, png
from tests.inspection.onnx_graphs import brightness_classifier
from tests.tenancy import Case, Ctx, GraphQLCase, Request

READERS = ("other_buyer", "floating", "outsider")
FACTORIES = ("floating", "outsider")
CARD = {"kind": "classifier", "labels": ["ok", "scratch"], "normal_label": "ok", "threshold": 0.5, "preprocess": {"width": 16, "height": 16}, **DOMAIN}


async def seed(ctx: Ctx) -> None:
    """Needs the marketplace seed (ctx.ids["allocation"]: the brand's own accepted allocation)."""
    os.environ["CAPOOL_INSPECTION_STORAGE_DIR"] = tempfile.mkdtemp(prefix="capool-inspection-")
    get_settings.cache_clear()
    client, world = ctx.client, ctx.world
    async with create_session_factory(ctx.engine)() as session:
        lot = await quality_service.create_lot(session, world.brand_ops.actor, LotIn(allocation_id=uuid.UUID(ctx.ids["allocation"]), quantity=10))
        await session.commit()
    uploaded = await client.post(f"/v1/inspection/lots/{lot.id}/images", headers=world.brand_ops.headers,
                                 files=[("files", ("a.png", png(), "image/png"))])
    assert uploaded.status_code == 202, uploaded.text
    model = await client.post("/v1/inspection/models", headers=world.admin.headers, data={"name": "victim-model", "version": "1", "card": json.dumps(CARD)},
                              files={"file": ("m.onnx", brightness_classifier(), "application/octet-stream")})
    assert model.status_code == 201, model.text
    # The alliance office activates it for the brand's workshop (the victim's registry and history).
    activated = await client.post(f"/v1/inspection/models/{model.json()['id']}/activations", headers=world.admin.headers,
                                  json={"product": "tee", "factory_org_id": str(world.brand.org_id)})
    assert activated.status_code == 201, activated.text
    ctx.ids.update({"inspection_lot": str(lot.id), "inspection_image": uploaded.json()[0]["id"], "inspection_model": model.json()["id"],
                    "inspection_factory": str(world.brand.org_id)})


def _model_body() -> dict:
    return {"name": "attacker-model", "version": "1", "card": CARD, "file_base64": base64.b64encode(brightness_classifier()).decode()}


CASES: dict[tuple[str, str], Case] = {
    ("GET", "/v1/inspection/models"): Case("absent", READERS, lambda c: Request("/v1/inspection/models")),
    ("POST", "/v1/inspection/models"): Case("own", ("outsider",), lambda c: Request("/v1/inspection/models", _model_body())),
    ("GET", "/v1/inspection/models/{model_id:uuid}"): Case("404", READERS, lambda c: Request(f"/v1/inspection/models/{c.ids['inspection_model']}")),
    ("POST", "/v1/inspection/models/{model_id:uuid}/activations"): Case("404", ("outsider",), lambda c: Request(
        f"/v1/inspection/models/{c.ids['inspection_model']}/activations", {"product": "tee"})),
    ("POST", "/v1/inspection/lots/{lot_id:uuid}/images"): Case("404", FACTORIES, lambda c: Request(
        f"/v1/inspection/lots/{c.ids['inspection_lot']}/images")),
    ("GET", "/v1/inspection/lots/{lot_id:uuid}/images"): Case("404", READERS, lambda c: Request(f"/v1/inspection/lots/{c.ids['inspection_lot']}/images")),
    ("GET", "/v1/inspection/images/{image_id:uuid}"): Case("404", READERS, lambda c: Request(f"/v1/inspection/images/{c.ids['inspection_image']}")),
    ("GET", "/v1/inspection/images/{image_id:uuid}/thumbnail"): Case("404", READERS, lambda c: Request(
        f"/v1/inspection/images/{c.ids['inspection_image']}/thumbnail")),
    ("POST", "/v1/inspection/images/{image_id:uuid}/review"): Case("404", FACTORIES, lambda c: Request(
        f"/v1/inspection/images/{c.ids['inspection_image']}/review", {"decisions": [{"index": 0, "decision": "confirm"}]})),
    ("GET", "/v1/inspection/activations"): Case("404", READERS, lambda c: Request(
        "/v1/inspection/activations", params={"factory_org_id": c.ids["inspection_factory"]})),
    ("GET", "/v1/inspection/activations/history"): Case("404", READERS, lambda c: Request(
        "/v1/inspection/activations/history", params={"factory_org_id": c.ids["inspection_factory"]})),
    ("POST", "/v1/inspection/activations/rollback"): Case("404", ("outsider",), lambda c: Request(
        "/v1/inspection/activations/rollback", {"product": "tee", "factory_org_id": c.ids["inspection_factory"]})),
    ("POST", "/v1/inspection/activations/deactivate"): Case("404", ("outsider",), lambda c: Request(
        "/v1/inspection/activations/deactivate", {"product": "tee", "factory_org_id": c.ids["inspection_factory"]})),
}

GRAPHQL_CASES: dict[str, GraphQLCase] = {
    "Query.inspectionImage": GraphQLCase("404", READERS, lambda c: ("query($id: UUID!) { inspectionImage(id: $id) { id score } }", {"id": c.ids["inspection_image"]})),
    "Query.inspectionLot": GraphQLCase("404", READERS, lambda c: ("query($id: UUID!) { inspectionLot(lotId: $id) { lotId images { id } } }", {"id": c.ids["inspection_lot"]})),
    "Query.inspectionModels": GraphQLCase("absent", READERS, lambda c: ("{ inspectionModels { items { id name } } }", {})),
    "Query.inspectionModel": GraphQLCase("404", READERS, lambda c: ("query($id: UUID!) { inspectionModel(id: $id) { id } }", {"id": c.ids["inspection_model"]})),
    "Query.inspectionActivations": GraphQLCase("404", READERS, lambda c: (
        "query($f: UUID) { inspectionActivations(factoryOrgId: $f) { product modelName } }", {"f": c.ids["inspection_factory"]})),
    "Query.inspectionActivationHistory": GraphQLCase("404", READERS, lambda c: (
        "query($f: UUID) { inspectionActivationHistory(factoryOrgId: $f) { id action } }", {"f": c.ids["inspection_factory"]})),
    "Mutation.reviewInspectionDetections": GraphQLCase("404", FACTORIES, lambda c: (
        "mutation($id: UUID!) { reviewInspectionDetections(imageId: $id, decisions: [{index: 0, decision: \"confirm\"}]) { image { id } errors { code } } }",
        {"id": c.ids["inspection_image"]})),
    "Mutation.rollbackInspectionModel": GraphQLCase("404", ("outsider",), lambda c: (
        "mutation($f: UUID) { rollbackInspectionModel(product: \"tee\", factoryOrgId: $f) { modelVersionId errors { code } } }", {"f": c.ids["inspection_factory"]})),
    "Mutation.deactivateInspectionModel": GraphQLCase("404", ("outsider",), lambda c: (
        "mutation($f: UUID) { deactivateInspectionModel(product: \"tee\", factoryOrgId: $f) { modelVersionId errors { code } } }", {"f": c.ids["inspection_factory"]})),
}

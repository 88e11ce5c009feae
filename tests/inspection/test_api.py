"""Inspection through REST and GraphQL: registry, activation, uploads, the detection job,
aggregation into the quality lot, cross-tenant rules and 422s for bad files."""

from __future__ import annotations

import asyncio
import io
import json
import math
import uuid

import pytest
from PIL import Image
from sqlalchemy import func, select

from capool.db import create_session_factory
from capool.events import OutboxEvent
from inspection import jobs as inspection_jobs
from inspection.models import InspectionImage, ModelActivation, ModelVersion
from quality.models import InspectionLot
from tests.conftest import World
from tests.inspection.conftest import DOMAIN, open_lot, png
from tests.inspection.onnx_graphs import brightness_classifier
from tests.tenancy import snapshot

CARD = {
    "kind": "classifier", "labels": ["ok", "Scratch"], "normal_label": "ok", "output": "softmax", "threshold": 0.5,
    "preprocess": {"width": 16, "height": 16, "channels": 1}, "defect_severity": {"Scratch": "minor"}, **DOMAIN,
}


def gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (4, 4)).save(buffer, format="GIF")
    return buffer.getvalue()


async def register(client, member, *, name: str = "brightness", version: str = "1", card: dict | None = None, model: bytes | None = None):  # type: ignore[no-untyped-def]
    return await client.post("/v1/inspection/models", headers=member.headers, data={
        "name": name, "version": version, "card": json.dumps(card or CARD)}, files={"file": ("model.onnx", model or brightness_classifier(), "application/octet-stream")})


async def upload(client, member, lot_id: str, images: list[tuple[str, bytes, str]]):  # type: ignore[no-untyped-def]
    return await client.post(f"/v1/inspection/lots/{lot_id}/images", headers=member.headers,
                             files=[("files", (name, data, ctype)) for name, data, ctype in images])


async def run_jobs(db) -> None:  # type: ignore[no-untyped-def]
    """What the worker does for each uploaded image (the job's own transaction)."""
    from capool import jobs

    jobs.job_database.configure(str(db.url.render_as_string(hide_password=False)))
    async with create_session_factory(db)() as session:
        ids = list((await session.execute(select(InspectionImage.id))).scalars())
    for image_id in ids:
        await inspection_jobs.inspect_image_now(str(image_id))
    await jobs.job_database.dispose()


async def test_registered_model_inspects_the_factorys_lot_and_counts_into_it(client, db, world: World) -> None:
    ids = await open_lot(client, db, world)
    registered = await register(client, world.admin)
    assert registered.status_code == 201, registered.text
    model = registered.json()
    assert model["kind"] == "classifier" and model["labels"] == ["ok", "Scratch"] and model["metrics"] == CARD["metrics"]
    assert len(model["file_sha256"]) == 64 and model["created_by"] == str(world.admin.user_id)

    activated = await client.post(f"/v1/inspection/models/{model['id']}/activations", headers=world.admin.headers,
                                  json={"product": "tee", "factory_org_id": str(world.partner.org_id)})
    assert activated.status_code == 201, activated.text
    assert activated.json()["organisation_id"] == str(world.partner.org_id)

    uploaded = await upload(client, world.partner, ids["lot"], [
        ("dark.png", png(value=20), "image/png"), ("bright.png", png(value=240), "image/png"), ("bright2.png", png(value=250), "image/png")])
    assert uploaded.status_code == 202, uploaded.text
    images = uploaded.json()
    assert [i["status"] for i in images] == ["pending"] * 3 and {i["product"] for i in images} == {"tee"}
    async with create_session_factory(db)() as session:
        event = (await session.execute(select(OutboxEvent).where(OutboxEvent.type == "inspection.images_uploaded"))).scalar_one()
        assert event.payload["image_ids"] == [i["id"] for i in images]

    await run_jobs(db)
    await run_jobs(db)  # redelivered messages: nothing is inspected or counted twice

    dark = (await client.get(f"/v1/inspection/images/{images[0]['id']}", headers=world.partner.headers)).json()
    bright = (await client.get(f"/v1/inspection/images/{images[1]['id']}", headers=world.partner.headers)).json()
    assert dark["status"] == "inspected" and dark["defective"] is False and dark["defect_counts"] == {} and dark["detections"] == []
    assert bright["defective"] is True and bright["defect_counts"] == {"Scratch": 1}
    assert bright["detections"][0]["label"] == "Scratch" and bright["detections"][0]["box"] is None
    assert bright["model_version_id"] == model["id"] and bright["model_name"] == "brightness:1"
    assert bright["score"] == pytest.approx(1 / (1 + math.exp(10 - 20 * 240 / 255)), abs=1e-5)

    lot = (await client.get(f"/v1/inspection/lots/{ids['lot']}/images", headers=world.partner.headers)).json()
    assert (lot["inspected"], lot["pending"], lot["defective"], lot["defect_counts"]) == (3, 0, 2, {"Scratch": 2})
    async with create_session_factory(db)() as session:
        stored = await session.get(InspectionLot, uuid.UUID(ids["lot"]))
        assert (stored.critical, stored.major, stored.minor) == (0, 0, 2)
        assert stored.defects == {"scratch": {"severity": "minor", "count": 2}}

    # The lot's buyer reads the results; GraphQL answers the same.
    assert (await client.get(f"/v1/inspection/images/{images[1]['id']}", headers=world.brand.headers)).status_code == 200
    query = "query($lot: UUID!) { inspectionLot(lotId: $lot) { defective defectCounts { label count } images { status score detections { label } } } }"
    answer = await client.post("/graphql", headers=world.brand.headers, json={"query": query, "variables": {"lot": ids["lot"]}})
    data = answer.json()["data"]["inspectionLot"]
    assert data["defective"] == 2 and data["defectCounts"] == [{"label": "Scratch", "count": 2}]
    models = await client.post("/graphql", headers=world.admin.headers, json={"query": "{ inspectionModels { items { id name version kind } } }"})
    assert models.json()["data"]["inspectionModels"]["items"] == [{"id": model["id"], "name": "brightness", "version": "1", "kind": "classifier"}]


async def test_without_an_active_version_the_builtin_model_inspects(client, db, world: World) -> None:
    ids = await open_lot(client, db, world)
    uploaded = await upload(client, world.partner, ids["lot"], [("tile.png", png(64, 64, 120), "image/png")])
    await run_jobs(db)
    image = (await client.get(f"/v1/inspection/images/{uploaded.json()[0]['id']}", headers=world.partner.headers)).json()
    assert image["status"] == "inspected" and image["model_name"] == "magnetic_tile_v1 (built-in)" and image["model_version_id"] is None
    assert 0.0 <= image["score"] <= 1.0


async def test_the_job_runs_on_dramatiq_after_the_upload_commits(client, db, world: World, outbox_worker) -> None:
    ids = await open_lot(client, db, world)
    registered = (await register(client, world.admin)).json()
    await client.post(f"/v1/inspection/models/{registered['id']}/activations", headers=world.admin.headers,
                      json={"product": "*", "factory_org_id": str(world.partner.org_id)})
    uploaded = await upload(client, world.partner, ids["lot"], [("bright.png", png(value=240), "image/png")])
    assert uploaded.status_code == 202
    await outbox_worker.drain()
    await asyncio.to_thread(outbox_worker.broker.join, "inspection", timeout=30_000, fail_fast=True)
    await asyncio.to_thread(outbox_worker.worker.join)
    image = (await client.get(f"/v1/inspection/images/{uploaded.json()[0]['id']}", headers=world.partner.headers)).json()
    assert image["status"] == "inspected" and image["defect_counts"] == {"Scratch": 1}


@pytest.mark.parametrize(
    ("files", "pointer", "fragment"),
    [
        ([("a.png", b"", "image/png")], "/files/0", "is empty"),
        ([("a.png", b"not an image at all", "image/png")], "/files/0", "not a readable image"),
        ([("ok.png", png(), "image/png"), ("doc.txt", b"hello", "text/plain")], "/files/1", "content type text/plain"),
        ([("anim.gif", gif(), "image/gif")], "/files/0", "unsupported image format GIF"),
        ([], "/files", "at least one image"),
    ],
)
async def test_bad_uploads_answer_422_with_the_file_pointer(client, db, world: World, files, pointer, fragment) -> None:  # type: ignore[no-untyped-def]
    ids = await open_lot(client, db, world)
    before = await snapshot(db)
    response = await upload(client, world.partner, ids["lot"], files) if files else await client.post(
        f"/v1/inspection/lots/{ids['lot']}/images", headers=world.partner.headers, data={"note": "no files"})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    [error] = response.json()["errors"]
    assert error["pointer"] == pointer and fragment in error["detail"]
    assert await snapshot(db) == before


async def test_oversized_image_is_refused(client, db, world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from capool.config import get_settings

    ids = await open_lot(client, db, world)
    monkeypatch.setenv("CAPOOL_INSPECTION_MAX_IMAGE_BYTES", "100")
    get_settings.cache_clear()
    response = await upload(client, world.partner, ids["lot"], [("big.png", png(64, 64), "image/png")])
    assert response.status_code == 422 and response.json()["errors"][0]["pointer"] == "/files/0"
    assert "exceeds 100 bytes" in response.json()["errors"][0]["detail"]


async def test_bad_model_registrations_answer_422(client, db, world: World) -> None:
    before = await snapshot(db)
    broken = await register(client, world.admin, model=b"\x08\x01garbage")
    assert broken.status_code == 422 and broken.json()["errors"][0]["pointer"] == "/file"
    bad_card = await register(client, world.admin, card={"kind": "svm", "labels": []})
    assert bad_card.status_code == 422
    assert sorted(e["pointer"] for e in bad_card.json()["errors"]) == ["/card/kind", "/card/labels", "/card/metrics", "/card/training_data", "/card/validated_on"]
    # Cards that do not fit the graph fail the smoke test: a YOLO card on a classifier graph,
    # and three labels for a two-output classifier.
    mismatch = await register(client, world.admin, card={"kind": "yolov8", "labels": ["a"], "input_size": [16, 16], **DOMAIN})
    assert mismatch.status_code == 422 and mismatch.json()["errors"][0]["pointer"] == "/file"
    three = await register(client, world.admin, card={**CARD, "labels": ["ok", "Scratch", "Dent"]})
    assert three.status_code == 422 and three.json()["errors"][0]["pointer"] == "/file"
    not_json = await client.post("/v1/inspection/models", headers=world.admin.headers, data={"name": "m", "version": "1", "card": "{"},
                                 files={"file": ("m.onnx", brightness_classifier(), "application/octet-stream")})
    assert not_json.status_code == 422 and not_json.json()["errors"][0]["pointer"] == "/card"
    assert await snapshot(db) == before
    assert (await register(client, world.admin)).status_code == 201
    duplicate = await register(client, world.admin)
    assert duplicate.status_code == 422 and duplicate.json()["errors"][0]["pointer"] == "/version"


async def test_tenants_are_kept_apart(client, db, world: World) -> None:
    ids = await open_lot(client, db, world)
    model = (await register(client, world.admin)).json()
    uploaded = (await upload(client, world.partner, ids["lot"], [("a.png", png(), "image/png")])).json()
    image_id = uploaded[0]["id"]
    before = await snapshot(db)

    # Another factory, and another alliance, cannot see the lot, the image or the model.
    for member in (world.floating, world.outsider):
        assert (await upload(client, member, ids["lot"], [("x.png", png(), "image/png")])).status_code == 404
        assert (await client.get(f"/v1/inspection/images/{image_id}", headers=member.headers)).status_code == 404
        assert (await client.get(f"/v1/inspection/lots/{ids['lot']}/images", headers=member.headers)).status_code == 404
    for member in (world.outsider, world.partner):
        assert (await client.get(f"/v1/inspection/models/{model['id']}", headers=member.headers)).status_code == 404
    # The outsider (an org admin of another alliance) can neither activate the model nor name a factory here.
    outsider_activation = await client.post(f"/v1/inspection/models/{model['id']}/activations", headers=world.outsider.headers, json={"product": "tee"})
    assert outsider_activation.status_code == 404
    # The buyer reads the lot but may not add images to it; a factory operator may not run the registry.
    assert (await upload(client, world.brand_ops, ids["lot"], [("x.png", png(), "image/png")])).status_code == 403
    assert (await register(client, world.partner)).status_code == 403
    assert (await client.get("/v1/inspection/models", headers=world.outsider.headers)).json()["items"] == []
    assert await snapshot(db) == before

    # An alliance admin cannot point another alliance's factory at its model.
    foreign = await client.post(f"/v1/inspection/models/{model['id']}/activations", headers=world.admin.headers,
                                json={"product": "tee", "factory_org_id": str(world.outsider.org_id)})
    assert foreign.status_code == 404
    async with create_session_factory(db)() as session:
        assert await session.scalar(select(func.count()).select_from(ModelActivation)) == 0
        assert await session.scalar(select(func.count()).select_from(ModelVersion)) == 1

    graphql = await client.post("/graphql", headers=world.outsider.headers, json={
        "query": "query($id: UUID!) { inspectionImage(id: $id) { id } }", "variables": {"id": image_id}})
    assert "NOT_FOUND" in graphql.text


async def test_a_registered_yolo_detector_reports_boxes_and_severities(client, db, world: World) -> None:
    from tests.inspection.onnx_graphs import constant_output_model
    from tests.inspection.test_runtime import LABELS, v8_output

    ids = await open_lot(client, db, world)
    card = {"kind": "yolov8", "labels": LABELS, "conf_threshold": 0.25, "iou_threshold": 0.45, "defect_severity": {"crack": "critical"}, **DOMAIN}
    registered = await register(client, world.admin, name="yolo", card=card, model=constant_output_model(v8_output(), [1, 3, 320, 320]))
    assert registered.status_code == 201, registered.text
    activated = await client.post(f"/v1/inspection/models/{registered.json()['id']}/activations", headers=world.admin.headers,
                                  json={"factory_org_id": str(world.partner.org_id)})  # product "*"
    assert activated.status_code == 201 and activated.json()["product"] == "*"
    uploaded = await upload(client, world.partner, ids["lot"], [("line.png", png(640, 480), "image/png")])
    await run_jobs(db)
    image = (await client.get(f"/v1/inspection/images/{uploaded.json()[0]['id']}", headers=world.partner.headers)).json()
    assert image["defect_counts"] == {"crack": 1, "scratch": 2} and image["score"] == pytest.approx(0.81)
    assert [d["box"] for d in image["detections"]] == [[160.0, 80.0, 240.0, 160.0], [160.0, 80.0, 240.0, 160.0], [540.0, 400.0, 640.0, 480.0]]
    async with create_session_factory(db)() as session:
        lot = await session.get(InspectionLot, uuid.UUID(ids["lot"]))
        assert (lot.critical, lot.major, lot.minor) == (1, 2, 0)

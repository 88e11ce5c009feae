"""Every image job ends inspected or failed with its reason, within bounded attempts; a lot is
not decided while its images are pending; an image is counted by the card of the model that
scored it. The models are real ONNX graphs run by onnxruntime."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import update

from capool.db import create_session_factory
from inspection import jobs as inspection_jobs
from inspection import service as inspection_service
from inspection.models import InspectionImage, ModelVersion
from quality.models import InspectionLot
from tests.conftest import World
from tests.inspection.conftest import DOMAIN, open_lot, png
from tests.inspection.onnx_graphs import constant_output_model, fails_when_bright
from tests.inspection.test_api import CARD, register, run_jobs, upload
from tests.inspection.test_runtime import LABELS, v5_output
from tests.portal.conftest import portal, sign_in  # noqa: F401  (portal: the portal client fixture)
from tests.tenancy import snapshot

YOLO_CARD = {"kind": "yolov5", "labels": LABELS, "defect_severity": {"crack": "critical", "scratch": "major"}, **DOMAIN}


async def _activate(client, world: World, model_id: str, product: str = "tee") -> None:  # type: ignore[no-untyped-def]
    response = await client.post(f"/v1/inspection/models/{model_id}/activations", headers=world.admin.headers,
                                 json={"product": product, "factory_org_id": str(world.partner.org_id)})
    assert response.status_code == 201, response.text


async def _image(client, world: World, image_id: str) -> dict:  # type: ignore[no-untyped-def]
    response = await client.get(f"/v1/inspection/images/{image_id}", headers=world.partner.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _lot(db, lot_id: str) -> InspectionLot:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        lot = await session.get(InspectionLot, uuid.UUID(lot_id))
        assert lot is not None
        return lot


async def _final(client, world: World, lot_id: str):  # type: ignore[no-untyped-def]
    return await client.post(f"/v1/quality/lots/{lot_id}/results", headers=world.partner.headers, json={"defects": [], "final": True})


async def test_an_onnxruntime_error_ends_the_image_failed_with_its_reason(client, db, world: World, portal) -> None:  # type: ignore[no-untyped-def]
    ids = await open_lot(client, db, world)
    registered = await register(client, world.admin, name="fragile", model=fails_when_bright())
    assert registered.status_code == 201, registered.text  # the blank grey smoke test passes
    await _activate(client, world, registered.json()["id"])
    images = (await upload(client, world.partner, ids["lot"], [("dark.png", png(value=20), "image/png"), ("bright.png", png(value=240), "image/png")])).json()

    await run_jobs(db)

    dark, bright = await _image(client, world, images[0]["id"]), await _image(client, world, images[1]["id"])
    assert dark["status"] == "inspected" and dark["defect_counts"] == {}
    assert bright["status"] == "failed"
    assert bright["error"].startswith("InvalidArgument: [ONNXRuntimeError]") and "Gather" in bright["error"]
    # The model that failed on it is recorded, and a deterministic failure is not retried.
    assert (bright["model_version_id"], bright["model_name"]) == (registered.json()["id"], "fragile:1")
    async with create_session_factory(db)() as session:
        assert (await session.get(InspectionImage, uuid.UUID(images[1]["id"]))).attempts == 1
    summary = (await client.get(f"/v1/inspection/lots/{ids['lot']}/images", headers=world.partner.headers)).json()
    assert (summary["inspected"], summary["pending"], summary["failed"]) == (1, 0, 1)
    # The portal's lot page lists the image that does not count, and why.
    await sign_in(portal, db, world.partner)
    page = (await portal.get(f"/portal/supplier/lots/{ids['lot']}")).text
    assert "1 image(s) could not be inspected and do not count:" in page
    assert f'<li data-image="{images[1]["id"]}">bright.png (fragile:1): InvalidArgument: [ONNXRuntimeError]' in page
    # Nothing pending: the lot can be decided.
    decided = await _final(client, world, ids["lot"])
    assert decided.status_code == 200 and decided.json()["decision"] == "accepted"


async def test_a_card_with_a_bad_severity_is_refused_and_a_stored_one_fails_the_image(client, db, world: World) -> None:
    before = await snapshot(db)
    refused = await register(client, world.admin, card={**CARD, "defect_severity": {"Scratch": "fatal"}})
    assert refused.status_code == 422
    assert [(e["pointer"], e["detail"]) for e in refused.json()["errors"]] == [
        ("/card/defect_severity/Scratch", "severity 'fatal' is not one of critical, major, minor")]
    not_an_object = await register(client, world.admin, card={**CARD, "defect_severity": ["Scratch"]})
    assert not_an_object.status_code == 422 and not_an_object.json()["errors"][0]["pointer"] == "/card/defect_severity"
    assert await snapshot(db) == before

    # A card stored before this check (or edited in the database) holds "fatal": the job fails the image, it does not stay pending.
    ids = await open_lot(client, db, world)
    model = (await register(client, world.admin)).json()
    await _activate(client, world, model["id"])
    async with create_session_factory(db)() as session:
        await session.execute(update(ModelVersion).values(card={**CARD, "defect_severity": {"Scratch": "fatal"}}))
        await session.commit()
    [image] = (await upload(client, world.partner, ids["lot"], [("bright.png", png(value=240), "image/png")])).json()
    await run_jobs(db)
    failed = await _image(client, world, image["id"])
    assert failed["status"] == "failed"
    assert failed["error"] == "the model card of brightness:1 is invalid: /card/defect_severity/Scratch: severity 'fatal' is not one of critical, major, minor"
    lot = await _lot(db, ids["lot"])
    assert (lot.critical, lot.major, lot.minor, lot.defects) == (0, 0, 0, {})


async def test_a_lot_is_not_decided_while_its_images_are_pending(client, db, world: World) -> None:
    ids = await open_lot(client, db, world)  # lot 500: H, n=50; major AQL 2.5 (Ac 3), critical AQL 0 (Ac 0)
    registered = await register(client, world.admin, name="yolo", card=YOLO_CARD, model=constant_output_model(v5_output(), [1, 3, 320, 320]))
    assert registered.status_code == 201, registered.text
    await _activate(client, world, registered.json()["id"])
    await upload(client, world.partner, ids["lot"], [("unit1.png", png(640, 480), "image/png")])

    before = await snapshot(db)
    held = await _final(client, world, ids["lot"])
    assert held.status_code == 409, held.text
    assert held.json()["code"] == "lot_not_ready" and "1 of its images are still being inspected" in held.json()["detail"]
    graphql = await client.post("/graphql", headers=world.partner.headers, json={
        "query": "mutation($id: UUID!) { recordInspection(lotId: $id, input: {defects: []}) { lot { decision } errors { code message } } }",
        "variables": {"id": ids["lot"]}})
    assert graphql.json()["data"]["recordInspection"]["lot"] is None
    assert graphql.json()["data"]["recordInspection"]["errors"][0]["code"] == "LOT_NOT_READY"
    assert await snapshot(db) == before

    await run_jobs(db)
    decided = await _final(client, world, ids["lot"])
    assert decided.status_code == 200, decided.text
    # The image's crack (critical, AQL 0) rejects the lot: its detections were counted.
    assert decided.json()["decision"] == "rejected"
    lot = await _lot(db, ids["lot"])
    assert (lot.critical, lot.major, lot.critical_units, lot.major_units) == (1, 2, 1, 0)
    # A decided lot takes no more images.
    late = await upload(client, world.partner, ids["lot"], [("late.png", png(), "image/png")])
    assert late.status_code == 409 and late.json()["code"] == "lot_decided"


async def test_switching_the_active_model_mid_lot_keeps_every_class(client, db, world: World) -> None:
    ids = await open_lot(client, db, world)
    first = (await register(client, world.admin, version="1")).json()  # Scratch is minor
    second = (await register(client, world.admin, version="2", card={**CARD, "defect_severity": {"Scratch": "major"}})).json()
    await _activate(client, world, first["id"])
    [one] = (await upload(client, world.partner, ids["lot"], [("one.png", png(value=240), "image/png")])).json()
    await run_jobs(db)
    await _activate(client, world, second["id"])
    [two] = (await upload(client, world.partner, ids["lot"], [("two.png", png(value=250), "image/png")])).json()
    await run_jobs(db)

    assert (await _image(client, world, one["id"]))["model_version_id"] == first["id"]
    image_two = await _image(client, world, two["id"])
    assert image_two["model_version_id"] == second["id"] and image_two["error"] is None
    lot = await _lot(db, ids["lot"])
    # Each image counted by its own model's card: one minor scratch, one major scratch.
    assert lot.defects == {"scratch": {"severity": "minor", "count": 1}, "scratch-brightness_2": {"severity": "major", "count": 1}}
    assert (lot.minor, lot.major, lot.minor_units, lot.major_units) == (1, 1, 1, 1)


async def test_a_job_that_keeps_raising_ends_failed_after_its_last_attempt(client, db, world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from capool import jobs

    ids = await open_lot(client, db, world)
    [image] = (await upload(client, world.partner, ids["lot"], [("a.png", png(), "image/png")])).json()

    async def database_unavailable(session, image_id):  # type: ignore[no-untyped-def]
        raise ConnectionError("database unavailable")  # fault injection: the attempt's transaction fails

    monkeypatch.setattr(inspection_service, "run_inspection", database_unavailable)
    jobs.job_database.configure(str(db.url.render_as_string(hide_password=False)))
    try:
        for _ in range(1, inspection_service.MAX_ATTEMPTS):
            with pytest.raises(ConnectionError):
                await inspection_jobs.inspect_image_now(image["id"])  # dramatiq retries these
            assert (await _image(client, world, image["id"]))["status"] == "pending"
        await inspection_jobs.inspect_image_now(image["id"])  # the last attempt ends it
        await inspection_jobs.inspect_image_now(image["id"])  # a redelivery changes nothing
    finally:
        await jobs.job_database.dispose()
    failed = await _image(client, world, image["id"])
    assert failed["status"] == "failed" and failed["error"] == "gave up after 4 attempts: ConnectionError: database unavailable"
    async with create_session_factory(db)() as session:
        assert (await session.get(InspectionImage, uuid.UUID(image["id"]))).attempts == 4
    assert inspection_jobs.inspect_image.options["max_retries"] == inspection_service.MAX_ATTEMPTS - 1


async def test_an_image_whose_last_attempt_never_finished_ends_failed(client, db, world: World) -> None:
    ids = await open_lot(client, db, world)
    [image] = (await upload(client, world.partner, ids["lot"], [("a.png", png(), "image/png")])).json()
    async with create_session_factory(db)() as session:  # a worker died during its fourth attempt
        await session.execute(update(InspectionImage).values(attempts=inspection_service.MAX_ATTEMPTS))
        await session.commit()
    await run_jobs(db)
    failed = await _image(client, world, image["id"])
    assert failed["status"] == "failed" and failed["error"] == "gave up after 4 attempts; the last one did not finish"
    assert (await _final(client, world, ids["lot"])).status_code == 200


async def test_a_lot_takes_no_more_images_than_its_sample(client, db, world: World) -> None:
    ids = await open_lot(client, db, world, lot_size=15)  # B; the major AQL 2.5 points down to C: n=5
    lot = await _lot(db, ids["lot"])
    assert lot.sample_size == 5
    first = await upload(client, world.partner, ids["lot"], [(f"{i}.png", png(), "image/png") for i in range(4)])
    assert first.status_code == 202, first.text
    before = await snapshot(db)
    over = await upload(client, world.partner, ids["lot"], [("5.png", png(), "image/png"), ("6.png", png(), "image/png")])
    assert over.status_code == 422
    assert over.json()["errors"][0]["pointer"] == "/files" and "samples 5 units and has 4 images" in over.json()["errors"][0]["detail"]
    assert await snapshot(db) == before

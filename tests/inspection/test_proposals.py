"""Detections are proposals until an inspector or a validated model says otherwise (issue 16).

A model card states the products, processes and image kinds it was validated on, with its
training data and metrics; a model not validated for the lot's product only proposes: its
detections count once an inspector confirmed them, and the lot is not decided before every
proposal is confirmed or dismissed. The built-in Magnetic-Tile model never counts a defect on
a garment lot by itself. Models are real ONNX graphs run by onnxruntime."""

from __future__ import annotations

import io
import uuid

import numpy as np
from PIL import Image, ImageDraw

from capool.db import create_session_factory
from inspection.models import ReviewState
from quality.models import InspectionLot
from tests.conftest import World
from tests.inspection.conftest import DOMAIN, needs_dataset, open_lot, png, sample_image
from tests.inspection.test_api import CARD, register, run_jobs, upload
from tests.portal.conftest import portal, post_form, sign_in  # noqa: F401  (portal: the portal client fixture)
from tests.tenancy import snapshot

HOODIE_CARD = {**CARD, "validated_on": {**DOMAIN["validated_on"], "products": ["hoodie"]}}


async def _activate(client, world: World, model_id: str, product: str = "tee") -> None:  # type: ignore[no-untyped-def]
    response = await client.post(f"/v1/inspection/models/{model_id}/activations", headers=world.admin.headers,
                                 json={"product": product, "factory_org_id": str(world.partner.org_id)})
    assert response.status_code == 201, response.text


async def _image(client, member, image_id: str) -> dict:  # type: ignore[no-untyped-def]
    response = await client.get(f"/v1/inspection/images/{image_id}", headers=member.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _lot(db, lot_id: str) -> InspectionLot:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        lot = await session.get(InspectionLot, uuid.UUID(lot_id))
        assert lot is not None
        return lot


async def test_a_card_must_state_its_domain_data_and_metrics_and_keep_its_ranges(client, db, world: World) -> None:
    before = await snapshot(db)
    yolo = {"kind": "yolov8", "labels": ["crack"], "conf_threshold": 5, "iou_threshold": -1, "input_size": [0, 320],
            "defect_severity": {"crack": "fatal", "dent": "major"},
            "validated_on": {"products": ["*"], "processes": [], "image_kinds": ["rgb"]},
            "training_data": {"dataset": "", "images": 0}, "metrics": {"test": {"map50": 1.7, "recall": 0.9}}}
    refused = await register(client, world.admin, name="yolo", card=yolo)
    assert refused.status_code == 422 and refused.headers["content-type"].startswith("application/problem+json")
    assert sorted(e["pointer"] for e in refused.json()["errors"]) == [
        "/card/conf_threshold", "/card/defect_severity/crack", "/card/defect_severity/dent", "/card/input_size", "/card/iou_threshold",
        "/card/metrics/test/map50", "/card/training_data/dataset", "/card/training_data/images",
        "/card/validated_on/processes", "/card/validated_on/products",
    ]
    # Without any of the three statements, and with metrics that hold no rate at all.
    bare = {key: value for key, value in CARD.items() if key not in ("validated_on", "training_data")} | {"metrics": {"note": "good"}}
    missing = await register(client, world.admin, card=bare)
    assert missing.status_code == 422
    assert sorted(e["pointer"] for e in missing.json()["errors"]) == ["/card/metrics", "/card/training_data", "/card/validated_on"]
    # A malformed out-of-distribution reference is refused too.
    bad_ood = await register(client, world.admin, card={**CARD, "ood": {"features": ["mean"], "limit": -1}})
    assert sorted(e["pointer"] for e in bad_ood.json()["errors"]) == ["/card/ood/features", "/card/ood/limit", "/card/ood/mean", "/card/ood/precision"]
    assert await snapshot(db) == before


async def test_detections_of_a_model_not_validated_for_the_product_wait_for_the_inspector(client, db, world: World) -> None:
    ids = await open_lot(client, db, world)
    model = (await register(client, world.admin, card=HOODIE_CARD)).json()
    await _activate(client, world, model["id"])
    images = (await upload(client, world.partner, ids["lot"], [
        ("a.png", png(value=240), "image/png"), ("b.png", png(value=245), "image/png"), ("c.png", png(value=250), "image/png"),
        ("dark.png", png(value=20), "image/png")])).json()
    await run_jobs(db)

    a, b, c, dark = [await _image(client, world.partner, i["id"]) for i in images]
    for image in (a, b, c):
        assert image["model_validated"] is False and image["review"] == "proposed" and image["defect_counts"] == {}
        assert [(d["label"], d["review"]) for d in image["detections"]] == [("Scratch", "proposed")]
    assert dark["review"] == "none" and dark["detections"] == [] and dark["model_validated"] is False
    lot = await _lot(db, ids["lot"])
    assert (lot.critical, lot.major, lot.minor, lot.nonconforming) == (0, 0, 0, 0)
    summary = (await client.get(f"/v1/inspection/lots/{ids['lot']}/images", headers=world.partner.headers)).json()
    assert (summary["proposed"], summary["defect_counts"]) == (3, {})

    # The lot waits for the inspector.
    final = await client.post(f"/v1/quality/lots/{ids['lot']}/results", headers=world.partner.headers, json={"defects": [], "final": True})
    assert final.status_code == 409 and final.json()["code"] == "lot_not_ready"
    assert "3 of its images have detections an inspector has not confirmed or dismissed" in final.json()["detail"]

    # The thumbnail is a PNG the factory and the buyer can see.
    thumb = await client.get(f"/v1/inspection/images/{a['id']}/thumbnail", headers=world.brand.headers)
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(thumb.content)).size == (32, 24)

    # Who may review: not the buyer (it reads only), not another factory or alliance; bad decisions are 422.
    before = await snapshot(db)
    body = {"decisions": [{"index": 0, "decision": "confirm"}]}
    assert (await client.post(f"/v1/inspection/images/{a['id']}/review", headers=world.brand_ops.headers, json=body)).status_code == 403
    for member in (world.floating, world.outsider):
        assert (await client.post(f"/v1/inspection/images/{a['id']}/review", headers=member.headers, json=body)).status_code == 404
    out_of_range = await client.post(f"/v1/inspection/images/{a['id']}/review", headers=world.partner.headers, json={"decisions": [{"index": 1, "decision": "confirm"}]})
    assert out_of_range.status_code == 422 and out_of_range.json()["errors"][0]["pointer"] == "/decisions/0/index"
    unknown = await client.post(f"/v1/inspection/images/{a['id']}/review", headers=world.partner.headers, json={"decisions": [{"index": 0, "decision": "maybe"}]})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["pointer"].startswith("/decisions/0/decision")
    nothing = await client.post(f"/v1/inspection/images/{dark['id']}/review", headers=world.partner.headers, json=body)
    assert nothing.status_code == 409 and nothing.json()["code"] == "nothing_to_review"
    assert await snapshot(db) == before

    # Confirm a, dismiss b (REST); confirm c over GraphQL.
    confirmed = await client.post(f"/v1/inspection/images/{a['id']}/review", headers=world.partner.headers, json=body)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["review"] == "reviewed" and confirmed.json()["defect_counts"] == {"Scratch": 1}
    assert confirmed.json()["detections"][0]["reviewed_by"] == str(world.partner.user_id)
    again = await client.post(f"/v1/inspection/images/{a['id']}/review", headers=world.partner.headers, json=body)
    assert again.status_code == 409
    dismissed = await client.post(f"/v1/inspection/images/{b['id']}/review", headers=world.partner.headers, json={"decisions": [{"index": 0, "decision": "dismiss"}]})
    assert dismissed.json()["review"] == "reviewed" and dismissed.json()["defect_counts"] == {}
    mutation = """mutation($id: UUID!, $d: [DetectionDecisionInput!]!) { reviewInspectionDetections(imageId: $id, decisions: $d) {
        image { review detections { review } defectCounts { label count } } errors { code field message } } }"""
    bad = await client.post("/graphql", headers=world.partner.headers, json={"query": mutation, "variables": {"id": c["id"], "d": [{"index": 3, "decision": "confirm"}]}})
    assert bad.json()["data"]["reviewInspectionDetections"]["errors"][0]["field"] == "/decisions/0/index"
    answer = await client.post("/graphql", headers=world.partner.headers, json={"query": mutation, "variables": {"id": c["id"], "d": [{"index": 0, "decision": "confirm"}]}})
    result = answer.json()["data"]["reviewInspectionDetections"]
    assert result["errors"] == [] and result["image"]["review"] == "reviewed" and result["image"]["detections"] == [{"review": "confirmed"}]
    assert result["image"]["defectCounts"] == [{"label": "Scratch", "count": 1}]

    # Only the confirmed detections count (Scratch is minor in the card), each image one unit.
    lot = await _lot(db, ids["lot"])
    assert (lot.critical, lot.major, lot.minor, lot.minor_units) == (0, 0, 2, 2)
    decided = await client.post(f"/v1/quality/lots/{ids['lot']}/results", headers=world.partner.headers, json={"defects": [], "final": True})
    assert decided.status_code == 200, decided.text


async def test_a_validated_model_counts_at_once(client, db, world: World) -> None:
    ids = await open_lot(client, db, world)
    model = (await register(client, world.admin, card={**CARD, "validated_on": {**DOMAIN["validated_on"], "products": ["Hoodie", "TEE"]}})).json()
    await _activate(client, world, model["id"])
    [image] = (await upload(client, world.partner, ids["lot"], [("a.png", png(value=240), "image/png")])).json()
    await run_jobs(db)
    image = await _image(client, world.partner, image["id"])
    assert image["model_validated"] is True and image["review"] == "none" and image["detections"][0]["review"] == "counted"
    assert (await _lot(db, ids["lot"])).minor == 1


def _drawing() -> bytes:
    picture = Image.new("RGB", (400, 300), "white")
    draw = ImageDraw.Draw(picture)
    draw.rectangle((60, 40, 340, 260), outline="black", width=3)
    draw.line((60, 40, 340, 260), fill="black", width=2)
    draw.ellipse((150, 100, 250, 200), outline="black", width=2)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def _encoded(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


async def test_the_builtin_tile_model_never_counts_defects_on_a_garment_lot(client, db, world: World, portal) -> None:  # type: ignore[no-untyped-def]
    """The issue's case: a flat grey image and a line drawing uploaded to a garment ("tee") lot
    were counted as "crack, critical" and the lot was rejected."""
    ids = await open_lot(client, db, world)
    files = [
        ("grey.png", _encoded(np.full((480, 640), 128, np.uint8)), "image/png"),
        ("one-pixel.png", _encoded(np.full((1, 1), 90, np.uint8)), "image/png"),
        ("drawing.png", _drawing(), "image/png"),
        ("textured.png", png(64, 64, 120), "image/png"),
    ]
    uploaded = (await upload(client, world.partner, ids["lot"], files)).json()
    await run_jobs(db)
    grey, pixel, drawing, textured = [await _image(client, world.partner, i["id"]) for i in uploaded]
    assert all(i["status"] == "inspected" and i["model_name"] == "magnetic_tile_v1 (built-in)" and i["model_validated"] is False
               for i in (grey, pixel, drawing, textured))
    assert grey["ood_reason"].startswith("uniform:") and pixel["ood_reason"].startswith("too small: 1x1")
    assert drawing["ood_reason"].startswith("unlike the training images:")
    for flagged in (grey, pixel, drawing):
        assert flagged["defect_counts"] == {} and flagged["review"] == "none" and all(d["review"] == "flagged" for d in flagged["detections"])
    # Whatever the tile model thinks of the textured image, it is at most a proposal.
    assert textured["defect_counts"] == {} and textured["review"] in ("none", "proposed")
    assert all(d["review"] == "proposed" for d in textured["detections"])
    lot = await _lot(db, ids["lot"])
    assert (lot.critical, lot.major, lot.minor, lot.nonconforming, lot.defects) == (0, 0, 0, 0, {})

    # The portal shows the thumbnails, why an image does not count, and the review form.
    await sign_in(portal, db, world.partner)
    page_path = f"/portal/supplier/lots/{ids['lot']}"
    page = (await portal.get(page_path)).text
    for image in (grey, pixel, drawing, textured):
        assert f'src="/portal/supplier/images/{image["id"]}/thumbnail"' in page
    assert "Not counted (unlike the model&#39;s training images):" in page or "Not counted (unlike the model's training images):" in page
    assert "model not validated for tee: detections are proposals" in page
    thumb = await portal.get(f"/portal/supplier/images/{drawing['id']}/thumbnail")
    assert thumb.status_code == 200 and Image.open(io.BytesIO(thumb.content)).size == (360, 270)
    if textured["review"] == "proposed":
        assert f'action="/portal/supplier/images/{textured["id"]}/review"' in page
        answer = await post_form(portal, page_path, f"/portal/supplier/images/{textured['id']}/review",
                                 {f"decision_{i}": "dismiss" for i in range(len(textured["detections"]))})
        assert answer.status_code == 303, answer.text
        assert (await _image(client, world.partner, textured["id"]))["review"] == ReviewState.REVIEWED.value
    decided = await client.post(f"/v1/quality/lots/{ids['lot']}/results", headers=world.partner.headers, json={"defects": [], "final": True})
    assert decided.status_code == 200 and decided.json()["decision"] == "accepted"


@needs_dataset
async def test_a_real_tile_photo_on_a_garment_lot_is_only_proposed(client, db, world: World) -> None:
    ids = await open_lot(client, db, world)
    crack = sample_image("data/mt/MT_Crack/Imgs/exp1_num_249594.jpg")
    [image] = (await upload(client, world.partner, ids["lot"], [("crack.jpg", crack, "image/jpeg")])).json()
    await run_jobs(db)
    image = await _image(client, world.partner, image["id"])
    # Not out of distribution (it is a tile), detected as Crack, but the model is not validated for tees.
    assert image["ood_reason"] is None and image["defective"] is True
    assert [(d["label"], d["review"]) for d in image["detections"]] == [("Crack", "proposed")] and image["review"] == "proposed"
    assert (await _lot(db, ids["lot"])).critical == 0
    confirmed = await client.post(f"/v1/inspection/images/{image['id']}/review", headers=world.partner.headers,
                                  json={"decisions": [{"index": 0, "decision": "confirm"}]})
    assert confirmed.status_code == 200
    lot = await _lot(db, ids["lot"])
    assert (lot.critical, lot.critical_units, lot.defects) == (1, 1, {"crack": {"severity": "critical", "count": 1}})


def test_no_demo_product_is_validated_for_the_builtin_tile_model() -> None:
    from capool.demo import PRODUCTS
    from inspection import service, store

    card = store.builtin_card()
    assert PRODUCTS and not any(service.validated_for(card, product) for product in PRODUCTS.values())
    assert service.validated_for(card, "Magnetic_Tile") and service.validated_for(card, " magnetic-tile ")

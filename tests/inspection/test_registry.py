"""The model registry (issue 16): the active version per factory and product, the history of
activations with who made them, rollback, deactivation back to the built-in model, and the
alliance admin's activations visible to the factory. REST and GraphQL, with tenancy."""

from __future__ import annotations

from tests.conftest import World
from tests.inspection.conftest import open_lot, png
from tests.inspection.test_api import CARD, register, run_jobs, upload
from tests.tenancy import snapshot


async def _activations(client, member, factory=None):  # type: ignore[no-untyped-def]
    params = {"factory_org_id": str(factory)} if factory else {}
    response = await client.get("/v1/inspection/activations", headers=member.headers, params=params)
    assert response.status_code == 200, response.text
    return [(a["product"], a["model_name"], a["builtin"]) for a in response.json()]


async def test_activate_roll_back_and_deactivate_with_history(client, db, world: World) -> None:
    v1 = (await register(client, world.admin, version="1")).json()
    v2 = (await register(client, world.admin, version="2")).json()
    partner = str(world.partner.org_id)
    # Nothing active: the built-in model inspects everything.
    assert await _activations(client, world.partner) == [("(built-in)", "magnetic_tile_v1 (built-in)", True)]

    # The alliance admin activates v1 then v2 for the partner factory's tees.
    for model in (v1, v2):
        answer = await client.post(f"/v1/inspection/models/{model['id']}/activations", headers=world.admin.headers,
                                   json={"product": "tee", "factory_org_id": partner})
        assert answer.status_code == 201, answer.text
    # The factory sees the alliance admin's activation and may read the card of the version that judges it.
    assert await _activations(client, world.partner) == [("tee", "brightness:2", False), ("(built-in)", "magnetic_tile_v1 (built-in)", True)]
    card = await client.get(f"/v1/inspection/models/{v2['id']}", headers=world.partner.headers)
    assert card.status_code == 200 and card.json()["card"]["validated_on"] == CARD["validated_on"]
    assert await _activations(client, world.admin, world.partner.org_id) == await _activations(client, world.partner)
    # Another factory of the alliance does not see it, and cannot read the card.
    assert await _activations(client, world.floating) == [("(built-in)", "magnetic_tile_v1 (built-in)", True)]
    assert (await client.get(f"/v1/inspection/models/{v2['id']}", headers=world.floating.headers)).status_code == 404

    # Rollback: back to v1 (what was active before the last change), then to the built-in model.
    rolled = await client.post("/v1/inspection/activations/rollback", headers=world.admin.headers, json={"product": "tee", "factory_org_id": partner})
    assert rolled.status_code == 200 and rolled.json()["model_version_id"] == v1["id"]
    assert await _activations(client, world.partner) == [("tee", "brightness:1", False), ("(built-in)", "magnetic_tile_v1 (built-in)", True)]
    # The factory's own admin? The partner's key is a factory operator without models:admin.
    assert (await client.post("/v1/inspection/activations/rollback", headers=world.partner.headers, json={"product": "tee"})).status_code == 403

    # Images inspected now are scored by v1.
    ids = await open_lot(client, db, world)
    [image] = (await upload(client, world.partner, ids["lot"], [("a.png", png(value=240), "image/png")])).json()
    await run_jobs(db)
    assert (await client.get(f"/v1/inspection/images/{image['id']}", headers=world.partner.headers)).json()["model_name"] == "brightness:1"

    # Deactivate: the built-in model inspects the factory's tees again.
    gone = await client.post("/v1/inspection/activations/deactivate", headers=world.admin.headers, json={"product": "tee", "factory_org_id": partner})
    assert gone.status_code == 200 and gone.json()["model_version_id"] is None
    assert await _activations(client, world.partner) == [("(built-in)", "magnetic_tile_v1 (built-in)", True)]
    again = await client.post("/v1/inspection/activations/deactivate", headers=world.admin.headers, json={"product": "tee", "factory_org_id": partner})
    assert again.status_code == 404

    history = (await client.get("/v1/inspection/activations/history", headers=world.partner.headers, params={"product": "tee"})).json()
    assert [(h["action"], h["model_version_id"], h["previous_version_id"]) for h in history] == [
        ("deactivated", None, v1["id"]), ("rolled_back", v1["id"], v2["id"]), ("activated", v2["id"], v1["id"]), ("activated", v1["id"], None)]
    assert {h["by_org_id"] for h in history} == {str(world.admin.org_id)} and {h["by_user_id"] for h in history} == {str(world.admin.user_id)}
    # After the deactivation the rollback restores v1 (the version before the last change).
    restored = await client.post("/v1/inspection/activations/rollback", headers=world.admin.headers, json={"product": "tee", "factory_org_id": partner})
    assert restored.json()["model_version_id"] == v1["id"]
    # A product never activated has nothing to roll back.
    nothing = await client.post("/v1/inspection/activations/rollback", headers=world.admin.headers, json={"product": "hoodie", "factory_org_id": partner})
    assert nothing.status_code == 409 and nothing.json()["code"] == "nothing_to_roll_back"

    # GraphQL answers the same.
    query = """query($f: UUID) { inspectionActivations(factoryOrgId: $f) { product modelName builtin }
        inspectionActivationHistory(factoryOrgId: $f, product: "tee", first: 2) { action modelVersionId } }"""
    data = (await client.post("/graphql", headers=world.admin.headers, json={"query": query, "variables": {"f": partner}})).json()["data"]
    assert data["inspectionActivations"][0] == {"product": "tee", "modelName": "brightness:1", "builtin": False}
    assert data["inspectionActivationHistory"] == [{"action": "rolled_back", "modelVersionId": v1["id"]}, {"action": "deactivated", "modelVersionId": None}]
    mutation = "mutation($f: UUID) { deactivateInspectionModel(product: \"tee\", factoryOrgId: $f) { modelVersionId errors { code } } }"
    answer = (await client.post("/graphql", headers=world.admin.headers, json={"query": mutation, "variables": {"f": partner}})).json()
    assert answer["data"]["deactivateInspectionModel"] == {"modelVersionId": None, "errors": []}
    rollback = "mutation($f: UUID) { rollbackInspectionModel(product: \"tee\", factoryOrgId: $f) { modelVersionId errors { code } } }"
    answer = (await client.post("/graphql", headers=world.admin.headers, json={"query": rollback, "variables": {"f": partner}})).json()
    assert answer["data"]["rollbackInspectionModel"] == {"modelVersionId": v1["id"], "errors": []}


async def test_registry_tenancy(client, db, world: World) -> None:
    model = (await register(client, world.admin)).json()
    partner = str(world.partner.org_id)
    await client.post(f"/v1/inspection/models/{model['id']}/activations", headers=world.admin.headers, json={"product": "tee", "factory_org_id": partner})
    before = await snapshot(db)
    # Another alliance's admin can neither read nor change the partner's activations, nor name its own factory's model here.
    for path in ("/v1/inspection/activations", "/v1/inspection/activations/history"):
        assert (await client.get(path, headers=world.outsider.headers, params={"factory_org_id": partner})).status_code == 404
        # A factory may not read another factory's registry, even of its own alliance.
        assert (await client.get(path, headers=world.floating.headers, params={"factory_org_id": partner})).status_code == 404
    for action in ("rollback", "deactivate"):
        answer = await client.post(f"/v1/inspection/activations/{action}", headers=world.outsider.headers, json={"product": "tee", "factory_org_id": partner})
        assert answer.status_code == 404
    graphql = await client.post("/graphql", headers=world.outsider.headers, json={
        "query": "query($f: UUID) { inspectionActivations(factoryOrgId: $f) { product } }", "variables": {"f": partner}})
    assert "NOT_FOUND" in graphql.text
    assert (await client.get("/v1/inspection/activations/history", headers=world.outsider.headers)).json() == []
    assert await snapshot(db) == before

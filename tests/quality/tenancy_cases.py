"""Cross-tenant cases for the quality routes and GraphQL fields (see tests/tenancy.py).

The victim is the brand: its own workshop (brand_ops) inspects lots of the brand's order,
so the brand is both the lots' factory and their buyer."""

from __future__ import annotations

from tests.tenancy import Case, Ctx, GraphQLCase, Request

FACTORIES = ("floating", "outsider")
EVERYONE = ("other_buyer", "floating", "outsider")


async def seed(ctx: Ctx) -> None:
    client, ops = ctx.client, ctx.world.brand_ops
    lots = []
    for _ in range(2):
        response = await client.post("/v1/quality/lots", headers=ops.headers, json={"allocation_id": ctx.ids["allocation"], "quantity": 20})
        assert response.status_code == 201, response.text
        lots.append(response.json()["id"])
    decided = await client.post(f"/v1/quality/lots/{lots[0]}/results", headers=ops.headers,
                                json={"defects": [{"defect_class": "misprint", "severity": "major", "count": 1}]})
    assert decided.status_code == 200, decided.text
    ctx.ids.update({"lot": lots[0], "open_lot": lots[1]})


_RESULTS = {"defects": [{"defect_class": "sabotage", "severity": "critical", "count": 9}]}

CASES: dict[tuple[str, str], Case] = {
    ("GET", "/v1/quality/plan"): Case("own", EVERYONE, lambda c: Request("/v1/quality/plan", params={"lot_size": 1200, "aql": 1.0})),
    ("POST", "/v1/quality/lots"): Case("404", FACTORIES, lambda c: Request("/v1/quality/lots", {"allocation_id": c.ids["allocation"], "quantity": 100})),
    ("GET", "/v1/quality/lots/{lot_id:uuid}"): Case("404", EVERYONE, lambda c: Request(f"/v1/quality/lots/{c.ids['lot']}")),
    ("POST", "/v1/quality/lots/{lot_id:uuid}/results"): Case("404", FACTORIES, lambda c: Request(f"/v1/quality/lots/{c.ids['open_lot']}/results", _RESULTS)),
    ("GET", "/v1/quality/switching"): Case("404", EVERYONE, lambda c: Request("/v1/quality/switching", params={"product": "tee", "factory": c.ids["org"]})),
    # Only alliance admins hold alliance:admin and the test world has none in another alliance: the
    # walker checks the refused key; tests/quality/test_switching.py checks another alliance's office (404).
    ("POST", "/v1/quality/switching/resume"): Case("404", (), lambda c: Request("/v1/quality/switching/resume", {
        "factory_org_id": c.ids["org"], "product": "tee", "note": "corrected"})),
    ("GET", "/v1/quality/scores"): Case("absent", EVERYONE, lambda c: Request("/v1/quality/scores")),
    ("GET", "/v1/quality/spc"): Case("absent", EVERYONE, lambda c: Request("/v1/quality/spc", params={"process": "screen_printing", "factory": c.ids["org"]})),
}

_RECORD = """mutation($id: UUID!, $input: InspectionInput!) { recordInspection(lotId: $id, input: $input) {
    lot { id decision } errors { code field } } }"""

GRAPHQL_CASES: dict[str, GraphQLCase] = {
    "Query.qualityPlan": GraphQLCase("own", EVERYONE, lambda c: ("{ qualityPlan(lotSize: 1200, aql: 1.0) { codeLetter ac re } }", {})),
    "Query.qualityLot": GraphQLCase("404", EVERYONE, lambda c: ("query($id: UUID!) { qualityLot(id: $id) { id decision } }", {"id": c.ids["lot"]})),
    "Query.supplierScores": GraphQLCase("absent", EVERYONE, lambda c: ("{ supplierScores { orgId process score } }", {})),
    "Query.qualitySwitching": GraphQLCase("404", EVERYONE, lambda c: (
        "query($f: UUID!) { qualitySwitching(product: \"tee\", factoryOrgId: $f) { severity } }", {"f": c.ids["org"]})),
    "Mutation.resumeInspection": GraphQLCase("404", (), lambda c: (
        "mutation($i: ResumeInspectionInput!) { resumeInspection(input: $i) { switching { severity } errors { code } } }",
        {"i": {"factoryOrgId": c.ids["org"], "product": "tee", "note": "corrected"}})),
    "Mutation.openInspectionLot": GraphQLCase("404", FACTORIES, lambda c: (
        "mutation($i: OpenLotInput!) { openInspectionLot(input: $i) { lot { id } errors { code } } }",
        {"i": {"allocationId": c.ids["allocation"], "quantity": 5}})),
    "Mutation.recordInspection": GraphQLCase("404", FACTORIES, lambda c: (_RECORD, {"id": c.ids["open_lot"], "input": {
        "defects": [{"defectClass": "sabotage", "severity": "critical", "count": 9}]}})),
}

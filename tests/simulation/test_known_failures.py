"""What the whole-market simulation found broken, reduced to the smallest case. Marked
xfail(strict=True): each documents a known failure, and turns into an error the day it is
fixed, so that the mark is removed and the simulation's check holds from then on."""

from __future__ import annotations

import pytest

from tests.conftest import World, place, publish


@pytest.mark.xfail(strict=True, reason=(
    "a matching run places part of a split order when capacity is short (2,000 of 3,000), but applying the run "
    "answers 422 'needs 3000 more units; the plan gives 2000': the whole run, with every other order in it, cannot "
    "be applied (`capool simulate --utilisation 1.6` reports it as api violations on POST /v1/matching/runs/{id}/apply)"))
async def test_a_run_that_places_part_of_a_split_order_can_be_applied(client, world: World) -> None:
    await publish(client, world.floating, per_day=200, days=10, price=100)
    split = await place(client, world.brand, quantity=3000, split_allowed=True)
    run = await client.post("/v1/matching/runs", headers=world.brand.headers, json={"time_limit_s": 2})
    assert run.status_code == 201, run.text
    # All the 2,000 units there are go to the split order: a part of it.
    assert [(p["order_id"], p["quantity"]) for p in run.json()["plan"]] == [(split["id"], 2000)]
    applied = await client.post(f"/v1/matching/runs/{run.json()['id']}/apply", headers=world.brand.headers)
    assert applied.status_code == 200, applied.text

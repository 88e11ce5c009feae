"""Idempotent replay comes after authentication and only to the API key that made the request.

An attacker who copies a key's public prefix (or holds a revoked key) must not get the stored
response, nor tell used Idempotency-Keys from unused ones."""

from __future__ import annotations

from sqlalchemy import func, select

from capool.clock import utcnow
from capool.db import create_session_factory
from capool.tenancy import service as members
from capool.tenancy.models import ApiKey
from marketplace.models import Order
from tests.conftest import Member, World, future

DUE_AT = future(10)  # one value, so that a repeated request has the same body


def _order(reference: str) -> dict:
    return {"reference": reference, "product": "tee", "process": "screen_printing", "quantity": 100, "due_at": DUE_AT, "currency": "CNY"}


async def _count_orders(db) -> int:  # type: ignore[no-untyped-def]
    async with create_session_factory(db)() as session:
        return (await session.execute(select(func.count()).select_from(Order))).scalar_one()


def _forged(member: Member) -> dict[str, str]:
    """The member's key prefix, which listings show, with a secret the attacker made up."""
    prefix = member.token.split("_", 2)[1]
    return {"Authorization": f"Bearer cpk_{prefix}_{'x' * 43}"}


async def _place(client, member: Member, key: str, reference: str) -> dict:  # type: ignore[no-untyped-def]
    first = await client.post("/v1/orders", json=_order(reference), headers=member.headers | {"Idempotency-Key": key})
    assert first.status_code == 201, first.text
    return first.json()


def _assert_not_replayed(response, order: dict) -> None:  # type: ignore[no-untyped-def]
    assert "idempotent-replayed" not in response.headers
    assert order["id"] not in response.text


async def test_a_wrong_secret_gets_401_and_no_replay(client, db, world: World) -> None:
    order = await _place(client, world.brand, "po-1", "PO-AUTH-1")
    response = await client.post("/v1/orders", json=_order("PO-AUTH-1"), headers=_forged(world.brand) | {"Idempotency-Key": "po-1"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "unauthenticated"
    _assert_not_replayed(response, order)
    assert await _count_orders(db) == 1


async def test_a_revoked_key_gets_401_and_no_replay(client, db, world: World) -> None:
    order = await _place(client, world.brand, "po-2", "PO-AUTH-2")
    async with create_session_factory(db)() as session:
        key = await session.get(ApiKey, world.brand.actor.api_key_id)
        assert key is not None
        key.revoked_at = utcnow()  # as an org admin's revoke does
        await session.commit()
    response = await client.post("/v1/orders", json=_order("PO-AUTH-2"), headers=world.brand.headers | {"Idempotency-Key": "po-2"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "unauthenticated"
    _assert_not_replayed(response, order)
    assert await _count_orders(db) == 1


async def test_another_key_of_the_same_user_gets_no_replay(client, db, world: World) -> None:
    order = await _place(client, world.brand, "po-3", "PO-AUTH-3")
    async with create_session_factory(db)() as session:
        issued = await members.issue_api_key(session, world.brand.user_id, "second key")
        await session.commit()
    response = await client.post("/v1/orders", json=_order("PO-AUTH-3B"),
                                 headers={"Authorization": f"Bearer {issued.token}", "Idempotency-Key": "po-3"})
    # The same key name under another credential is a new request, not the first one's answer
    # (nor a 422 "key reused", which would tell the attacker the key was used).
    assert response.status_code == 201, response.text
    _assert_not_replayed(response, order)
    assert response.json()["reference"] == "PO-AUTH-3B"
    assert await _count_orders(db) == 2


async def test_used_and_unused_keys_answer_a_forged_secret_identically(client, db, world: World) -> None:
    await _place(client, world.brand, "po-4", "PO-AUTH-4")
    used = await client.post("/v1/orders", json=_order("PO-AUTH-4"), headers=_forged(world.brand) | {"Idempotency-Key": "po-4"})
    unused = await client.post("/v1/orders", json=_order("PO-AUTH-4"), headers=_forged(world.other_buyer) | {"Idempotency-Key": "po-4"})
    never = await client.post("/v1/orders", json=_order("PO-AUTH-4"), headers=_forged(world.brand) | {"Idempotency-Key": "never-used"})
    assert used.status_code == unused.status_code == never.status_code == 401
    assert used.content == unused.content == never.content
    assert used.headers["content-type"] == unused.headers["content-type"] == never.headers["content-type"] == "application/problem+json"
    assert await _count_orders(db) == 1


async def test_the_owner_still_gets_the_replay(client, db, world: World) -> None:
    order = await _place(client, world.brand, "po-5", "PO-AUTH-5")
    again = await client.post("/v1/orders", json=_order("PO-AUTH-5"), headers=world.brand.headers | {"Idempotency-Key": "po-5"})
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == order
    assert await _count_orders(db) == 1

"""Integrations benchmark: CSV / Excel import and export of orders through the services, and
webhook delivery (sign + guarded POST + log) to a local receiver.

    .venv/bin/python bench/integrations/run.py [--rows 2000] [--deliveries 300]

Uses a fresh SQLite file under /tmp (migrated); prints one line per figure."""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select


async def main(rows: int, deliveries: int) -> None:
    from capool import jobs, wiring  # noqa: F401
    from capool.db import create_engine, create_session_factory, discard_after_commit
    from capool.events import OutboxEvent, record
    from capool.migrate import upgrade
    from capool.tenancy import service as members
    from capool.tenancy.models import OrgKind, Role
    from marketplace.integrations import exchange, webhooks
    from marketplace.integrations.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
    from tests.integrations.receiver import Receiver

    path = Path(tempfile.mkdtemp()) / "bench.db"
    url = f"sqlite+aiosqlite:///{path}"
    await asyncio.to_thread(upgrade, url)
    engine = create_engine(url)
    jobs.job_database.configure(url)
    sessions = create_session_factory(engine)
    async with sessions() as session:
        alliance = await members.create_alliance(session, "Bench")
        org = await members.create_organisation(session, alliance.id, "Brand", OrgKind.BOTH, "guangzhou")
        user = await members.create_user(session, org.id, "bench@brand.test", "Bench", Role.BUYER)
        token = (await members.issue_api_key(session, user.id, "bench")).token
        await session.commit()

    due = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["reference", "product", "process", "quantity", "due_at", "currency", "operations"])
    for i in range(rows):
        writer.writerow([f"PO-{i:06d}", "tee", "screen_printing", 100 + i % 50, due, "CNY", "cutting;screen_printing"])
    content = buffer.getvalue().encode()

    async with sessions() as session:
        actor = await members.authenticate(session, token)
        started = time.perf_counter()
        ids = await exchange.import_file(session, actor, "orders", content, "csv")
        await session.commit()
        elapsed = time.perf_counter() - started
    print(f"csv import: {len(ids)} orders in {elapsed:.2f} s ({len(ids) / elapsed:.0f} rows/s, one transaction)")

    bad = content + b"PO-BAD,tee,screen_printing,-1," + due.encode() + b",CNY,\n"
    async with sessions() as session:
        actor = await members.authenticate(session, token)
        started = time.perf_counter()
        try:
            await exchange.import_file(session, actor, "orders", bad.replace(b"PO-", b"PX-"), "csv")
        except Exception as exc:  # noqa: BLE001
            rejected = len(getattr(exc, "errors", []))
        await session.rollback()
        elapsed = time.perf_counter() - started
    print(f"csv import with 1 bad row of {rows + 1}: rejected whole in {elapsed:.2f} s ({rejected} row error)")

    async with sessions() as session:
        actor = await members.authenticate(session, token)
        started = time.perf_counter()
        columns, table = await exchange.export_rows(session, actor, "orders")
        csv_bytes = exchange.to_csv(columns, table)
        csv_s = time.perf_counter() - started
        started = time.perf_counter()
        xlsx_bytes = exchange.to_xlsx(columns, table)
        xlsx_s = time.perf_counter() - started
        started = time.perf_counter()
        parsed = exchange.read_table(xlsx_bytes, "xlsx")
        read_s = time.perf_counter() - started
    print(f"export {len(table)} orders: csv {csv_s:.2f} s ({len(csv_bytes) // 1024} KiB), xlsx write {xlsx_s:.2f} s "
          f"({len(xlsx_bytes) // 1024} KiB), xlsx read {read_s:.2f} s ({len(parsed)} rows)")

    with Receiver() as receiver:
        async with sessions() as session:
            endpoint = WebhookEndpoint(organisation_id=org.id, url=receiver.base + "/hook", event_types=["order.submitted"],
                                       secret="whsec_bench", allow_private=True)
            session.add(endpoint)
            await session.flush()
            receiver.secrets["/hook"] = endpoint.secret
            for i in range(deliveries):
                record(session, alliance_id=alliance.id, organisation_id=org.id, type="order.submitted", aggregate_type="order",
                       aggregate_id=uuid.uuid4(), payload={"order_id": str(uuid.uuid4()), "n": i})
            await session.flush()
            events = list((await session.execute(select(OutboxEvent).where(OutboxEvent.type == "order.submitted"))).scalars())
            started = time.perf_counter()
            for event in events:
                await webhooks.fan_out(session, event)
            discard_after_commit(session)  # sent below, not by the broker
            await session.commit()
            fan_s = time.perf_counter() - started
            ids = list((await session.execute(select(WebhookDelivery.id))).scalars())
        print(f"fan-out: {len(events)} events -> {len(ids)} stored deliveries in {fan_s:.2f} s")
        started = time.perf_counter()
        for delivery_id in ids:
            await webhooks.attempt(delivery_id)
        sequential = time.perf_counter() - started
        async with sessions() as session:
            done = len(list((await session.execute(select(WebhookDelivery.id).where(WebhookDelivery.status == DeliveryStatus.DELIVERED))).scalars()))
        print(f"webhook delivery (sign, guarded POST, log; sequential): {done}/{len(ids)} in {sequential:.2f} s "
              f"({len(ids) / sequential:.0f}/s, {1000 * sequential / len(ids):.1f} ms each); receiver verified {len(receiver.accepted)}, "
              f"bad signatures {receiver.bad_signatures}")
    await jobs.job_database.dispose()
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--deliveries", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(main(args.rows, args.deliveries))

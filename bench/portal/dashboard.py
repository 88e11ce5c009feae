"""The alliance admin dashboard (GET /portal/admin) timed on a demo database, beside a bare
page render (GET /portal/, the same sign-in, session check and base template with no
figures), with the SQL statements each request sends.

    DATABASE_URL=sqlite+aiosqlite:////tmp/demo.db .venv/bin/capool migrate
    DATABASE_URL=sqlite+aiosqlite:////tmp/demo.db .venv/bin/capool demo
    DATABASE_URL=sqlite+aiosqlite:////tmp/demo.db .venv/bin/capool forecasts-refresh
    DATABASE_URL=sqlite+aiosqlite:////tmp/demo.db .venv/bin/python -m bench.portal.dashboard --repeat 7

The app is the real one (api/app.py) on the database's engine, driven in process through
httpx's ASGI transport, signed in as the demo alliance admin. Pass --profile to print the
slowest functions of one dashboard request (cProfile, cumulative time). The secrets come from
the environment (or var/secrets.json on SQLite), as for every capool command; signing in
writes one portal session row, nothing else is changed.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import platform
import pstats
import re
import statistics
import sys
import time
from datetime import UTC, datetime

import httpx
from sqlalchemy import event

ADMIN_EMAIL = "admin@alliance.example"
CSRF = re.compile(r'name="_csrf" value="([^"]+)"')


async def timed(client: httpx.AsyncClient, path: str, repeat: int, statements: list[int]) -> tuple[list[float], int]:
    """Wall times of `repeat` GETs of `path` (after one warm-up) and the statements of the last one."""
    warm = await client.get(path)
    if warm.status_code != 200:
        raise SystemExit(f"GET {path}: {warm.status_code} {warm.text[:300]}")
    times = []
    for _ in range(repeat):
        statements[0] = 0
        started = time.perf_counter()
        response = await client.get(path)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text[:300]
    return times, statements[0]


async def run(url: str, repeat: int, profile: bool, password: str) -> None:
    from api.app import create_app
    from capool.db import create_engine

    engine = create_engine(url)
    statements = [0]

    def count(*_args: object) -> None:
        statements[0] += 1

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    app = create_app(engine=engine, run_worker=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://capool.bench", headers={"Accept-Language": "en"}) as client:
        page = await client.get("/portal/login")
        match = CSRF.search(page.text)
        assert match, "no CSRF token on the sign-in page"
        signed = await client.post("/portal/login", data={"_csrf": match.group(1), "email": ADMIN_EMAIL, "password": password, "next": "/portal/"})
        if signed.status_code != 303:
            raise SystemExit(f"sign-in as {ADMIN_EMAIL} failed ({signed.status_code}): is this a `capool demo` database?")
        bare, bare_sql = await timed(client, "/portal/", repeat, statements)
        dash, dash_sql = await timed(client, "/portal/admin", repeat, statements)
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            await client.get("/portal/admin")
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(r"(forecasting|marketplace|api/portal|capool)/", 40)
    await engine.dispose()

    def ms(values: list[float]) -> str:
        return f"median {statistics.median(values) * 1000:.0f} ms (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})"

    backend = url.split(":", 1)[0]
    print(f"machine: {platform.machine()} {platform.processor() or ''} {os.cpu_count()} CPUs, Python {platform.python_version()}, {backend}")
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {repeat} requests each after one warm-up")
    print(f"GET /portal/admin (dashboard): {ms(dash)}, {dash_sql} SQL statements")
    print(f"GET /portal/       (bare page): {ms(bare)}, {bare_sql} SQL statements")
    print(f"| dashboard | {statistics.median(dash) * 1000:.0f} ms | {dash_sql} | bare page | {statistics.median(bare) * 1000:.0f} ms | {bare_sql} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"), help="the demo database (default: $DATABASE_URL)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of one dashboard request")
    parser.add_argument("--password", default="capool-demo", help="the demo admin's password")
    args = parser.parse_args()
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL to a `capool demo` database")
    asyncio.run(run(args.database_url, args.repeat, args.profile, args.password))


if __name__ == "__main__":
    main()

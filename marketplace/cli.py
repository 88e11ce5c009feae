"""`capool orders` and `capool offers`: list and show, as the key's organisation sees them,
through the same services as GET /v1/orders and /v1/offers. --json prints exactly what
the API answers (a page {items, next_cursor}, or one object). capool.cli loads this module
lazily, so only click and the light capool.clitools are imported at module level."""

from __future__ import annotations

import json
import uuid
from typing import Any

import click

from capool.clitools import JSON, in_transaction

API_KEY = click.option("--api-key", envvar="CAPOOL_API_KEY", required=True, help="The organisation's API key (or CAPOOL_API_KEY).")
PAGE = [
    click.option("--limit", type=click.IntRange(1, 200), default=50, show_default=True, help="items per page"),
    click.option("--cursor", default=None, help="the next_cursor of the page before"),
]


def _page_options(command):
    for option in reversed(PAGE):
        command = option(command)
    return command


def _as_actor(api_key: str, work):
    from capool.tenancy.service import authenticate

    async def run(session):
        return await work(session, await authenticate(session, api_key))

    return in_transaction(run)


def _builtins(value: Any) -> Any:
    import msgspec

    return msgspec.to_builtins(value)


def _table(rows: list[dict[str, Any]], columns: tuple[str, ...], next_cursor: str | None) -> None:
    widths = {c: max([len(c), *(len(str(r.get(c, ""))) for r in rows)]) for c in columns}
    click.echo("  ".join(c.ljust(widths[c]) for c in columns))
    for row in rows:
        click.echo("  ".join(str(row.get(c, "")).ljust(widths[c]) for c in columns))
    if next_cursor:
        click.echo(f"more: --cursor {next_cursor}", err=True)


@click.group("orders", help="Orders the key's organisation may read (GET /v1/orders).")
def orders_group() -> None:
    pass


@orders_group.command("list")
@API_KEY
@click.option("--status", default=None, help="only orders in this status (draft, open, allocated, ...)")
@click.option("--process", default=None, help="only orders of this process")
@_page_options
@JSON
def list_orders(api_key: str, status: str | None, process: str | None, limit: int, cursor: str | None, as_json: bool) -> None:
    """One page of orders in id (creation) order; --json: the API's page {items, next_cursor}."""
    from api.rest.schemas import OrderOut, page_out
    from marketplace import orders

    async def work(session, actor):
        return page_out(OrderOut, await orders.list_orders(session, actor, status=status, process=process, cursor=cursor, limit=limit))

    page = _builtins(_as_actor(api_key, work))
    if as_json:
        click.echo(json.dumps(page, indent=2))
    else:
        _table(page["items"], ("id", "reference", "process", "quantity", "status", "due_at"), page["next_cursor"])


@orders_group.command("show")
@click.argument("order_id", type=click.UUID)
@API_KEY
@JSON
def show_order(order_id: uuid.UUID, api_key: str, as_json: bool) -> None:
    """One order; --json: the API's object (GET /v1/orders/ID)."""
    from api.rest.schemas import OrderOut, out
    from marketplace import orders

    async def work(session, actor):
        return out(OrderOut, await orders.get_order(session, actor, order_id))

    order = _builtins(_as_actor(api_key, work))
    if as_json:
        click.echo(json.dumps(order, indent=2))
    else:
        for key, value in order.items():
            click.echo(f"{key:>22}  {value}")


@click.group("offers", help="Capacity offers the key's organisation may read (GET /v1/offers).")
def offers_group() -> None:
    pass


@offers_group.command("list")
@API_KEY
@click.option("--process", default=None, help="only offers of this process")
@click.option("--status", type=click.Choice(["active", "withdrawn"]), default=None)
@_page_options
@JSON
def list_offers(api_key: str, process: str | None, status: str | None, limit: int, cursor: str | None, as_json: bool) -> None:
    """One page of offers; --json: the API's page {items, next_cursor}."""
    from api.rest.schemas import OfferOut, page_out
    from marketplace import capacity
    from marketplace.models import OfferStatus

    async def work(session, actor):
        return page_out(OfferOut, await capacity.list_offers(session, actor, process=process, status=OfferStatus(status) if status else None,
                                                             cursor=cursor, limit=limit))

    page = _builtins(_as_actor(api_key, work))
    if as_json:
        click.echo(json.dumps(page, indent=2))
    else:
        _table(page["items"], ("id", "process", "window_start", "window_end", "capacity_per_day", "unit_price_minor", "currency", "status"), page["next_cursor"])


@offers_group.command("show")
@click.argument("offer_id", type=click.UUID)
@API_KEY
@JSON
def show_offer(offer_id: uuid.UUID, api_key: str, as_json: bool) -> None:
    """One offer; --json: the API's object (GET /v1/offers/ID)."""
    from api.rest.schemas import OfferOut, out
    from marketplace import capacity

    async def work(session, actor):
        return out(OfferOut, await capacity.get_offer(session, actor, offer_id))

    offer = _builtins(_as_actor(api_key, work))
    if as_json:
        click.echo(json.dumps(offer, indent=2))
    else:
        for key, value in offer.items():
            click.echo(f"{key:>22}  {value}")

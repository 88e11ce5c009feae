"""The permission each portal page or action needs, declared on its handler and checked here:

    @post("/buyer/orders", name="portal:buyer-order-place", **requires(Permission.ORDERS_WRITE))

The guard signs the person in (LoginRequired sends them to the login page) and checks the
permission against their actor (403 page), with the same rule as the API's guard
(api.authz.check). tests/api/test_tenancy.py fails on a portal route without a declaration.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler

from api.authz import PERMISSION_OPT, PUBLIC, check
from api.middleware import SESSION_KEY
from api.portal.web import signed_in


async def check_signed_in_permission(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    permissions = handler.opt[PERMISSION_OPT]
    if PUBLIC in permissions:
        return
    ctx = await signed_in(Request(connection.scope), connection.scope["state"][SESSION_KEY])
    assert ctx.actor is not None  # signed_in raised LoginRequired otherwise
    check(ctx.actor, permissions)


def requires(*permissions: str) -> dict[str, Any]:
    """Keyword arguments for a portal route decorator: the guard and the declaration."""
    if not permissions:
        raise ValueError("declare at least one permission (or AUTHENTICATED / PUBLIC)")
    return {"guards": [check_signed_in_permission], "opt": {PERMISSION_OPT: permissions}}

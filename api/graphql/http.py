"""GraphQL over HTTP: strawberry's Litestar controller, with capool's errors and GraphiQL.

- A browser asking `GET /graphql` (Accept: text/html, no query) gets GraphiQL, served from
  the packaged assets, without a key; the queries it sends need one like any other.
- A request strawberry cannot read (not JSON, not an object, a `query` that is not a
  string...) answers problem+json like the REST API: 400 malformed_json, else 422
  invalid_input, instead of strawberry's text/plain 400 (or a 500 for a JSON `null`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cross_web import HTTPException as GraphQLHTTPException
from litestar import Request, Response
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.litestar import make_graphql_controller
from strawberry.litestar.controller import GraphQLController

from api.authz import AUTHENTICATED, actor_of, requires
from api.graphql.schema import build_schema, graphql_context
from api.problems import TITLES, problem
from capool.errors import InvalidInput

GRAPHIQL_PAGE = Path(__file__).with_name("graphiql.html")


def renders_ide(request: Request[Any, Any, Any]) -> bool:
    """strawberry's rule for showing the IDE instead of running a query."""
    accept = request.headers.get("accept", "")
    return request.method == "GET" and request.query_params.get("query") is None and ("text/html" in accept or "*/*" in accept)


async def context(request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]) -> dict[str, Any]:
    """The resolvers' context, for an authenticated caller; the IDE page needs none."""
    if renders_ide(request):
        return {}
    return await graphql_context(db_session, await actor_of(request))


def graphql_controller() -> type[GraphQLController]:
    base = make_graphql_controller(build_schema(), path="/graphql", context_getter=context, graphql_ide="graphiql")

    class CapoolGraphQLController(base):  # type: ignore[misc, valid-type]
        # Any member's key; each field checks its own permission (api/graphql/permissions.py).
        security = requires(AUTHENTICATED)["security"]

        @property
        def graphql_ide_html(self) -> str:
            return GRAPHIQL_PAGE.read_text(encoding="utf-8")

        def parse_json(self, data: str | bytes) -> Any:
            try:
                value = super().parse_json(data)
            except UnicodeDecodeError:
                raise GraphQLHTTPException(400, "Unable to parse request body as JSON") from None
            if not isinstance(value, dict | list):
                raise InvalidInput.at("/", "a GraphQL request is a JSON object with a `query`")
            return value

        async def execute_request(self, request: Request[Any, Any, Any], context: Any, root_value: Any) -> Response[Any]:
            try:
                return await self.run(request, context=context, root_value=root_value)
            except GraphQLHTTPException as exc:
                if exc.status_code != 400:
                    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
                    return problem(exc.status_code, TITLES.get(exc.status_code, "Error"), exc.reason, code)
                if "parse request body as JSON" in exc.reason:
                    return problem(400, "Bad request", "the request body is not valid JSON", "malformed_json")
                raise InvalidInput.at("/", exc.reason) from None

    return CapoolGraphQLController

"""GraphQL for integrations: Query / Mutation types merged into the schema by api.graphql.schema."""

from __future__ import annotations

QUERIES: tuple[type, ...] = ()
MUTATIONS: tuple[type, ...] = ()

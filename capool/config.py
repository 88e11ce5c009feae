"""One settings object for the whole platform.

Every value has an embedded default so that `capool serve` runs with no configuration:
a SQLite file under ./var, an in-process dramatiq worker and an in-process EVM chain.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import IPvAnyNetwork, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/capool.db"
    # No broker URL means the in-process stub broker with worker threads in the API process.
    redis_url: str | None = None
    api_key_pepper: SecretStr = SecretStr("capool-dev-pepper-change-me")
    host: str = "127.0.0.1"
    port: int = 8000
    sql_echo: bool = False
    # How long a stored Idempotency-Key response is replayed.
    idempotency_ttl_hours: int = 24
    # Caps that keep list endpoints and GraphQL queries bounded.
    max_page_size: int = 200
    graphql_max_depth: int = 8
    graphql_max_tokens: int = 2000
    graphql_max_aliases: int = 20
    # Private / loopback / link-local networks (CIDR, e.g. '["10.20.0.0/16"]') that webhooks
    # and connectors may reach: the operator's list for on-premises receivers, honoured at
    # registration and at send time. One endpoint alone: `capool webhooks allow-private`.
    integrations_private_networks: list[IPvAnyNetwork] = []

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def ensure_sqlite_directory(self) -> None:
        if self.is_sqlite and ":///" in self.database_url:
            path = self.database_url.split(":///", 1)[1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)


@lru_cache
def get_settings() -> Settings:
    return Settings()

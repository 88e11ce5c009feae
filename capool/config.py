"""One settings object for the whole platform.

Every value has an embedded default so that `capool serve` runs with no configuration:
a SQLite file under ./var, an in-process dramatiq worker and an in-process EVM chain.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr
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
    # Portal sessions, sign-in and API rate limits (capool/ratelimit.py: `limits` notation,
    # counted in Redis when redis_url is set, in memory otherwise).
    session_secret: SecretStr = SecretStr("capool-dev-session-secret-change-me")
    login_rate_limit: str = "5/minute"  # sign-in attempts per account (typed e-mail)
    login_address_rate_limit: str = "30/minute"  # sign-in attempts per client address
    api_rate_limit: str = "600/minute"  # requests per API key
    api_anonymous_rate_limit: str = "60/minute"  # requests without a valid key, per client address
    # Peers (IPs or networks) whose X-Forwarded-Proto / X-Forwarded-For are believed: the
    # TLS-terminating proxy. Nobody else can make a request look like https or like
    # another client. Environment: TRUSTED_PROXIES='["10.0.0.5"]'.
    trusted_proxies: list[str] = []
    # Secure cookies: None follows the request's scheme (after trusted proxy headers).
    cookie_secure: bool | None = None

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

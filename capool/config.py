"""One settings object for the whole platform, read from the environment and `.env`.

Every value but the secrets has an embedded default so that `capool serve` runs with no
configuration: a SQLite file under ./var, an in-process dramatiq worker and an in-process
EVM chain. The secrets have no default that anybody could know: the embedded mode
(a SQLite DATABASE_URL) generates them once into `var/secrets.json`; a PostgreSQL
deployment must configure them, and `require_secrets` refuses to start without them.

Areas have their own sections (`settings.chain`, `settings.matching`, ...). Their
environment names are the section's prefix and the field joined by `_`, e.g.
CAPOOL_CHAIN_RPC_URL or CAPOOL_MATCHING_WORKERS (the names these settings always had).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, BaseModel, Field, IPvAnyNetwork, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger(__name__)

# The secrets and the environment variable that configures each.
SECRET_ENV_NAMES = {
    "api_key_pepper": "API_KEY_PEPPER",
    "session_secret": "SESSION_SECRET",
    "ledger_secret": "CAPOOL_LEDGER_SECRET",
}
# Values that were published as defaults: anybody could sign or derive with them.
PUBLISHED_SECRETS = frozenset({"capool-dev-pepper-change-me"})
MIN_SECRET_LENGTH = 16


class ConfigurationError(RuntimeError):
    """The deployment is configured so that the platform must not run; says what to fix."""


class MissingSecrets(ConfigurationError):
    """The deployment lacks a secret (or configures a public or too short one)."""


class ChainSettings(BaseModel):
    """The consortium chain; without an RPC URL an in-process eth-tester chain is used."""

    rpc_url: str | None = None
    private_key: SecretStr | None = None


class AnchorSettings(BaseModel):
    # The deployed anchor registry's address; without it one is deployed on first use.
    registry: str | None = None


class EscrowSettings(BaseModel):
    """The escrow contract on the consortium chain (CAPOOL_CHAIN_RPC_URL). Escrow runs only
    with all three of the RPC URL, `contract` and `private_key` set (the account that funds
    and, as the contract's arbiter, releases, refunds and opens disputes; keep it apart
    from CAPOOL_CHAIN_PRIVATE_KEY, which anchors: each key's nonces are managed by one
    component). Without them every alliance settles by invoice."""

    contract: str | None = None
    private_key: SecretStr | None = None
    # How long a job waits for a receipt before leaving the transaction "sent" for the retry.
    confirm_timeout_s: float = 30.0
    # Pending or sent operations are retried by the scheduler this often (and back off
    # exponentially per attempt up to `max_backoff_s`).
    retry_seconds: int = 60
    max_backoff_s: int = 3600


class MatchingSettings(BaseModel):
    # A plan worth at least this much (minor units) waits for two approvals. So does a repair
    # (after a factory withdrew capacity) that moves both at least `approval_moved_units`
    # units and at least `approval_moved_share_pct`% of the units of the orders it touches
    # (units moved / units of those orders): smaller repairs apply by themselves.
    approval_value_minor: int = 2_000_000
    approval_moved_share_pct: int = 50
    approval_moved_units: int = 500
    default_time_limit_s: float = 10.0
    workers: int = 2


class InspectionSettings(BaseModel):
    # Uploaded images and registered model files live here (relative to the working directory).
    storage_dir: Path = Path("var/inspection")
    max_image_bytes: int = 10 * 1024 * 1024
    max_images_per_upload: int = 50
    max_model_bytes: int = 100 * 1024 * 1024
    # onnxruntime threads per inference session (the worker runs several jobs in parallel).
    inference_threads: int = 1


class OutboxSettings(BaseModel):
    # Passes over an event in which a consumer still fails before the event becomes a dead
    # letter (no more retries until an alliance admin retries it).
    max_attempts: int = 8


class RetentionSettings(BaseModel):
    # Webhook deliveries that ended (delivered or failed) are deleted with their attempts this
    # many days after they were created; pending deliveries are never deleted.
    webhook_deliveries_days: int = 30
    # Rows deleted per statement by a purge (expired idempotency records, old deliveries), so a
    # purge never holds a long lock; the periodic task repeats until none is left.
    purge_batch: int = 1000


def _section(name: str) -> AliasChoices:
    return AliasChoices(name, f"capool_{name}")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="",
        env_file=".env",
        extra="ignore",
        # One level of sections: CAPOOL_CHAIN_RPC_URL is chain.rpc_url, not chain.rpc.url.
        env_nested_delimiter="_",
        env_nested_max_split=1,
    )

    database_url: str = "sqlite+aiosqlite:///var/capool.db"
    # No broker URL means the in-process stub broker with worker threads in the API process.
    redis_url: str | None = None
    # Three secrets, so that knowing one (say, from a leaked ledger key derivation) signs
    # nothing else. Unset: generated into `secrets_file` on SQLite, refused on PostgreSQL.
    api_key_pepper: SecretStr | None = None
    session_secret: SecretStr | None = None
    ledger_secret: SecretStr | None = Field(None, validation_alias=AliasChoices("ledger_secret", "capool_ledger_secret"))
    secrets_file: Path = Path("var/secrets.json")
    host: str = "127.0.0.1"
    port: int = 8000
    sql_echo: bool = False
    # The schedule loop (capool/scheduler.py): how often each process looks for due periodic
    # tasks, and how long a claimed run is leased before another process may take it over
    # (the claimer died). A task that runs longer than its lease may run twice.
    scheduler_tick_seconds: float = 10.0
    scheduler_lease_seconds: int = 300
    # On SIGTERM a worker stops taking jobs and waits this long for the running ones; what
    # is left is requeued (at-least-once: jobs are idempotent).
    worker_drain_seconds: float = 25.0
    # Health of workers and schedulers (`GET /health` on their --metrics-port, `capool health`):
    # a worker checks the database and Redis every worker_heartbeat_seconds, a scheduler beats
    # with every tick; a process whose last good beat is older than health_stale_seconds is unhealthy.
    worker_heartbeat_seconds: float = 10.0
    health_stale_seconds: float = 60.0
    # Logs: one JSON object per line ("json") or readable lines ("console"); capool/observability.py.
    log_format: str = "json"
    log_level: str = "INFO"
    # Prometheus scrapers send it as a bearer token to /metrics; unset, only loopback clients get metrics.
    metrics_token: SecretStr | None = None
    # Connection pool per process (PostgreSQL): each API process and each worker holds up to
    # pool_size + max_overflow connections; keep the sum over all processes under the server's max_connections.
    db_pool_size: int = 10
    db_max_overflow: int = 20
    db_pool_timeout_s: float = 30
    # How long a stored Idempotency-Key response is replayed.
    idempotency_ttl_hours: int = 24
    # Caps that keep list endpoints and GraphQL queries bounded.
    max_page_size: int = 200
    graphql_max_depth: int = 8
    graphql_max_tokens: int = 2000
    graphql_max_aliases: int = 20
    # Portal sessions, sign-in and API rate limits (capool/ratelimit.py: `limits` notation,
    # counted in Redis when redis_url is set, in memory otherwise).
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

    chain: ChainSettings = Field(default_factory=ChainSettings, validation_alias=_section("chain"))
    anchor: AnchorSettings = Field(default_factory=AnchorSettings, validation_alias=_section("anchor"))
    escrow: EscrowSettings = Field(default_factory=EscrowSettings, validation_alias=_section("escrow"))
    matching: MatchingSettings = Field(default_factory=MatchingSettings, validation_alias=_section("matching"))
    inspection: InspectionSettings = Field(default_factory=InspectionSettings, validation_alias=_section("inspection"))
    outbox: OutboxSettings = Field(default_factory=OutboxSettings, validation_alias=_section("outbox"))
    retention: RetentionSettings = Field(default_factory=RetentionSettings, validation_alias=_section("retention"))
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

    def secret_bytes(self, name: str) -> bytes:
        """A secret's value; raises MissingSecrets rather than ever signing with nothing."""
        value: SecretStr | None = getattr(self, name)
        if value is None:
            raise MissingSecrets(f"{SECRET_ENV_NAMES[name]} is not configured")
        return value.get_secret_value().encode("utf-8")


def secret_problems(settings: Settings) -> list[str]:
    """What is wrong with the configured secrets, one line per setting; empty when fine."""
    problems = []
    for name, env_name in SECRET_ENV_NAMES.items():
        value: SecretStr | None = getattr(settings, name)
        if value is None:
            problems.append(f"{env_name} is not set")
        elif value.get_secret_value() in PUBLISHED_SECRETS:
            problems.append(f"{env_name} is a published example value")
        elif len(value.get_secret_value()) < MIN_SECRET_LENGTH:
            problems.append(f"{env_name} is shorter than {MIN_SECRET_LENGTH} characters")
    return problems


def require_secrets(settings: Settings) -> Settings:
    """Refuse to run commands that hash, sign or derive keys without proper secrets."""
    problems = secret_problems(settings)
    if problems:
        where = (
            f"they come from {settings.secrets_file} in the embedded (SQLite) mode"
            if settings.is_sqlite
            else "a PostgreSQL deployment must configure them (environment or .env)"
        )
        raise MissingSecrets(
            "capool refuses to start without its secrets: " + "; ".join(problems) + f" ({where}; see docs/operations.md)"
        )
    return settings


def load_or_create_secrets(path: Path) -> dict[str, str]:
    """The embedded mode's secrets: read from `path`, or generated into it on first run.

    The file is written complete under a temporary name with mode 0600 and then linked
    into place, which fails if it exists: two processes starting at once end up with the
    same secrets, and an existing file is never overwritten.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        generated = {name: secrets.token_urlsafe(32) for name in SECRET_ENV_NAMES}
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(generated, handle, indent=2)
                handle.flush()
                os.fsync(handle.fileno())
            os.link(temporary, path)
            log.warning("generated new secrets in %s: keep this file (API keys, portal sessions and ledger keys depend on it)", path)
        except FileExistsError:
            pass  # another process created it first; use theirs
        finally:
            temporary.unlink(missing_ok=True)
    stored = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(stored, dict):
        raise MissingSecrets(f"{path} is not a JSON object of secrets")
    return {name: value for name, value in stored.items() if name in SECRET_ENV_NAMES and isinstance(value, str)}


def resolve_secrets(settings: Settings) -> Settings:
    """Fill the unset secrets from the embedded secrets file (SQLite only); a configured
    secret always wins. PostgreSQL deployments get nothing generated."""
    missing = [name for name in SECRET_ENV_NAMES if getattr(settings, name) is None]
    if not missing or not settings.is_sqlite:
        return settings
    stored = load_or_create_secrets(settings.secrets_file)
    return settings.model_copy(update={name: SecretStr(stored[name]) for name in missing if name in stored})


@lru_cache
def get_settings() -> Settings:
    """The process's settings (cached; tests change the environment, then cache_clear())."""
    return resolve_secrets(Settings())

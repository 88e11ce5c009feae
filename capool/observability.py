"""Logs and metrics for every process: structured JSON logs with the request, job and tenant
they belong to (structlog, also for the standard library's loggers), and Prometheus metrics
(prometheus_client) for HTTP, jobs, the outbox, the ledger and webhooks.

Each process keeps its own metrics; Prometheus scrapes every API process at `/metrics` and
every worker at `capool worker --metrics-port`. Figures that are the same in every process
(outbox and ledger lag) are read from the database when scraped.
"""

from __future__ import annotations

import logging
import sys
import time
import uuid
from typing import Any

import dramatiq
import structlog
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import start_http_server as _start_http_server

REGISTRY = CollectorRegistry(auto_describe=True)

HTTP_REQUESTS = Counter("capool_http_requests_total", "HTTP requests served", ["method", "route", "status"], registry=REGISTRY)
HTTP_SECONDS = Histogram("capool_http_request_duration_seconds", "HTTP request duration", ["method", "route"], registry=REGISTRY,
                         buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
JOBS = Counter("capool_jobs_total", "Jobs processed by this process", ["queue", "actor", "outcome"], registry=REGISTRY)
JOB_SECONDS = Histogram("capool_job_duration_seconds", "Job duration", ["queue", "actor"], registry=REGISTRY,
                        buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300))
OUTBOX_PENDING = Gauge("capool_outbox_pending_events", "Outbox events not yet processed", registry=REGISTRY)
OUTBOX_LAG = Gauge("capool_outbox_lag_seconds", "Age of the oldest unprocessed outbox event (0 when none)", registry=REGISTRY)
LEDGER_LAG = Gauge("capool_ledger_lag_seconds", "Age of the newest ledger entry's cause not yet on the ledger: the oldest unprocessed "
                   "outbox event (0 when none)", registry=REGISTRY)
LEDGER_ENTRIES = Gauge("capool_ledger_entries", "Entries on all ledgers", registry=REGISTRY)
WEBHOOK_FAILURES = Counter("capool_webhook_failures_total", "Webhook delivery attempts that failed", ["reason"], registry=REGISTRY)
SCHEDULED_RUNS = Counter("capool_scheduled_runs_total", "Periodic task runs started by this process", ["task"], registry=REGISTRY)

_configured = False


def configure_logging(fmt: str = "json", level: str = "INFO") -> None:
    """Route structlog and the standard library's logging through one renderer: one JSON
    object per line (`fmt="json"`) or readable lines (`"console"`), each carrying the
    context bound for the current request or job (request_id, job_id, tenant...)."""
    global _configured
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
    ]
    renderer: Any = structlog.processors.JSONRenderer() if fmt == "json" else structlog.dev.ConsoleRenderer(colors=False)
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[structlog.stdlib.ExtraAdder(), *shared], processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    ))
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_capool", False):
            root.removeHandler(existing)
    handler._capool = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    # uvicorn's own handlers would print every line a second time, unstructured.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "dramatiq"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    _configured = True


def bind(**values: Any) -> None:
    structlog.contextvars.bind_contextvars(**values)


def new_request_id(incoming: str | None) -> str:
    """The caller's X-Request-ID when it is a sane token (a proxy's id), else a fresh one."""
    if incoming and 0 < len(incoming) <= 64 and all(c.isalnum() or c in "-_.:" for c in incoming):
        return incoming
    return uuid.uuid4().hex


class JobObservability(dramatiq.Middleware):
    """Binds each job's id to its log lines and counts jobs and their durations."""

    def before_process_message(self, broker: dramatiq.Broker, message: dramatiq.Message) -> None:
        structlog.contextvars.clear_contextvars()
        bind(job_id=message.message_id, job=message.actor_name, queue=message.queue_name)
        message.options["_capool_started"] = time.perf_counter()

    def _finish(self, message: dramatiq.Message, outcome: str) -> None:
        started = message.options.pop("_capool_started", None)
        queue = message.queue_name.removesuffix(".DQ").removesuffix(".XQ")
        JOBS.labels(queue, message.actor_name, outcome).inc()
        if started is not None:
            JOB_SECONDS.labels(queue, message.actor_name).observe(time.perf_counter() - started)
        structlog.contextvars.clear_contextvars()

    def after_process_message(self, broker: dramatiq.Broker, message: dramatiq.Message, *, result: Any = None,
                              exception: BaseException | None = None) -> None:
        self._finish(message, "failed" if exception is not None else "done")

    def after_skip_message(self, broker: dramatiq.Broker, message: dramatiq.Message) -> None:
        self._finish(message, "skipped")


async def refresh_database_gauges(session: Any) -> None:
    """Outbox and ledger figures, read at scrape time (the same in every process)."""
    from sqlalchemy import func, select

    from capool.clock import utcnow
    from capool.events import OutboxEvent
    from settlement.models import LedgerHead

    pending, oldest = (await session.execute(
        select(func.count(), func.min(OutboxEvent.created_at)).where(OutboxEvent.processed_at.is_(None))
    )).one()
    OUTBOX_PENDING.set(pending)
    lag = 0.0
    if oldest is not None:
        if oldest.tzinfo is None:
            from datetime import UTC

            oldest = oldest.replace(tzinfo=UTC)
        lag = max(0.0, (utcnow() - oldest).total_seconds())
    OUTBOX_LAG.set(lag)
    # Every ledger entry is appended from an outbox event: the ledger is as far behind as the
    # oldest event still waiting.
    LEDGER_LAG.set(lag)
    LEDGER_ENTRIES.set((await session.execute(select(func.coalesce(func.sum(LedgerHead.size), 0)))).scalar_one())


def exposition() -> bytes:
    return generate_latest(REGISTRY)


def start_metrics_server(port: int, host: str = "127.0.0.1") -> None:
    """Serve this process's metrics on their own port (workers have no HTTP server)."""
    _start_http_server(port, addr=host, registry=REGISTRY)

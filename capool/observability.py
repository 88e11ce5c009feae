"""Logs and metrics for every process: structured JSON logs with the request, job and tenant
they belong to (structlog, also for the standard library's loggers), and Prometheus metrics
(prometheus_client) for HTTP, jobs, the outbox, the ledger and webhooks.

Each process keeps its own metrics; Prometheus scrapes every API process at `/metrics` and
every worker at `capool worker --metrics-port`. Figures that are the same in every process
(outbox and ledger lag) are read from the database when scraped.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import dramatiq
import structlog
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

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
WEBHOOK_FAILURES = Counter("capool_webhook_failures_total", "Webhook delivery attempts that failed", ["reason"], registry=REGISTRY)
SCHEDULED_RUNS = Counter("capool_scheduled_runs_total", "Periodic task runs started by this process", ["task"], registry=REGISTRY)
SCHEDULED_FAILURES = Counter("capool_scheduled_failures_total", "Periodic task runs of this process that raised", ["task"], registry=REGISTRY)
OUTBOX_DEAD = Gauge("capool_outbox_dead_letters", "Outbox events that ran out of attempts and wait for an admin's retry", registry=REGISTRY)
HEARTBEAT = Gauge("capool_heartbeat_timestamp_seconds", "When this worker or scheduler last found its database (and broker) reachable "
                  "and its threads alive (Unix time)", ["process"], registry=REGISTRY)

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


# Domains add figures of their own that are read from the database at scrape time (the
# ledger's size: settlement/metrics.py); the kernel knows only that they exist.
DatabaseGauge = Callable[[Any], Awaitable[None]]
DATABASE_GAUGES: list[DatabaseGauge] = []


def database_gauge(reader: DatabaseGauge) -> DatabaseGauge:
    """Registers `reader(session)` to set its gauges whenever metrics are scraped."""
    DATABASE_GAUGES.append(reader)
    return reader


async def refresh_database_gauges(session: Any) -> None:
    """Outbox figures and the domains' database gauges, read at scrape time (the same in
    every process)."""
    from sqlalchemy import func, select

    from capool.clock import utcnow
    from capool.events import OutboxEvent

    pending, oldest = (await session.execute(
        select(func.count(), func.min(OutboxEvent.created_at)).where(OutboxEvent.processed_at.is_(None))
    )).one()
    OUTBOX_PENDING.set(pending)
    OUTBOX_DEAD.set((await session.execute(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.dead_at.is_not(None)))).scalar_one())
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
    for reader in DATABASE_GAUGES:
        await reader(session)


def exposition() -> bytes:
    return generate_latest(REGISTRY)


class ProcessHealth:
    """Whether a worker or scheduler process is alive and able to work, as `GET /health` on
    its metrics port answers it (and `capool health` reads it).

    The process's own loop calls `beat()` after each successful round (the worker's
    heartbeat: database and Redis answered; the scheduler's tick: the schedule was read), or
    `fail(reason)`. Healthy means: the last good beat is at most `stale_after_s` old, no
    probe (`probes`: e.g. "are the worker threads alive") reports a problem, and the process
    is not stopping. A hung event loop stops beating, so it turns unhealthy by itself."""

    def __init__(self, process: str, stale_after_s: float, probes: list[Callable[[], str | None]] | None = None) -> None:
        self.process = process
        self.stale_after_s = stale_after_s
        self.probes = list(probes or [])
        self.started_at = time.time()
        self.beat_at: float | None = None
        self.error: str | None = None
        self.stopping = False
        self._lock = threading.Lock()

    def beat(self) -> None:
        with self._lock:
            self.beat_at = time.time()
            self.error = None
        HEARTBEAT.labels(self.process).set(self.beat_at)

    def fail(self, reason: str) -> None:
        with self._lock:
            self.error = reason[:500]

    def report(self, now: float | None = None) -> tuple[bool, dict[str, Any]]:
        now = time.time() if now is None else now
        with self._lock:
            beat_at, error, stopping = self.beat_at, self.error, self.stopping
        problems = []
        if stopping:
            problems.append("stopping")
        if beat_at is None:
            problems.append("no heartbeat yet")
        elif now - beat_at > self.stale_after_s:
            problems.append(f"last heartbeat {now - beat_at:.0f} s ago (more than {self.stale_after_s:.0f} s)")
        if error:
            problems.append(error)
        for probe in self.probes:
            if found := probe():
                problems.append(found)
        return not problems, {
            "status": "ok" if not problems else "unhealthy",
            "process": self.process,
            "uptime_s": round(now - self.started_at, 1),
            "heartbeat_age_s": None if beat_at is None else round(now - beat_at, 1),
            "problems": problems,
        }


def start_metrics_server(port: int, host: str = "127.0.0.1", health: ProcessHealth | None = None) -> ThreadingHTTPServer:
    """Serve this process's metrics (`/metrics`) and, for a worker or scheduler, its health
    (`/health`: 200 or 503 with a JSON report) on their own port, in a daemon thread.
    Workers and schedulers have no other HTTP server. Returns the server (`shutdown()`)."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # the access log of a scraper polling every few seconds is noise
            pass

        def _answer(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                self._answer(200, CONTENT_TYPE_LATEST, generate_latest(REGISTRY))
            elif path == "/health" and health is not None:
                healthy, report = health.report()
                self._answer(200 if healthy else 503, "application/json", json.dumps(report).encode())
            else:
                self._answer(404, "text/plain; charset=utf-8", b"not found: /metrics" + (b" or /health" if health else b"") + b"\n")

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name=f"metrics:{port}", daemon=True).start()
    return server

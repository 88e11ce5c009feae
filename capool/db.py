"""Database kernel: the declarative base, column types and the engine/session factory.

Services receive an `AsyncSession` and never commit: the transaction boundary is the
request (api/middleware.py) or the job (capool/jobs.py).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, MetaData, TypeDecorator, Uuid, event
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, ORMExecuteState, Session, SessionTransaction, mapped_column

from capool.clock import utcnow
from capool.ids import new_id

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes; SQLite hands back naive ones, which are UTC by construction."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        uuid.UUID: Uuid(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
        list[dict[str, Any]]: JSON(),
    }


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


@event.listens_for(IdMixin, "init", propagate=True)
def _assign_id(target: Any, _args: Any, kwargs: dict[str, Any]) -> None:
    """Ids exist from construction, not only after a flush: events and jobs refer to rows
    before they are written."""
    kwargs.setdefault("id", new_id())


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, open transactions (see _sqlite_begin_immediate).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets the in-process worker read while the API writes; the busy timeout makes
    # concurrent writers wait for the lock instead of failing at once.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


READ_ONLY: dict[str, Any] = {"capool_read_only": True}
"""Execution options of a session that only reads (GET requests, read-only jobs):
`session_factory(execution_options=READ_ONLY)`. On SQLite its transactions begin deferred."""


def _sqlite_begin(connection: Any) -> None:
    if connection.get_execution_options().get("capool_read_only"):
        # A reader takes no lock at BEGIN: under WAL it reads its snapshot beside the writer,
        # so a long read (or one waiting on a slow client) never blocks another tenant.
        connection.exec_driver_sql("BEGIN")
    else:
        # Take the write lock at BEGIN: a deferred transaction that later upgrades to a writer
        # fails at once under WAL when another writer committed in between.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


_WROTE_KEY = "capool_transaction_wrote"


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    session.info[_WROTE_KEY] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE_KEY] = True


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE_KEY, None)


_AFTER_COMMIT_KEY = "capool.after_commit"


def after_commit(session: AsyncSession | Session, callback: Callable[[], None]) -> None:
    """Run `callback` once the session's outermost transaction has committed: the one way to
    send a job, an outbox id or a delivery only for work that was kept.

    It is dropped when that transaction rolls back, and also when the savepoint it was
    registered in rolls back (an outbox consumer that failed in its savepoint sends nothing).
    SQLAlchemy fires `after_commit` for a SAVEPOINT release too; such a release only hands
    the callbacks to the enclosing transaction, so nothing is sent before the real commit.
    A callback that raises is logged and does not stop the others (the sweeps resend)."""
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    owner = sync.get_nested_transaction()  # None: the outermost transaction
    sync.info.setdefault(_AFTER_COMMIT_KEY, []).append((owner, callback))


def discard_after_commit(session: AsyncSession) -> None:
    """Forget what the current transaction registered (a benchmark that sends by itself)."""
    session.sync_session.info.pop(_AFTER_COMMIT_KEY, None)


def _enclosing_savepoint(transaction: SessionTransaction) -> SessionTransaction | None:
    parent = transaction.parent
    while parent is not None and not parent.nested:
        parent = parent.parent
    return parent


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    pending = session.info.get(_AFTER_COMMIT_KEY)
    if not pending:
        return
    released = session.get_nested_transaction()
    if released is not None:
        # A SAVEPOINT release, not a commit: what it registered now belongs to the enclosing one.
        heir = _enclosing_savepoint(released)
        session.info[_AFTER_COMMIT_KEY] = [(heir if owner is released else owner, callback) for owner, callback in pending]
        return
    session.info.pop(_AFTER_COMMIT_KEY, None)
    for _owner, callback in pending:
        try:
            callback()
        except Exception:
            log.exception("an after-commit callback failed")


@event.listens_for(Session, "after_transaction_end")
def _drop_after_rollback(session: Session, transaction: SessionTransaction) -> None:
    """A transaction that ends still owning callbacks rolled back (a commit ran or handed them on)."""
    pending = session.info.get(_AFTER_COMMIT_KEY)
    if not pending:
        return
    if transaction.nested:
        session.info[_AFTER_COMMIT_KEY] = [(owner, callback) for owner, callback in pending if owner is not transaction]
    elif transaction.parent is None:
        session.info.pop(_AFTER_COMMIT_KEY, None)


async def end_read_transaction(session: AsyncSession) -> None:
    """End the session's transaction before slow work that needs no database (a solve, a
    chain or HTTP call), so that no lock, snapshot or pooled connection is held through it;
    the session begins a fresh transaction when it is next used.

    Only a transaction that has read may end here: the unit of work (the request or the
    job) decides about writes, so a transaction that wrote is refused, never committed."""
    if transaction_wrote(session):
        raise RuntimeError("end_read_transaction: this transaction has written; only the unit of work ends it")
    # Commit, not rollback: nothing is written either way, and a commit (expire_on_commit is
    # off) keeps the rows already loaded usable.
    await session.commit()


def transaction_wrote(session: AsyncSession) -> bool:
    """Whether the session's current transaction has changed anything (or holds unflushed changes)."""
    return bool(session.new or session.dirty or session.deleted or session.sync_session.info.get(_WROTE_KEY))


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    kwargs: dict[str, Any] = {"echo": echo}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
    else:
        from capool.config import get_settings

        settings = get_settings()
        kwargs.update(pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow, pool_timeout=settings.db_pool_timeout_s,
                      pool_pre_ping=True)
    engine = create_async_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)

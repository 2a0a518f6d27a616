"""Engines and transactions: SQLite (WAL, foreign keys, BEGIN IMMEDIATE) by default, PostgreSQL by URL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from huiqi.errors import ConfigError

DEFAULT_DB_FILE = "huiqi.db"
# How long a SQLite writer waits for another writer before giving up, in seconds.
SQLITE_BUSY_TIMEOUT_S = 60.0
# Execution option naming the BEGIN a SQLite transaction uses: IMMEDIATE for writers.
SQLITE_BEGIN_OPTION = "huiqi_sqlite_begin"


def resolve_url(url: str | None) -> str:
    """The database URL to use: the argument, else ``HUIQI_DB``, else ``huiqi.db`` here."""
    chosen = url or os.environ.get("HUIQI_DB") or DEFAULT_DB_FILE
    if "://" not in chosen:  # a bare path means an SQLite file
        chosen = f"sqlite:///{chosen}"
    if chosen.startswith("postgresql://") or chosen.startswith("postgres://"):
        chosen = "postgresql+psycopg://" + chosen.split("://", 1)[1]
    return chosen


def make_engine(url: str | None = None, *, pg_schema: str | None = None, **options: Any) -> Engine:
    """An engine for ``url`` (see :func:`resolve_url`), set up for the ledger's locking rules.

    :param pg_schema: on PostgreSQL, the schema to put first on the search path (tests use one
        schema per run).
    """
    resolved = make_url(resolve_url(url))
    if resolved.get_backend_name() == "sqlite":
        return _sqlite_engine(resolved, **options)
    if resolved.get_backend_name() == "postgresql":
        return _postgres_engine(resolved, pg_schema, **options)
    raise ConfigError(f"database URL {resolved.render_as_string(hide_password=True)!r}: "
                      "expected sqlite:///FILE or postgresql+psycopg://...")


def _sqlite_engine(url: Any, **options: Any) -> Engine:
    if url.database in (None, "", ":memory:"):
        raise ConfigError("the ledger needs an SQLite file, not an in-memory database")
    connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False}
    engine = create_engine(url, connect_args=connect_args, **options)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when BEGIN is sent (the driver would begin
        # only before the first write, leaving a read-then-check outside the transaction).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock at BEGIN, waiting out the busy timeout; a DEFERRED
        # transaction that later writes fails at once with 'database is locked' instead.
        mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _postgres_engine(url: Any, pg_schema: str | None, **options: Any) -> Engine:
    connect_args: dict[str, Any] = dict(options.pop("connect_args", {}))
    if pg_schema:
        connect_args["options"] = f"-csearch_path={pg_schema}"
    options.setdefault("pool_size", 20)
    options.setdefault("max_overflow", 10)
    return create_engine(url, connect_args=connect_args, **options)


def is_postgres(bind: Engine | Session | Any) -> bool:
    """True when ``bind`` (engine, connection or session) talks to PostgreSQL."""
    if isinstance(bind, Session):
        bind = bind.get_bind()
    return bind.dialect.name == "postgresql"


@contextmanager
def transaction(engine: Engine, *, read_only: bool = False) -> Iterator[Session]:
    """One database transaction as a Session: committed on success, rolled back on any error.

    On SQLite a writer begins IMMEDIATE (writers queue, readers never block);
    ``read_only=True`` begins DEFERRED so that reports do not queue behind writers.
    """
    bind = engine.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"}) if read_only else engine
    with Session(bind, expire_on_commit=False) as session:
        with session.begin():
            yield session


session_scope = transaction

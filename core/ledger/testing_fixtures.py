"""Ledger test fixtures for huiqi and out-of-tree plugins: a migrated SQLite file, a PostgreSQL schema.

PostgreSQL comes from ``HUIQI_TEST_PG_URL`` (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``);
each use creates its own schema and drops it afterwards. Without the variable those tests skip,
saying so. Use the pytest fixtures (``ledger_engine`` runs a test on both backends) or the plain
functions from your own fixtures.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from huiqi.ledger.db import make_engine, resolve_url
from huiqi.ledger.migrate import upgrade_to_head

PG_URL_VARIABLE = "HUIQI_TEST_PG_URL"
SKIP_REASON = f"PostgreSQL tests need {PG_URL_VARIABLE} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test); it is unset"


def postgres_test_url() -> str | None:
    """The PostgreSQL URL for tests, or None when ``HUIQI_TEST_PG_URL`` is unset."""
    url = os.environ.get(PG_URL_VARIABLE, "").strip()
    return resolve_url(url) if url else None


def sqlite_engine_at(directory: Path, *, migrate: bool = True) -> Engine:
    """An engine on a new SQLite file in ``directory``, migrated to head unless told not to."""
    engine = make_engine(f"sqlite:///{directory / f'huiqi-{uuid.uuid4().hex[:8]}.db'}")
    if migrate:
        upgrade_to_head(engine)
    return engine


@contextmanager
def postgres_schema(url: str, *, migrate: bool = True) -> Iterator[tuple[Engine, str]]:
    """A fresh schema on the server at ``url`` and an engine whose search path is that schema;
    the schema is dropped on exit."""
    schema = f"huiqi_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, pg_schema=schema)
    try:
        if migrate:
            upgrade_to_head(engine)
        yield engine, schema
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def require_postgres() -> str:
    """The test PostgreSQL URL, or skip the calling test with the reason."""
    url = postgres_test_url()
    if url is None:
        pytest.skip(SKIP_REASON)
    return url


@pytest.fixture
def sqlite_ledger(tmp_path: Path) -> Iterator[Engine]:
    """A migrated SQLite ledger in the test's tmp_path."""
    engine = sqlite_engine_at(tmp_path)
    yield engine
    engine.dispose()


@pytest.fixture
def pg_ledger() -> Iterator[Engine]:
    """A migrated PostgreSQL ledger in a schema of its own (skips without HUIQI_TEST_PG_URL)."""
    with postgres_schema(require_postgres()) as (engine, _schema):
        yield engine


@pytest.fixture
def pg_schema_factory() -> Iterator[Callable[..., Engine]]:
    """Make as many fresh PostgreSQL schemas as a test needs: ``factory(migrate=False)``."""
    url = require_postgres()
    with ExitStack() as stack:
        yield lambda migrate=True: stack.enter_context(postgres_schema(url, migrate=migrate))[0]


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """The same test on a migrated SQLite file and a migrated PostgreSQL schema."""
    if request.param == "sqlite":
        engine = sqlite_engine_at(tmp_path)
        yield engine
        engine.dispose()
    else:
        with postgres_schema(require_postgres()) as (engine, _schema):
            yield engine



__all__ = [
    "PG_URL_VARIABLE", "SKIP_REASON", "ledger_engine", "pg_ledger", "pg_schema_factory",
    "postgres_schema", "postgres_test_url", "require_postgres", "sqlite_engine_at", "sqlite_ledger",
]

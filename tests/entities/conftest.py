"""Entity fixtures: a migrated engine on both backends, and a ``--db`` URL on both for the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import shutil

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

import huiqi.entities  # noqa: F401  (registers the entity tables on Base.metadata)
from huiqi.ledger.db import make_engine
from huiqi.ledger.testing_fixtures import (  # noqa: F401  (pytest finds fixtures by name)
    pg_schema_factory,
    postgres_schema,
    require_postgres,
    sqlite_engine_at,
)


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head per run; tests get copies (migrating each costs more)."""
    directory = tmp_path_factory.mktemp("entities-template")
    engine = sqlite_engine_at(directory)
    path = Path(engine.url.database)
    engine.dispose()  # the last connection to close checkpoints the WAL into the file
    return path


@pytest.fixture
def sqlite_engine(migrated_sqlite_template: Path, tmp_path: Path) -> Iterator[Engine]:
    """A migrated SQLite ledger of this test's own."""
    path = tmp_path / "huiqi.db"
    shutil.copyfile(migrated_sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, migrated_sqlite_template: Path, tmp_path: Path) -> Iterator[Engine]:
    """The same test on a migrated SQLite file and a migrated PostgreSQL schema."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_engine")
        return
    with postgres_schema(require_postgres()) as (pg_engine, _schema):
        yield pg_engine


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A ``--db`` URL of an empty database that the command must migrate itself: an SQLite file,
    or a fresh PostgreSQL schema named through the connection's search path."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cli.db'}"
        return
    url = require_postgres()
    with postgres_schema(url, migrate=False) as (_engine, schema):
        with_schema = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield with_schema.render_as_string(hide_password=False)

"""Migrations: an empty database upgrades to head on both backends, again idempotently, matching the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from huiqi.ledger.base import Base
from huiqi.ledger.migrate import current_revision, head_revision, upgrade_to_head
from huiqi.ledger.testing_fixtures import sqlite_engine_at

LEDGER_TABLES = {"ledger_accounts", "ledger_transfers", "ledger_events", "ledger_chain_head"}


def _schema_diff(engine):
    def only_model_tables(name, type_, _parent_names):
        return name != "alembic_version" if type_ == "table" else True

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": only_model_tables})
        return compare_metadata(context, Base.metadata)


def _upgrade_twice_and_compare(engine):
    assert current_revision(engine) is None
    assert upgrade_to_head(engine) == head_revision()
    assert upgrade_to_head(engine) == head_revision()  # idempotent
    assert LEDGER_TABLES <= set(inspect(engine).get_table_names())
    assert _schema_diff(engine) == []


def test_sqlite_empty_to_head_idempotent_and_equal_to_models(tmp_path):
    engine = sqlite_engine_at(tmp_path, migrate=False)
    _upgrade_twice_and_compare(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_postgres_empty_to_head_idempotent_and_equal_to_models(pg_schema_factory):
    _upgrade_twice_and_compare(pg_schema_factory(migrate=False))

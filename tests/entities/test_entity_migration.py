"""Migration 0002_entities creates exactly the entity models, on SQLite and PostgreSQL, and reverts."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from huiqi.entities.models import entities, entity_facts
from huiqi.ledger.base import Base
from huiqi.ledger.migrate import alembic_config, upgrade_to_head
from huiqi.ledger.testing_fixtures import sqlite_engine_at

ENTITY_TABLES = {entities.name, entity_facts.name}


def _entity_diff(engine):
    """compare_metadata limited to the entity tables (other tables belong to other migrations)."""
    def only_entity_tables(obj, name, type_, _reflected, _compare_to):
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table in ENTITY_TABLES

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": only_entity_tables})
        return compare_metadata(context, Base.metadata)


def test_sqlite_head_matches_entity_models_and_downgrades(tmp_path):
    engine = sqlite_engine_at(tmp_path)
    assert ENTITY_TABLES <= set(inspect(engine).get_table_names())
    assert _entity_diff(engine) == []
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001_ledger")
    assert not ENTITY_TABLES & set(inspect(engine).get_table_names())
    upgrade_to_head(engine)
    assert _entity_diff(engine) == []
    engine.dispose()


def test_postgres_head_matches_entity_models(pg_schema_factory):
    engine = pg_schema_factory()
    assert ENTITY_TABLES <= set(inspect(engine).get_table_names())
    assert _entity_diff(engine) == []

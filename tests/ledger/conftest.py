"""Ledger fixtures, shared with out-of-tree plugins through huiqi.ledger.testing_fixtures."""

from huiqi.ledger.testing_fixtures import (  # noqa: F401  (pytest finds fixtures by name)
    ledger_engine,
    pg_ledger,
    pg_schema_factory,
    sqlite_ledger,
)

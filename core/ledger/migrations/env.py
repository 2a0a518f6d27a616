"""Alembic environment: runs on the connection huiqi.ledger.migrate hands over, no alembic.ini."""

from __future__ import annotations

from alembic import context

from huiqi.ledger.base import Base
from huiqi import schema  # noqa: F401  (registers every huiqi table on Base.metadata)

target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Migrate through the connection given in ``config.attributes['connection']``."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through huiqi.ledger.migrate.upgrade_to_head(engine)")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported; use huiqi init")
run_migrations_online()

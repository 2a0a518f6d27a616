"""Alembic environment and revisions of the huiqi schema (run through huiqi.ledger.migrate)."""

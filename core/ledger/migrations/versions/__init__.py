"""Alembic revisions of the huiqi schema, oldest first."""

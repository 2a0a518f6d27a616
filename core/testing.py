"""pytest fixtures for huiqi and its plugins (in-tree or out-of-tree): ``pytest_plugins = ["huiqi.testing"]``.

- ``plugin_manager``: a fresh manager with the installed entry points loaded.
- ``registry`` / ``calculator``: every installed document, all enabled, no huiqi.toml read.
- ``hook_recorder``: a plugin that records every observer hook call.
- ``make_manager``: build a manager with extra (name, module-or-object) plugins.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from huiqi.calculator import Calculator
from huiqi.config import Config
from huiqi.hookspecs import hookimpl
from huiqi.plugins import get_plugin_manager, load_registry


class HookRecorder:
    """Registers as a plugin; keeps (hook name, kwargs) of each observer call in order."""

    def __init__(self):
        self.calls: list[tuple[str, dict]] = []

    @hookimpl
    def huiqi_after_evaluate(self, result):
        self.calls.append(("huiqi_after_evaluate", {"result": result}))

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


def fresh_config(tmp_path: Path) -> Config:
    """A configuration that enables every installed plugin and writes only under tmp_path."""
    return Config(tmp_path / "huiqi.toml")


@pytest.fixture
def make_manager():
    def make(*extra, entry_points: bool = True):
        return get_plugin_manager(entry_points=entry_points, extra=extra)

    return make


@pytest.fixture
def plugin_manager():
    return get_plugin_manager()


@pytest.fixture
def registry(plugin_manager, tmp_path):
    return load_registry(fresh_config(tmp_path), plugin_manager)


@pytest.fixture
def calculator(registry):
    return Calculator(registry)


@pytest.fixture
def hook_recorder(plugin_manager):
    recorder = HookRecorder()
    plugin_manager.register(recorder, name="hook-recorder")
    yield recorder
    plugin_manager.unregister(recorder)


# The ledger's fixtures (a migrated SQLite file; a PostgreSQL schema of its own, skipped with a
# message when HUIQI_TEST_PG_URL is unset; ``ledger_engine`` runs a test on both backends).
from huiqi.ledger.testing_fixtures import (  # noqa: E402,F401
    ledger_engine,
    pg_ledger,
    pg_schema_factory,
    sqlite_ledger,
)

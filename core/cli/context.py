"""What every command shares: the configuration, the plugin manager and registry, made lazily."""

from __future__ import annotations

import functools

import click

from huiqi.config import Config, load_config


class AppContext:
    """Built once per invocation; nothing is loaded until a command asks for it."""

    def __init__(self, db_url: str | None = None):
        self.db_url = db_url

    @functools.cached_property
    def config(self) -> Config:
        return load_config()

    @functools.cached_property
    def manager(self):
        from huiqi.plugins import get_plugin_manager

        return get_plugin_manager()

    @functools.cached_property
    def registry(self):
        from huiqi.plugins import load_registry

        return load_registry(self.config, self.manager)

    @functools.cached_property
    def engine(self):
        """The database: --db, else HUIQI_DB, else huiqi.toml's database.url, else ./huiqi.db."""
        from huiqi.ledger.db import make_engine

        return make_engine(self.db_url or self.config.database_url)

    def ready_engine(self):
        """The database at the current schema. A new database is created on first use; an
        existing PostgreSQL database behind the code's schema must be migrated with `huiqi init`."""
        from huiqi.errors import ConfigError
        from huiqi.ledger.db import is_postgres
        from huiqi.ledger.migrate import current_revision, head_revision, upgrade_to_head

        engine = self.engine
        revision = current_revision(engine)
        if revision != head_revision():
            if revision is not None and is_postgres(engine):
                raise ConfigError(f"the database is at schema {revision}, the code needs {head_revision()}: "
                                  "run `huiqi init` to migrate it")
            upgrade_to_head(engine)
        return engine

    @functools.cached_property
    def workflows(self):
        from huiqi.workflow.service import Workflows

        return Workflows.collect(self.manager, self.registry)

    def calculator(self):
        from huiqi.calculator import Calculator

        hook = self.manager.hook.huiqi_after_evaluate
        return Calculator(self.registry, observe=lambda result: hook(result=result))


pass_app = click.make_pass_decorator(AppContext)

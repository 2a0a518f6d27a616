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

    def calculator(self):
        from huiqi.calculator import Calculator

        hook = self.manager.hook.huiqi_after_evaluate
        return Calculator(self.registry, observe=lambda result: hook(result=result))


pass_app = click.make_pass_decorator(AppContext)

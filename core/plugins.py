"""Finding plugins: the pluggy manager, entry-point discovery, and the registry of documents."""

from __future__ import annotations

import importlib.metadata
import os
from typing import Iterable

import attrs
import pluggy

from huiqi import hookspecs
from huiqi.config import Config, load_config
from huiqi.document import Document
from huiqi.errors import ConfigError, InputError, PolicyError
from huiqi.rules.measure import Measure

ENTRY_POINT_GROUP = "huiqi"
BLOCK_ENV = "HUIQI_BLOCK_PLUGINS"  # comma-separated plugin names never loaded, e.g. a broken one


@attrs.frozen
class InstalledPlugin:
    name: str
    version: str
    module: object


def get_plugin_manager(*, entry_points: bool = True, extra: Iterable[tuple[str, object]] = ()) -> pluggy.PluginManager:
    """A fresh manager: specs added, entry points loaded, extra (name, module) pairs registered.

    ``check_pending()`` makes a hook implementation whose name matches no spec fail loudly.
    """
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    blocked = {n.strip() for n in os.environ.get(BLOCK_ENV, "").split(",") if n.strip()}
    for name in blocked:
        manager.set_blocked(name)
    versions: dict[str, str] = {}
    if entry_points:
        for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            if entry_point.name in blocked or manager.has_plugin(entry_point.name):
                continue
            manager.register(_load(entry_point), name=entry_point.name)
            versions[entry_point.name] = entry_point.dist.version if entry_point.dist else "—"
    for name, module in extra:
        if name not in blocked:
            manager.register(module, name=name)
            versions[name] = getattr(module, "__version__", "—")
    manager.huiqi_versions = versions  # what `huiqi plugins list` shows
    try:
        manager.check_pending()
    except pluggy.PluginValidationError as error:
        raise ConfigError(f"plugin {error.plugin!r}: {error}") from None
    return manager


def _load(entry_point: importlib.metadata.EntryPoint) -> object:
    try:
        return entry_point.load()
    except Exception as error:  # a plugin's import error, re-raised with the plugin's name
        raise ConfigError(f"plugin {entry_point.name!r} ({entry_point.value}) failed to import: {error!r}") from error


@attrs.frozen
class Registry:
    """Every installed document, which ones are enabled, and lookup of policy ids."""

    documents: tuple[Document, ...]
    plugin_of: dict  # document name → plugin (entry-point) name
    versions: dict  # plugin name → version
    config: Config

    def is_enabled(self, document: Document) -> bool:
        return self.config.is_enabled(self.plugin_of[document.name])

    def enabled_documents(self) -> list[Document]:
        return [d for d in self.documents if self.is_enabled(d)]

    def document(self, name: str) -> Document | None:
        return next((d for d in self.documents if d.name == name), None)

    def _expected_policy(self) -> str:
        """Built only when a policy id is wrong (the hot path never needs it)."""
        known = [p for d in self.enabled_documents() for p in d.policy_ids()]
        return "an enabled policy id <plugin>.<measure>, e.g. " + (known[0] if known else "none enabled")

    def resolve(self, policy_id: object, field: str = "policy") -> tuple[Document, Measure]:
        """A policy id ``<plugin>.<measure>`` → its enabled document and measure."""
        if not isinstance(policy_id, str) or "." not in policy_id:
            raise InputError(field, policy_id, self._expected_policy())
        name, _, measure_id = policy_id.partition(".")
        document = self.document(name)
        measure = document.measure(measure_id) if document else None
        if document is None or measure is None:
            raise InputError(field, policy_id, self._expected_policy(), reason=f"unknown policy {policy_id!r}")
        if not self.is_enabled(document):
            raise PolicyError(f"{field}: policy {policy_id} belongs to plugin {name}, which this deployment "
                              f"disables ({self.config.path}); enable it with `huiqi plugins enable {name}`")
        return document, measure


def _with_deployment_parameters(document: Document, config: Config, plugin: str) -> Document:
    """The deployment's own later dated rows (huiqi.toml [parameters]) on top of the plugin's."""
    path = config.parameter_files.get(plugin)
    if path is None:
        return document
    import yaml

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"{path}: cannot read the deployment's parameters for {plugin}: {error}") from None
    return attrs.evolve(document, parameters=document.parameters.with_rows(raw, str(path)))


def load_registry(config: Config | None = None, manager: pluggy.PluginManager | None = None) -> Registry:
    config = config or load_config()
    manager = manager or get_plugin_manager()
    documents: list[Document] = []
    plugin_of: dict[str, str] = {}
    versions: dict[str, str] = {}
    for plugin_name, plugin in manager.list_name_plugin():
        if not hasattr(plugin, "huiqi_documents"):
            continue
        versions[plugin_name] = getattr(manager, "huiqi_versions", {}).get(plugin_name, "—")
        for document in plugin.huiqi_documents():
            if document.name in plugin_of:
                raise ConfigError(f"document {document.name!r} is supplied by both {plugin_of[document.name]!r} "
                                  f"and {plugin_name!r}")
            plugin_of[document.name] = plugin_name
            documents.append(document)
    documents = [_with_deployment_parameters(d, config, plugin_of[d.name]) for d in documents]
    unknown = [p for p in (config.enabled or []) + config.disabled + list(config.parameter_files)
               if p not in versions]
    if unknown:
        raise ConfigError(f"{config.path}: unknown plugin(s) {', '.join(unknown)}; installed: "
                          f"{', '.join(sorted(versions)) or 'none'}")
    return Registry(tuple(sorted(documents, key=lambda d: d.name)), plugin_of, versions, config)

"""The deployment's configuration: huiqi.toml in the working directory (HUIQI_CONFIG overrides)."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import attrs

from huiqi.errors import ConfigError

DEFAULT_FILE = "huiqi.toml"


@attrs.define
class Config:
    """Which plugins this deployment enables; the database URL it uses."""

    path: Path
    enabled: list[str] | None = None  # an explicit list; None = every installed plugin…
    disabled: list[str] = attrs.field(factory=list)  # …except these
    database_url: str | None = None
    # plugin → a YAML file of the deployment's later dated parameter rows ([parameters] table)
    parameter_files: dict[str, Path] = attrs.field(factory=dict)

    def is_enabled(self, plugin: str) -> bool:
        if plugin in self.disabled:
            return False
        return self.enabled is None or plugin in self.enabled

    def enable(self, plugin: str) -> None:
        self.disabled = [p for p in self.disabled if p != plugin]
        if self.enabled is not None and plugin not in self.enabled:
            self.enabled.append(plugin)

    def disable(self, plugin: str) -> None:
        if plugin not in self.disabled:
            self.disabled.append(plugin)
        if self.enabled is not None:
            self.enabled = [p for p in self.enabled if p != plugin]

    def save(self) -> None:
        lines = ["# huiqi deployment configuration (written by `huiqi plugins enable/disable`)", ""]
        if self.database_url:
            lines += ["[database]", f"url = {_quote(self.database_url)}", ""]
        if self.parameter_files:
            lines.append("[parameters]")
            lines += [f"{plugin} = {_quote(str(path))}" for plugin, path in sorted(self.parameter_files.items())]
            lines.append("")
        lines.append("[plugins]")
        if self.enabled is not None:
            lines.append("enabled = [" + ", ".join(_quote(p) for p in self.enabled) + "]")
        lines.append("disabled = [" + ", ".join(_quote(p) for p in self.disabled) + "]")
        kept = _other_tables(self.path)  # e.g. a plugin's own [guangdong_vouchers] table
        self.path.write_text("\n".join(lines + ([""] + kept if kept else [])) + "\n", encoding="utf-8")


_OWN_TABLES = {"database", "parameters", "plugins"}
_TABLE_HEADER = re.compile(r"\s*\[\[?\s*([A-Za-z0-9_-]+|\"[^\"]*\")[^\]]*\]\]?\s*(#.*)?")


def _other_tables(path: Path) -> list[str]:
    """The lines of the tables ``save`` does not write itself, as they stand in the file."""
    if not path.exists():
        return []
    kept: list[str] = []
    keep = False
    for line in path.read_text(encoding="utf-8").splitlines():
        header = _TABLE_HEADER.fullmatch(line)
        if header:
            keep = header.group(1).strip('"') not in _OWN_TABLES
        if keep:
            kept.append(line)
    while kept and not kept[-1].strip():
        kept.pop()
    return kept


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def config_path() -> Path:
    return Path(os.environ.get("HUIQI_CONFIG") or DEFAULT_FILE)


def load_config(path: Path | None = None) -> Config:
    """Read the configuration; a missing file means every installed plugin is enabled."""
    path = path or config_path()
    if not path.exists():
        return Config(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the configuration: {error}") from None
    plugins = raw.get("plugins", {})
    enabled = plugins.get("enabled")
    disabled = plugins.get("disabled", [])
    for key, value in (("enabled", enabled), ("disabled", disabled)):
        if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
            raise ConfigError(f"{path}: plugins.{key} must be a list of plugin names")
    url = raw.get("database", {}).get("url")
    if url is not None and not isinstance(url, str):
        raise ConfigError(f"{path}: database.url must be a string")
    files = raw.get("parameters", {})
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise ConfigError(f"{path}: [parameters] maps a plugin name to the path of its parameter file")
    base = path.parent
    parameter_files = {plugin: (base / file) for plugin, file in files.items()}
    return Config(path, list(enabled) if enabled is not None else None, list(disabled), url, parameter_files)

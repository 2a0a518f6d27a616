"""The explicit package list in pyproject.toml names every package directory (auto-discovery
cannot follow the core→huiqi, plugins→huiqi_plugins mapping)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _package_dirs(top: Path, name: str) -> set[str]:
    found = set()
    for init in top.rglob("__init__.py"):
        relative = init.parent.relative_to(top)
        found.add(".".join((name, *relative.parts)) if relative.parts else name)
    return found


def test_every_package_directory_is_listed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    mapping = config["tool"]["setuptools"]["package-dir"]
    assert mapping == {"huiqi": "core", "huiqi_plugins": "plugins"}
    present = _package_dirs(ROOT / "core", "huiqi") | _package_dirs(ROOT / "plugins", "huiqi_plugins")
    assert present - listed == set(), "add these to [tool.setuptools] packages"
    assert listed - present == set(), "listed packages without a directory"


def test_every_in_tree_plugin_has_an_entry_point():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    entry_points = config["project"]["entry-points"]["huiqi"]
    plugins = {p.name for p in (ROOT / "plugins").iterdir() if (p / "hooks.py").exists()}
    assert set(entry_points) == plugins
    for name, target in entry_points.items():
        assert target == f"huiqi_plugins.{name}.hooks"

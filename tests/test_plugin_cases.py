"""Every installed plugin's plain-language cases (``cases/*.yaml``), run through the calculator."""

from __future__ import annotations

from pathlib import Path

import pytest

from huiqi.config import Config
from huiqi.plugins import get_plugin_manager, load_registry
from huiqi.testing_cases import check_case, discover, uncovered

PLUGINS = discover(get_plugin_manager(), load_registry(Config(Path("huiqi-test-cases.toml"))))
CASES = [case for plugin in PLUGINS for case in plugin.cases()]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(calculator, case):
    check_case(calculator, case)


@pytest.mark.parametrize("plugin", PLUGINS, ids=[plugin.plugin for plugin in PLUGINS])
def test_cases_cover_every_measure(plugin):
    assert plugin.files(), f"{plugin.plugin} has no cases in {plugin.directory}"
    missing = uncovered(plugin, plugin.cases())
    assert not missing, f"{plugin.plugin}: no case in {plugin.directory} for {', '.join(missing)}"


def test_case_names_are_unique_within_a_plugin():
    for plugin in PLUGINS:
        names = [case.name for case in plugin.cases()]
        assert len(names) == len(set(names)), f"{plugin.plugin}: duplicate case names"

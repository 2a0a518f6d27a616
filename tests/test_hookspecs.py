"""Meta-tests: every hook is documented with its exact parameters, and every hook has a test."""

import inspect
import re
from pathlib import Path

from huiqi import hookspecs

HOOKS = {name: fn for name, fn in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("huiqi_")}


def test_there_are_hooks():
    assert {"huiqi_documents", "huiqi_after_evaluate", "huiqi_cli_commands"} <= set(HOOKS)


def test_every_hook_is_documented_with_its_parameters():
    for name, fn in HOOKS.items():
        doc = inspect.getdoc(fn) or ""
        assert len(doc.splitlines()[0]) > 20, f"{name}: needs a one-line summary"
        assert "Called" in doc, f"{name}: say when it is called"
        assert any(w in doc for w in ("Collector", "firstresult", "Observe", "return value is ignored")), \
            f"{name}: say how results combine (collector, firstresult or observer)"
        for parameter in inspect.signature(fn).parameters:
            assert f":param {parameter}:" in doc, f"{name}: document :param {parameter}:"
        returns = inspect.signature(fn).return_annotation
        if returns not in (None, "None"):
            assert ":returns:" in doc, f"{name}: document :returns:"


def test_every_hook_has_a_test():
    tests = (Path(__file__).parent / "test_hooks.py").read_text()
    for name in HOOKS:
        assert re.search(rf"def test_{name}\b", tests), f"tests/test_hooks.py needs test_{name}"


def test_hook_names_carry_the_prefix_and_specs_are_marked():
    for name, fn in HOOKS.items():
        assert re.fullmatch(r"huiqi_[a-z_]+", name)
        assert hasattr(fn, "huiqi_spec"), f"{name} is not marked @hookspec"

"""One test per hook (tests/test_hookspecs.py checks that each has one), plus discovery."""

import datetime as dt
import importlib.metadata

import click
import pytest
from click.testing import CliRunner

from huiqi.calculator import Calculator
from huiqi.document import Document
from huiqi.errors import ConfigError
from huiqi.facts import MONEY, REGION, Fact
from huiqi.hookspecs import hookimpl
from huiqi.parameters import parse_parameters
from huiqi.plugins import _load, get_plugin_manager, load_registry
from huiqi.rules import Measure, Rule, fact, param, percent, starts_with
from huiqi.testing import fresh_config


def tiny_document(name: str = "tiny_policy") -> Document:
    parameters = parse_parameters(
        {"effective_from": "2024-01-01", "parameters": {
            "rate": {"type": "percent", "values": [{"effective_from": "2024-01-01", "value": 5, "source": "第一条"}]}}},
        name, "test", {})
    measure = Measure(
        "grant", "测试补助", "第一条",
        rules=(Rule("grant.local", "第一条", starts_with(fact("region_code"), "34"), ("in Anhui", "outside Anhui")),),
        award=percent(fact("cost_amount"), param("rate")),
    )
    facts = {"region_code": Fact("region_code", REGION), "cost_amount": Fact("cost_amount", MONEY)}
    return Document(name, "测试政策", "测试厅", "", dt.date(2024, 1, 1), "none", "340000", facts, (measure,),
                    parameters)


class TinyPlugin:
    @hookimpl
    def huiqi_documents(self):
        return [tiny_document()]


def test_huiqi_documents(make_manager, tmp_path):
    manager = make_manager(("tiny", TinyPlugin()))
    registry = load_registry(fresh_config(tmp_path), manager)
    names = [d.name for d in registry.documents]
    assert "tiny_policy" in names and "anhui_iiot_grants" in names
    assert registry.plugin_of["tiny_policy"] == "tiny"
    assert registry.plugin_of["anhui_iiot_grants"] == "anhui_iiot_grants"
    # the hook as pluggy calls it: a collector of lists
    collected = [d.name for docs in manager.hook.huiqi_documents() for d in docs]
    assert sorted(collected) == sorted(names)


def test_huiqi_after_evaluate(make_manager, tmp_path):
    seen = []

    class Observer:
        @hookimpl
        def huiqi_after_evaluate(self, result):
            seen.append(result)

    manager = make_manager(("tiny", TinyPlugin()), ("observer", Observer()))
    registry = load_registry(fresh_config(tmp_path), manager)
    calculator = Calculator(registry, observe=lambda result: manager.hook.huiqi_after_evaluate(result=result))
    result = calculator.evaluate({"policy": "tiny_policy.grant", "as_of": "2024-06-01",
                                  "facts": {"region_code": "340100", "cost_amount": "1000.10"}})
    assert seen == [result]
    assert result.award_fen == 5001  # 5 % of 100,010 fen = 5,000.5 → half-up 5,001


def test_huiqi_cli_commands(make_manager, tmp_path, monkeypatch):
    class CommandPlugin(TinyPlugin):
        @hookimpl
        def huiqi_cli_commands(self, cli):
            @cli.command("tiny-hello")
            def hello():
                click.echo("hello from tiny")

    from huiqi import cli as cli_module
    from huiqi.cli.context import AppContext

    manager = make_manager(("tiny", CommandPlugin()))
    app = AppContext()
    app.__dict__["manager"] = manager
    app.__dict__["config"] = fresh_config(tmp_path)
    try:
        cli_module._register_plugin_commands(app)
        result = CliRunner().invoke(cli_module.cli, ["tiny-hello"])
        assert result.exit_code == 0 and "hello from tiny" in result.output
    finally:
        cli_module.cli.commands.pop("tiny-hello", None)


def test_a_misspelt_hook_fails_loudly():
    class Misspelt:
        @hookimpl
        def huiqi_documnets(self):
            return []

    with pytest.raises(ConfigError, match="huiqi_documnets"):
        get_plugin_manager(entry_points=False, extra=[("misspelt", Misspelt())])


def test_a_plugin_import_error_names_the_plugin():
    broken = importlib.metadata.EntryPoint(name="broken_plugin", value="huiqi_no_such_module.hooks", group="huiqi")
    with pytest.raises(ConfigError, match="broken_plugin"):
        _load(broken)


def test_blocked_plugins_are_not_loaded(monkeypatch):
    monkeypatch.setenv("HUIQI_BLOCK_PLUGINS", "anhui_iiot_grants")
    manager = get_plugin_manager()
    assert not manager.has_plugin("anhui_iiot_grants")


def test_in_tree_plugins_come_through_the_entry_point_group():
    names = {ep.name for ep in importlib.metadata.entry_points(group="huiqi")}
    assert "anhui_iiot_grants" in names


def test_two_plugins_supplying_one_document_is_an_error(make_manager, tmp_path):
    with pytest.raises(ConfigError, match="supplied by both"):
        load_registry(fresh_config(tmp_path), make_manager(("one", TinyPlugin()), ("two", TinyPlugin())))


def test_disabled_plugin_policies_are_refused(make_manager, tmp_path):
    config = fresh_config(tmp_path)
    config.disable("tiny")
    registry = load_registry(config, make_manager(("tiny", TinyPlugin())))
    with pytest.raises(Exception, match="huiqi plugins enable tiny"):
        registry.resolve("tiny_policy.grant")




def test_huiqi_workflows(make_manager, tmp_path):
    from huiqi.workflow.service import Workflows
    from huiqi.workflow.spec import Action, Role, Workflow

    class WorkflowPlugin(TinyPlugin):
        @hookimpl
        def huiqi_workflows(self):
            return [Workflow("tiny_policy.application", ("tiny_policy.grant",), ("draft", "done"), "draft",
                             ("done",), (Action("finish", ("draft",), "done", (Role("officer"),)),))]

    manager = make_manager(("tiny", WorkflowPlugin()))
    registry = load_registry(fresh_config(tmp_path), manager)
    workflows = Workflows.collect(manager, registry)
    assert workflows.for_policy("tiny_policy.grant").name == "tiny_policy.application"
    assert workflows.for_policy("anhui_iiot_grants.equipment_upgrade").name == "anhui_iiot_grants.application"
    config = fresh_config(tmp_path)
    config.disable("tiny")
    disabled = Workflows.collect(manager, load_registry(config, manager))
    assert "tiny_policy.application" not in disabled.by_name


def test_huiqi_reports(make_manager, tmp_path):
    from huiqi.reports import Column, Report, ReportData, collect_reports

    def build(ctx):
        return ReportData((Column("n", "数"),), ({"n": 1},))

    class ReportPlugin(TinyPlugin):
        @hookimpl
        def huiqi_reports(self):
            return [Report("tiny_list", "测试清单", build, plugin="tiny_policy", viewers=("auditor",))]

    manager = make_manager(("tiny", ReportPlugin()))
    reports = collect_reports(manager, load_registry(fresh_config(tmp_path), manager))
    assert reports["tiny_list"].plugin == "tiny_policy"
    assert {"applications_by_state", "award_schedule"} <= set(reports)  # the core's and anhui_iiot_grants'
    config = fresh_config(tmp_path)
    config.disable("tiny")
    assert "tiny_list" not in collect_reports(manager, load_registry(config, manager))

    class Clash(TinyPlugin):
        @hookimpl
        def huiqi_reports(self):
            return [Report("payouts", "重名", build, plugin="tiny_policy", viewers=())]

    clashing = make_manager(("tiny", Clash()))
    with pytest.raises(ConfigError, match="report 'payouts' is supplied by both"):
        collect_reports(clashing, load_registry(fresh_config(tmp_path), clashing))

"""``huiqi docs build``: the site builds with ``mkdocs build --strict`` and shows, from the code,
every rule of every enabled plugin with its citation, every parameter row, the workflow and the hooks."""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from huiqi import hookspecs
from huiqi.docs import build_site, default_docs_dir
from huiqi.docs.diagram import mermaid, possible_targets
from huiqi.docs.hookref import hook_docs
from huiqi.docs.values import cell, parameter_value
from huiqi.workflow.service import Workflows

AS_OF = dt.date(2022, 6, 30)


class _Text(HTMLParser):
    """The visible text of a page's article, whitespace collapsed (entities decoded)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def page_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


def words(text: str) -> str:
    return " ".join(str(text).split())


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site of every installed plugin (all enabled), built once for the module."""
    from huiqi.plugins import get_plugin_manager, load_registry
    from huiqi.testing import fresh_config

    out = tmp_path_factory.mktemp("site")
    manager = get_plugin_manager()
    registry = load_registry(fresh_config(out), manager)
    built = build_site(registry, manager, out / "project", as_of=AS_OF, docs_dir=default_docs_dir())
    return built, registry, manager


@pytest.mark.slow
def test_every_rule_of_every_enabled_plugin_appears_with_its_citation(site):
    built, registry, _ = site
    assert registry.enabled_documents(), "no plugin to document"
    for document in registry.enabled_documents():
        for measure in document.measures:
            page = built.html / "plugins" / document.name / f"{measure.id}.html"
            text = page_text(page)
            for rule in measure.all_rules():
                row = re.search(re.escape(rule.id) + r" (.*?)(?= \d+ " + re.escape(measure.id) + r"\.|$)", text)
                assert row, f"{page.name}: rule {rule.id} is missing"
                assert words(rule.citation) in row.group(1), f"{rule.id}: citation {rule.citation!r} not beside it"
                assert words(rule.in_words()) in row.group(1), f"{rule.id}: its condition in words is missing"
                if rule.quote:
                    assert words(rule.quote) in row.group(1), f"{rule.id}: its source phrase is missing"


@pytest.mark.slow
def test_each_parameter_row_of_a_measure_is_shown_with_its_date_and_source(site):
    built, registry, _ = site
    for document in registry.enabled_documents():
        for measure in document.measures:
            text = page_text(built.html / "plugins" / document.name / f"{measure.id}.html")
            for name in measure.params():
                parameter = document.parameters[name]
                for row in parameter.rows:
                    shown = f"{row.effective_from} {parameter_value(parameter.type, row.value, parameter.unit)}"
                    assert words(shown) in text, f"{measure.id}: {name} row {row.effective_from} is missing"
                    assert words(row.source) in text, f"{measure.id}: the source of {name} is missing"


@pytest.mark.slow
def test_the_document_page_names_the_source_document_and_the_kpis(site):
    built, registry, _ = site
    for document in registry.enabled_documents():
        text = page_text(built.html / "plugins" / document.name / "index.html")
        for shown in (document.issuer, document.number, document.seed_file, str(document.effective_from)):
            assert words(shown) in text
        for kpi in document.kpis:
            assert kpi.id in text and words(kpi.citation) in text


@pytest.mark.slow
def test_the_workflow_page_carries_the_mermaid_diagram_and_every_step(site):
    built, registry, manager = site
    workflows = Workflows.collect(manager, registry).by_name.values()
    assert workflows
    for workflow in workflows:
        document = (workflow.policies + workflow.registrations)[0].split(".")[0]
        page = built.html / "plugins" / document / f"workflow-{workflow.name.split('.')[-1].replace('_', '-')}.html"
        source = page.read_text(encoding="utf-8")
        assert '<pre class="mermaid"><code>stateDiagram-v2' in source
        text = page_text(page)
        for action in workflow.actions:
            assert action.name in text
            for role in action.roles:
                assert str(role) in text, f"{workflow.name}: {action.name}'s role {role} is missing"


@pytest.mark.slow
def test_nothing_is_loaded_from_the_network_at_view_time(site):
    built, _, _ = site
    index = (built.html / "index.html").read_text(encoding="utf-8")
    assert "assets/mermaid.tiny.js" in index
    assert (built.html / "assets" / "mermaid.tiny.js").stat().st_size > 1_000_000
    assert not re.findall(r"""(?:src|href)=["']https?://""", index), "the site loads something from the network"


@pytest.mark.slow
def test_the_hooks_guides_and_reports_are_in_the_site(site):
    built, registry, _ = site
    hooks = page_text(built.html / "reference" / "hooks.html")
    for hook in hook_docs(hookspecs):
        assert hook.name in hooks and words(hook.summary.replace("`", "")) in hooks
    for guide in ("deployer", "administrator", "policy-developer"):
        assert (built.html / "guides" / f"{guide}.html").exists()
    for document in registry.enabled_documents():
        reports = built.html / "plugins" / document.name / "reports.html"
        if reports.exists():
            text = page_text(reports)
            assert "No sample" not in text, "a report sample could not be built: " + text[text.find("No sample"):][:400]


def test_hook_reference_reads_every_hookspec_with_its_parameters():
    docs = {doc.name: doc for doc in hook_docs(hookspecs)}
    assert {"huiqi_documents", "huiqi_after_evaluate", "huiqi_cli_commands"} <= set(docs)
    assert docs["huiqi_after_evaluate"].params[0][0] == "result"
    assert docs["huiqi_documents"].returns
    assert docs["huiqi_documents"].phase == "registration"


def test_cells_neutralise_markdown_and_html():
    assert cell("a|b *c* _d_ <e>") == "a&#124;b &#42;c&#42; &#95;d&#95; &lt;e&gt;"
    assert html.unescape(cell('003 若干政策 "最高500万元" (L24)')) == '003 若干政策 "最高500万元" (L24)'
    assert cell("") == "—"


def test_target_functions_name_their_possible_states():
    def after_submit(ctx):
        return "submitted" if ctx.params["city_review_required"] else "under_review"

    assert possible_targets(after_submit, ("draft", "submitted", "under_review")) == ("submitted", "under_review")


def test_the_diagram_draws_actions_timers_and_the_payout(registry, plugin_manager):
    for workflow in Workflows.collect(plugin_manager, registry).by_name.values():
        text = mermaid(workflow)
        assert text.startswith("stateDiagram-v2")
        assert f"[*] --> {workflow.initial}" in text
        if workflow.payable and workflow.paid:
            assert f"{workflow.payable} --> {workflow.paid} : payout run" in text

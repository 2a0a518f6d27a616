"""Writing the MkDocs project of a deployment's enabled plugins, and building it with ``mkdocs build --strict``."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import attrs
import jinja2

from huiqi import hookspecs
from huiqi.docs.collect import DocumentView, document_view, fact_view
from huiqi.docs.hookref import hook_docs
from huiqi.docs.values import cell, code, day
from huiqi.errors import ConfigError

HERE = files("huiqi.docs")
SITE_DIR = "html"  # the built HTML, inside the project directory
# Served with the site, so that it works from disk with no network: Mermaid (@mermaid-js/tiny, which
# Material would otherwise load from a CDN) and the iframe-worker shim of Material's offline search.
ASSETS = ("mermaid.tiny.js", "mermaid.LICENSE.txt", "iframe-worker-shim.js", "iframe-worker.LICENSE.txt", "huiqi.css")


@attrs.frozen
class Guide:
    file: str
    title: str
    text: str


@attrs.frozen
class BuiltSite:
    project: Path  # mkdocs.yml and docs/
    html: Path | None  # the built site, None when not built
    documents: tuple[str, ...]

    @property
    def index(self) -> Path | None:
        return self.html / "index.html" if self.html else None


def default_docs_dir() -> Path | None:
    """The hand-written docs/ of a source checkout (beside core/), else ./docs, else None."""
    for candidate in (Path(__file__).resolve().parents[2] / "docs", Path.cwd() / "docs"):
        if (candidate / "guides").is_dir():
            return candidate
    return None


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")), undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True, autoescape=False)
    env.filters.update(cell=cell, code=code, day=day, anchor=lambda name: "p-" + name.replace("_", "-"),
                       yaml_text=lambda text: str(text).replace("\\", "\\\\").replace('"', '\\"'))
    return env


def collect_views(registry, manager, as_of: dt.date, only: tuple[str, ...] = ()) -> list[DocumentView]:
    """The enabled documents (or only the named plugins/documents among them), ready for the templates."""
    from huiqi.workflow.service import Workflows

    documents = registry.enabled_documents()
    if only:
        unknown = set(only) - {d.name for d in documents} - {registry.plugin_of[d.name] for d in documents}
        if unknown:
            raise ConfigError(f"docs build --plugin: {', '.join(sorted(unknown))} is not an enabled plugin; enabled: "
                              f"{', '.join(d.name for d in documents) or 'none'}")
        documents = [d for d in documents if d.name in only or registry.plugin_of[d.name] in only]
    workflows = list(Workflows.collect(manager, registry).by_name.values())
    views = []
    for document in documents:
        plugin = registry.plugin_of[document.name]
        view = document_view(document, plugin, registry.versions.get(plugin, "—"), workflows, as_of)
        views.append(attrs.evolve(view, reports=_reports(manager, registry, view)))
    return views


def _reports(manager, registry, view: DocumentView) -> tuple:
    from huiqi.docs import reports

    return tuple(reports.report_views(manager, registry, view)) if reports.available(manager) else ()


def write_project(out: Path, views: list[DocumentView], *, manager, docs_dir: Path | None, as_of: dt.date) -> Path:
    """Write mkdocs.yml and docs/ under ``out`` (its docs/ is replaced); returns the mkdocs.yml path."""
    from huiqi.docs import reports

    env = environment()
    out.mkdir(parents=True, exist_ok=True)
    source = out / "docs"
    if source.exists():
        shutil.rmtree(source)
    (source / "assets").mkdir(parents=True)
    for asset in ASSETS:
        (source / "assets" / asset).write_bytes((HERE / "assets" / asset).read_bytes())
    guides = _copy_hand_written(docs_dir, source)
    contract = (source / "contract.md").exists()
    built_on = dt.date.today().isoformat()
    api = reports.available(manager)
    common = {"built_on": built_on, "as_of": as_of.isoformat(), "reports_api": api}
    intro = _home_intro(docs_dir)
    _write(source / "index.md", env.get_template("home.md.j2").render(intro=intro, documents=views, **common))
    for view in views:
        _write_document(env, source / "plugins" / view.name, view, common)
        if api:
            _write(source / "plugins" / view.name / "reports.md", reports.render_page(env, view, common))
            reports.write_samples(source / "plugins" / view.name, view)
    phases: dict[str, list] = {}
    for hook in hook_docs(hookspecs):
        phases.setdefault(hook.phase, []).append(hook)
    _write(source / "reference" / "hooks.md", env.get_template("hooks.md.j2").render(phases=list(phases.items())))
    config = out / "mkdocs.yml"
    _write(config, env.get_template("mkdocs.yml.j2").render(documents=views, guides=guides, contract=contract,
                                                            site_dir=SITE_DIR, **common))
    return config


def _write_document(env: jinja2.Environment, folder: Path, view: DocumentView, common: dict) -> None:
    facts = [fact_view(view.document, name) for name in sorted(view.document.facts)]
    _write(folder / "index.md", env.get_template("document.md.j2").render(doc=view, facts=facts, **common))
    slug_of = {flow.workflow.name: flow.slug for flow in view.workflows}
    for measure in view.measures:
        _write(folder / f"{measure.measure.id}.md", env.get_template("measure.md.j2").render(
            view=measure, workflow_slug=slug_of.get(measure.workflow, ""), example=_example(view, measure), **common))
    for flow in view.workflows:
        _write(folder / f"{flow.slug}.md", env.get_template("workflow.md.j2").render(flow=flow, **common))


PLACEHOLDER = {"money": "1000000.00", "bool": True, "int": 1, "region": None, "date": None}


def _example(view: DocumentView, measure) -> str:
    """The shape of a case for this measure, with placeholder values of the right types."""
    facts = {}
    for fact in measure.facts:
        kind = view.document.facts[fact.name].type
        if fact.name == "applicant_uscc" or kind.name == "uscc":
            continue
        if kind.choices:
            facts[fact.name] = kind.choices[0]
        elif kind.name == "region":
            facts[fact.name] = view.document.jurisdiction
        elif kind.name == "date":
            facts[fact.name] = view.as_of.isoformat()
        else:
            facts[fact.name] = PLACEHOLDER.get(kind.name, "…")
    case = {"policy": measure.policy, "as_of": view.as_of.isoformat(), "facts": facts}
    return json.dumps(case, ensure_ascii=False, indent=2)


def _copy_hand_written(docs_dir: Path | None, source: Path) -> list[Guide]:
    """docs/guides/*.md (titles from their first heading) and docs/contract.md, copied as they are."""
    if docs_dir is None:
        return []
    if (docs_dir / "contract.md").exists():
        shutil.copyfile(docs_dir / "contract.md", source / "contract.md")
    guides = []
    (source / "guides").mkdir()
    for path in sorted((docs_dir / "guides").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        heading = re.search(r"^# (.+)$", text, re.M)
        guides.append(Guide(path.name, heading.group(1).strip() if heading else path.stem, text))
        shutil.copyfile(path, source / "guides" / path.name)
    order = {"deployer.md": 0, "administrator.md": 1, "policy-developer.md": 2}
    return sorted(guides, key=lambda g: (order.get(g.file, 9), g.file))


def _home_intro(docs_dir: Path | None) -> str:
    if docs_dir is not None and (docs_dir / "index.md").exists():
        return (docs_dir / "index.md").read_text(encoding="utf-8").rstrip()
    return "# 惠企 huiqi — policy documentation"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def mkdocs_build(config: Path) -> Path:
    """``mkdocs build --strict`` of the written project; a warning fails the build (ConfigError with its log)."""
    config = config.resolve()
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--config-file", str(config)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, cwd=config.parent, timeout=600)
    except FileNotFoundError:
        raise ConfigError("mkdocs is not installed: pip install mkdocs mkdocs-material") from None
    if done.returncode != 0:
        log = "\n".join(line for line in (done.stderr + done.stdout).splitlines() if line.strip())
        raise ConfigError(f"mkdocs build --strict failed for {config}:\n{log}")
    return config.parent / SITE_DIR


def build_site(registry, manager, out: Path, *, as_of: dt.date | None = None, only: tuple[str, ...] = (),
               docs_dir: Path | None = None, build: bool = True) -> BuiltSite:
    """The documentation site of the enabled plugins: the MkDocs project in ``out``, built into ``out/html``."""
    as_of = as_of or dt.date.today()
    views = collect_views(registry, manager, as_of, only)
    config = write_project(Path(out), views, manager=manager, docs_dir=docs_dir, as_of=as_of)
    html = mkdocs_build(config) if build else None
    return BuiltSite(Path(out), html, tuple(v.name for v in views))

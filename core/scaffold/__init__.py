"""``huiqi new-plugin``: a working out-of-tree plugin distribution, rendered from the templates beside this file.

Files ending ``.j2`` are rendered with ``[[ … ]]`` / ``[% … %]`` delimiters (so that the Python and
YAML inside keep their own braces) and lose the suffix; other files, and everything in a ``templates``
folder (the plugin's own jinja2 report templates), are copied as they are. A directory or file name
``__package__`` becomes the plugin's name.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import importlib.util
import keyword
import re
from importlib.resources import files
from pathlib import Path

import jinja2

from huiqi import __version__
from huiqi.errors import InputError

NAME_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
EXPECTED = "a snake_case name such as shanghai_cloud_vouchers (the prefix of its policy ids)"
TEMPLATE = files("huiqi.scaffold") / "template"
MEASURE = "cloud_voucher"


def validate_name(name: str) -> str:
    """A plugin name: snake_case, not a Python keyword, not an installed plugin or importable module."""
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name) or keyword.iskeyword(name):
        raise InputError("NAME", name, EXPECTED)
    installed = {ep.name for ep in importlib.metadata.entry_points(group="huiqi")}
    if name in installed:
        raise InputError("NAME", name, EXPECTED + ", not an installed plugin",
                         reason=f"a plugin named {name!r} is already installed (huiqi plugins list)")
    if importlib.util.find_spec(name) is not None:
        raise InputError("NAME", name, EXPECTED + ", not the name of an importable module",
                         reason=f"{name!r} is already an importable Python module")
    return name


def context(name: str) -> dict:
    """The values the templates are rendered with: the example document's identity and dates."""
    from huiqi.regions import region_name

    jurisdiction = "340100"
    return {
        "name": name, "distribution": "huiqi-" + name.replace("_", "-"), "measure": MEASURE,
        "huiqi_version": __version__, "title": "上云服务券实施细则（示例）", "short_title": "上云服务券",
        "issuer": "示例市经济和信息化局", "number": "示经信〔2023〕1号", "issued_on": "2023-12-15",
        "effective_from": "2024-01-01", "second_rate_from": "2025-01-01", "day_before": "2023-12-31",
        "kpi_to": "2026-12-31", "example_day": "2024-06-28", "seed_file": "(none: an example)",
        "jurisdiction": jurisdiction, "jurisdiction_name": region_name(jurisdiction) or jurisdiction,
        "region_prefix": jurisdiction.rstrip("0"), "example_city": jurisdiction,
        "example_region": "340104", "citation_prefix": "示经信〔2023〕1号",
        "reports": importlib.util.find_spec("huiqi.reports") is not None, "created": dt.date.today().isoformat(),
    }


def scaffold(name: str, directory: Path) -> Path:
    """Write the plugin distribution ``directory/name``; refuses an existing non-empty folder."""
    validate_name(name)
    target = Path(directory) / name
    if target.exists() and any(target.iterdir()):
        raise InputError("--dir", str(directory), "a directory without a non-empty folder " + name,
                         reason=f"{target} already exists and is not empty")
    values = context(name)
    environment = jinja2.Environment(
        variable_start_string="[[", variable_end_string="]]", block_start_string="[%", block_end_string="%]",
        comment_start_string="[#", comment_end_string="#]", keep_trailing_newline=True, trim_blocks=True,
        undefined=jinja2.StrictUndefined)
    for source, relative in _template_files(TEMPLATE, Path()):
        report_file = relative.name == "reports.py.j2" or "templates" in relative.parts[:-1]
        if report_file and not values["reports"]:
            continue  # a huiqi without the reports API: the plugin offers none
        path = target / Path(*(part.replace("__package__", name) for part in relative.parts))
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.name.endswith(".j2") and "templates" not in relative.parts[:-1]:
            text = environment.from_string(source.read_text(encoding="utf-8")).render(values)
            path.with_name(path.name.removesuffix(".j2")).write_text(text, encoding="utf-8")
        else:
            path.write_bytes(source.read_bytes())
    return target


def _template_files(folder, relative: Path):
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            yield from _template_files(entry, relative / entry.name)
        else:
            yield entry, relative / entry.name

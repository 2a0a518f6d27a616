"""The hook reference, read from ``huiqi.hookspecs``: phase, signature and docstring of every hook."""

from __future__ import annotations

import inspect
import re
from types import ModuleType

import attrs

PHASE = re.compile(r"^# --- (?P<name>[^-]+?) -+\s*$")
FIELD = re.compile(r"^:(?P<kind>param|returns?)(?: (?P<name>\w+))?:\s*(?P<text>.*)$")
ROLE = re.compile(r":(?:class|func|meth|mod|attr):`~?([^`]+)`")


@attrs.frozen
class HookDoc:
    name: str
    phase: str
    signature: str
    summary: str
    body: str  # the docstring's prose after the summary, roles turned into inline code
    params: tuple[tuple[str, str], ...]
    returns: str
    firstresult: bool
    historic: bool


def hook_docs(module: ModuleType) -> list[HookDoc]:
    """Every ``huiqi_*`` hookspec of the module in source order, with the phase heading above it."""
    phases = _phases(module)
    docs = []
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if not name.startswith("huiqi_") or not hasattr(function, "huiqi_spec"):
            continue
        line = inspect.getsourcelines(function)[1]
        phase = next((p for start, p in reversed(phases) if start < line), "hooks")
        docs.append((line, _hook_doc(name, function, phase)))
    return [doc for _, doc in sorted(docs, key=lambda pair: pair[0])]


def _phases(module: ModuleType) -> list[tuple[int, str]]:
    lines = inspect.getsource(module).splitlines()
    return [(number, match["name"].strip()) for number, text in enumerate(lines, start=1)
            if (match := PHASE.match(text))]


def _hook_doc(name: str, function, phase: str) -> HookDoc:
    doc = inspect.getdoc(function) or ""
    summary, _, rest = doc.partition("\n")
    prose, params, returns = [], [], ""
    for text in rest.strip().splitlines():
        field = FIELD.match(text.strip())
        if field and field["kind"] == "param":
            params.append((field["name"], _roles(field["text"])))
        elif field:
            returns = _roles(field["text"])
        elif params or returns:  # a continuation line of the last field
            if returns:
                returns += " " + _roles(text.strip())
            else:
                params[-1] = (params[-1][0], params[-1][1] + " " + _roles(text.strip()))
        else:
            prose.append(_roles(text))
    options = function.huiqi_spec
    return HookDoc(name, phase, f"def {name}{inspect.signature(function)}", _roles(summary.strip()),
                   "\n".join(prose).strip(), tuple(params), returns,
                   bool(options.get("firstresult")), bool(options.get("historic")))


def _roles(text: str) -> str:
    """Sphinx roles (:class:`x`) as Markdown inline code; ``literal`` as `literal`."""
    return ROLE.sub(r"`\1`", text).replace("``", "`")

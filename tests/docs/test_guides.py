"""Every command a hand-written guide shows is run: the ``sh`` blocks of each guide, in order, in an
empty directory against a fresh SQLite database, through a real shell and the installed ``huiqi``.

Commands that cannot run here go in ``text`` blocks; each such line must start with one of the
prefixes in EXCLUDED, which says why it is not run (so nothing hides in a text block by accident).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

GUIDES = Path(__file__).resolve().parents[2] / "docs" / "guides"
BIN = Path(sys.executable).parent
FENCE = re.compile(r"^```(?P<lang>[a-z]*)[^\n]*\n(?P<body>.*?)^```\s*$", re.M | re.S)

EXCLUDED = {
    "python3.11 -m venv": "creates a virtual environment: the tests already run in one",
    "/opt/huiqi/bin/pip install": "installs from the package registry into the machine's Python",
    "pip install -e": "would install into the environment the tests run in; tests/docs/test_new_plugin.py installs "
                      "the scaffold with this pip into a folder of its own",
    "pip install": "installs from the package registry",
    "createdb": "needs a PostgreSQL server and its administrator",
    "export HUIQI_DB='postgresql": "points at a PostgreSQL server that the test machine may not have",
    "huiqi init": "only inside the PostgreSQL example above; the sh blocks run `huiqi init` on SQLite",
    "pg_dump": "needs a PostgreSQL server",
    "pg_restore": "needs a PostgreSQL server",
    "python -m pytest": "runs the scaffolded plugin's tests after installing it: tests/docs/test_new_plugin.py",
    "huiqi plugins list": "needs the scaffolded plugin installed: tests/docs/test_new_plugin.py checks it",
    "huiqi evaluate case.json": "needs the scaffolded plugin installed: tests/docs/test_new_plugin.py evaluates it",
    "huiqi docs build --plugin": "needs the scaffolded plugin installed: tests/docs/test_new_plugin.py builds it",
    "pip uninstall": "uninstalls from the environment",
}


def blocks(guide: Path) -> list[tuple[str, str]]:
    """(language, body) of every fenced block, in order."""
    return [(m["lang"], m["body"]) for m in FENCE.finditer(guide.read_text(encoding="utf-8"))]


def guide_files() -> list[Path]:
    return sorted(GUIDES.glob("*.md"))


def test_there_are_the_three_guides():
    assert {p.name for p in guide_files()} >= {"deployer.md", "administrator.md", "policy-developer.md"}


@pytest.mark.parametrize("guide", guide_files(), ids=lambda p: p.stem)
def test_text_blocks_hold_only_commands_excluded_for_a_stated_reason(guide):
    for lang, body in blocks(guide):
        if lang != "text":
            continue
        for line in body.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            reason = next((why for prefix, why in EXCLUDED.items() if line.startswith(prefix)), None)
            assert reason, f"{guide.name}: `{line}` is in a text block but not excluded with a reason: run it in " \
                           f"an sh block, or add its prefix to EXCLUDED saying why it cannot run"


def _environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUIQI_")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["HOME"] = str(tmp_path / "home")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


@pytest.mark.slow
@pytest.mark.parametrize("guide", guide_files(), ids=lambda p: p.stem)
def test_every_sh_block_runs_as_shown(guide, tmp_path):
    shell_blocks = [body for lang, body in blocks(guide) if lang == "sh"]
    assert shell_blocks, f"{guide.name} shows no command"
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "home").mkdir()
    env = _environment(tmp_path)
    for number, body in enumerate(shell_blocks, start=1):
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", body], cwd=work, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, (f"{guide.name}, sh block {number} failed (exit {done.returncode}):\n{body}\n"
                                      f"--- stdout\n{done.stdout[-3000:]}\n--- stderr\n{done.stderr[-3000:]}")

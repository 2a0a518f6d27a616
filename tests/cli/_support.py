"""Running ``huiqi`` the two ways a user meets it: in-process through click's CliRunner (fast)
and as a real subprocess of the installed console script (what a shell sees).

In-process runs go through ``huiqi.cli.main`` — not ``CliRunner.invoke(cli)``, which would skip
main()'s "one line on stderr, exit 2" handling of user mistakes — inside ``CliRunner.isolation``,
which swaps stdin/stdout/stderr and the environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import attrs
from click.testing import CliRunner

from huiqi.cli import main

HUIQI = Path(sys.executable).parent / "huiqi"
# Variables of the environment that would change what huiqi does; every run sets or clears them.
_CLEARED = ("HUIQI_BLOCK_PLUGINS", "HUIQI_DB")


@attrs.frozen
class Run:
    code: int
    stdout: bytes
    stderr: str

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8")

    @property
    def out_lines(self) -> list[str]:
        """stdout split on "\\n" only (a result may hold U+2028, which splitlines() would cut)."""
        text = self.out
        assert text == "" or text.endswith("\n"), f"stdout does not end with a newline: {text[-80:]!r}"
        return text.split("\n")[:-1]

    @property
    def err_lines(self) -> list[str]:
        text = self.stderr
        return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n") if text else []

    def json(self):
        return json.loads(self.out)


def run_in_process(args: list[str], input: bytes = b"", *, config: Path, cwd: Path | None = None) -> Run:
    """``huiqi ARGS`` through main() with CliRunner's isolated streams; config is HUIQI_CONFIG."""
    env = {"HUIQI_CONFIG": str(config), **{name: None for name in _CLEARED}}
    runner = CliRunner()
    old_argv, old_cwd = sys.argv, os.getcwd()
    with runner.isolation(input=input, env=env) as (out, err, _mixed):
        sys.argv = ["huiqi", *args]
        try:
            if cwd is not None:
                os.chdir(cwd)
            try:
                main()
                code = 0
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            sys.argv = old_argv
            os.chdir(old_cwd)
        return Run(code, out.getvalue(), err.getvalue().decode("utf-8"))


def run_subprocess(args: list[str], input: bytes = b"", *, config: Path, cwd: Path) -> Run:
    """The installed console script, as a shell runs it."""
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env["HUIQI_CONFIG"] = str(config)
    done = subprocess.run([str(HUIQI), *args], input=input, capture_output=True, cwd=cwd, env=env, timeout=60)
    return Run(done.returncode, done.stdout, done.stderr.decode("utf-8", "backslashreplace"))


def jsonl(*cases) -> bytes:
    """Cases (dicts, or raw str/bytes lines) as a JSON-lines batch."""
    lines = []
    for case in cases:
        if isinstance(case, bytes):
            lines.append(case)
        elif isinstance(case, str):
            lines.append(case.encode("utf-8"))
        else:
            lines.append(json.dumps(case, ensure_ascii=False).encode("utf-8"))
    return b"".join(line + b"\n" for line in lines)


def assert_clean_stderr(run: Run) -> None:
    assert "Traceback" not in run.stderr, run.stderr
    assert run.code in (0, 2), (run.code, run.stderr)

"""Fixtures of the CLI tests: an isolated deployment (its own huiqi.toml path) per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._support import run_in_process, run_subprocess


@pytest.fixture
def deployment(tmp_path: Path) -> Path:
    """A working directory whose huiqi.toml (HUIQI_CONFIG) does not exist yet: every plugin enabled."""
    return tmp_path


@pytest.fixture
def config(deployment: Path) -> Path:
    return deployment / "huiqi.toml"


@pytest.fixture(params=["cli_runner", "subprocess"])
def huiqi(request, deployment: Path, config: Path):
    """``huiqi(args, input=b"")`` → Run, once in-process (CliRunner) and once as a real process."""
    if request.param == "cli_runner":
        return lambda args, input=b"": run_in_process(args, input, config=config, cwd=deployment)
    return lambda args, input=b"": run_subprocess(args, input, config=config, cwd=deployment)


@pytest.fixture
def huiqi_fast(deployment: Path, config: Path):
    """In-process only, for the many small runs."""
    return lambda args, input=b"": run_in_process(args, input, config=config, cwd=deployment)


@pytest.fixture
def huiqi_proc(deployment: Path, config: Path):
    """As a real process only."""
    return lambda args, input=b"": run_subprocess(args, input, config=config, cwd=deployment)

"""``huiqi new-plugin``: the scaffold installs, is discovered in a fresh process, evaluates, gets its
documentation page, and passes its own generated tests; bad names exit with status 2.

The plugin is installed by this environment's pip (``--no-deps --no-build-isolation``) into a folder
of its own (``--target``) that the subprocesses find on PYTHONPATH — not into the shared
site-packages: the test suite runs in parallel (pytest-xdist), and a plugin appearing there would
be seen by the other worker's long-running process through its metadata while its import hook (an
editable install's .pth, read only at start-up) is missing — every plugin manager built meanwhile
would fail with "No module named …". A fresh process, as a user's shell starts one, sees it whole.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

BIN = Path(sys.executable).parent
HUIQI = BIN / "huiqi"
NAME = "scaffold_probe_vouchers"


def run(*args, cwd: Path, check: bool = True, timeout: int = 300, site: Path | None = None
        ) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUIQI_")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if site is not None:
        env["PYTHONPATH"] = str(site)
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if check:
        assert done.returncode == 0, f"{args} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _can_build() -> str | None:
    """--no-build-isolation builds with the venv's own setuptools, which needs bdist_wheel (setuptools ≥ 70.1)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        major, minor = (int(p) for p in version("setuptools").split(".")[:2])
    except (PackageNotFoundError, ValueError):
        return "setuptools is not installed in the test environment"
    if (major, minor) < (70, 1):
        return f"setuptools {major}.{minor} in the test environment; the scaffold builds with setuptools>=70.1"
    return None


@attrs.frozen
class Installed:
    source: Path  # the generated distribution
    site: Path  # where pip installed it; on PYTHONPATH of every subprocess below


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The scaffold generated and pip-installed by this environment's pip into a folder of its own."""
    reason = _can_build()
    if reason:
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("scaffold")
    run(HUIQI, "new-plugin", NAME, "--dir", root, cwd=root)
    site = root / "site-packages"
    run(sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-compile",
        "--target", site, root / NAME, cwd=root)
    assert list(site.glob("huiqi_scaffold_probe_vouchers-*.dist-info")), "pip installed no distribution metadata"
    yield Installed(root / NAME, site)
    shutil.rmtree(root, ignore_errors=True)  # nothing was installed anywhere else


@pytest.mark.slow
def test_a_fresh_process_lists_it_enabled(installed, tmp_path):
    done = run(HUIQI, "plugins", "list", "--format", "json", cwd=tmp_path, site=installed.site)
    listed = {row["name"]: row for row in json.loads(done.stdout)}
    assert NAME in listed and listed[NAME]["enabled"]
    assert listed[NAME]["measures"] == [f"{NAME}.cloud_voucher"]


@pytest.mark.slow
def test_its_measure_is_evaluated_with_its_citation(installed, tmp_path):
    case = {"policy": f"{NAME}.cloud_voucher", "as_of": "2024-06-28",
            "facts": {"region_code": "340104", "is_sme": True, "cloud_service_amount": "150000.00"}}
    (tmp_path / "case.json").write_text(json.dumps(case), encoding="utf-8")
    result = json.loads(run(HUIQI, "evaluate", "case.json", cwd=tmp_path, site=installed.site).stdout)
    assert result["eligible"] is True and result["award"] == "45000.00"
    assert [r["rule"] for r in result["reasons"]] == ["cloud_voucher.in_region", "cloud_voucher.is_sme",
                                                      "cloud_voucher.rate", "cloud_voucher.award_positive"]
    assert all(r["citation"] for r in result["reasons"])


@pytest.mark.slow
def test_its_docs_page_is_built(installed, tmp_path):
    run(HUIQI, "docs", "build", "--out", "site", "--plugin", NAME, "--as-of", "2024-06-28", cwd=tmp_path,
        site=installed.site)
    page = (tmp_path / "site" / "html" / "plugins" / NAME / "cloud_voucher.html").read_text(encoding="utf-8")
    assert "cloud_voucher.is_sme" in page and "第一条" in page
    assert "2025-01-01" in page  # the dated rate change is in the parameter history
    reports = (tmp_path / "site" / "html" / "plugins" / NAME / "reports.html").read_text(encoding="utf-8")
    assert f"{NAME}_awards" in reports and "No sample" not in reports


@pytest.mark.slow
def test_its_generated_tests_pass(installed):
    done = run(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", cwd=installed.source,
               check=False, site=installed.site)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "failed" not in done.stdout


@pytest.mark.parametrize("name, why", [
    ("Bad-Name", "is not valid"),
    ("2fast", "is not valid"),
    ("class", "is not valid"),
    ("anhui_iiot_grants", "already installed"),
    ("json", "importable Python module"),
])
def test_a_bad_or_clashing_name_exits_2(tmp_path, name, why):
    done = run(HUIQI, "new-plugin", name, "--dir", tmp_path, cwd=tmp_path, check=False)
    assert done.returncode == 2
    assert why in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / name).exists()


def test_an_existing_folder_is_not_overwritten(tmp_path):
    (tmp_path / "kept_plugin").mkdir()
    (tmp_path / "kept_plugin" / "notes.txt").write_text("mine")
    done = run(HUIQI, "new-plugin", "kept_plugin", "--dir", tmp_path, cwd=tmp_path, check=False)
    assert done.returncode == 2 and "not empty" in done.stderr
    assert (tmp_path / "kept_plugin" / "notes.txt").read_text() == "mine"

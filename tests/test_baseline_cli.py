"""The CI gate end to end on the demo site (127.0.0.1): audit, accept, gate on new findings."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO

from auditor.demo.server import DemoServer

SPECS = REPO / "specs"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "auditor.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO)},  # this checkout's auditor
    )


def findings(out: Path) -> list[dict]:
    d = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return [f for s in d["sites"] for p in s["pages"] for f in p["findings"]]


@pytest.mark.browser
def test_audit_accept_then_gate_on_new_findings(tmp_path: Path, demo_server: DemoServer) -> None:
    audit = ("audit", demo_server.url, "--max-pages", "1", "--local-only")
    first = cli(*audit, "--out", "first", cwd=tmp_path)
    assert first.returncode == 1, first.stdout + first.stderr  # 127.0.0.1 is no .gov.cn domain
    problems = {f["check"] for f in findings(tmp_path / "first") if f["outcome"] == "fail"}
    assert "domain-name" in problems

    made = cli("baseline", "first", "--out", "auditor-baseline.json", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    entries = json.loads((tmp_path / "auditor-baseline.json").read_text("utf-8"))["entries"]
    assert "domain-name" in {e["check"] for e in entries}

    again = cli(*audit, "--out", "again", "--baseline", "auditor-baseline.json", cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    after = findings(tmp_path / "again")
    assert not [f for f in after if f["outcome"] in ("fail", "review")]
    assert {f["check"] for f in after if f["outcome"] == "accepted"} >= problems
    assert "已接受" in again.stdout and "已解决 0 条" in again.stdout

    # Three months later the home page is stale: a new finding the baseline does not cover.
    later = cli(
        *audit, "--out", "later", "--baseline", "auditor-baseline.json", "--as-of", "2027-03-01",
        cwd=tmp_path,
    )  # fmt: skip
    assert later.returncode == 1, later.stdout + later.stderr
    failing = {f["check"] for f in findings(tmp_path / "later") if f["outcome"] == "fail"}
    assert "homepage-freshness" in failing and "domain-name" not in failing


@pytest.mark.browser
def test_plugin_baseline_accepts_the_audited_findings(
    pytester: pytest.Pytester, demo_server: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in SPECS.glob("test_*.py"):
        shutil.copy(module, pytester.path / module.name)
    args = (
        f"--site={demo_server.url}",
        "--auditor-local-only",
        "--max-pages=1",
        "-p",
        "no:cacheprovider",
    )
    monkeypatch.setenv("PYTHONPATH", str(REPO))  # the subprocess loads this checkout's plugin
    first = pytester.runpytest_subprocess(*args, f"--evidence-dir={pytester.path / 'ev1'}")
    assert first.ret == pytest.ExitCode.TESTS_FAILED
    made = cli("baseline", str(pytester.path / "ev1"), "--out", "b.json", cwd=pytester.path)
    assert made.returncode == 0, made.stderr
    gated = pytester.runpytest_subprocess(
        *args, f"--evidence-dir={pytester.path / 'ev2'}", "--baseline=b.json"
    )
    assert gated.ret == pytest.ExitCode.OK, gated.stdout.str()
    assert {f["outcome"] for f in findings(pytester.path / "ev2")} >= {"accepted"}


def test_plugin_missing_baseline_is_a_usage_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    result = pytester.runpytest_subprocess("--baseline=nope.json", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*基线文件不存在*nope.json*"])

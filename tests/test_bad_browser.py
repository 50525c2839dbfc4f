"""A ``--browser`` that is not a Chromium: one Chinese line naming it, exit 2, no run folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

AUDITOR = [sys.executable, "-m", "auditor.cli"]
# The child imports this checkout's ``auditor``, whatever the virtualenv has installed.
ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
EXPECTED = "应为 Chromium 或 Google Chrome 浏览器的可执行文件"


def script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def audit_with(browser: Path | str, cwd: Path) -> subprocess.CompletedProcess[str]:
    out = cwd / "out"
    return subprocess.run(
        [
            *AUDITOR,
            "audit",
            "http://127.0.0.1:9/",
            "--local-only",
            "--browser",
            str(browser),
            *("--out", str(out)),
        ],
        cwd=cwd,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_refused(proc: subprocess.CompletedProcess[str], browser: Path | str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert str(browser) in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


@pytest.mark.parametrize(
    ("name", "make", "says"),
    [
        ("true", lambda d: Path("/bin/true"), "不是 Chromium/Chrome"),
        ("text", lambda d: (d / "chrome.txt", (d / "chrome.txt").write_text("x"))[0], "不是可执行"),
        ("firefox", lambda d: script(d / "firefox", 'echo "Mozilla Firefox 140.0"'), "Firefox"),
        ("failing", lambda d: script(d / "chrome", "exit 3"), "不是 Chromium/Chrome"),
    ],
)
def test_non_chromium_browser_is_a_usage_error(tmp_path: Path, name: str, make, says: str) -> None:
    browser = make(tmp_path)
    proc = audit_with(browser, tmp_path)
    assert_refused(proc, browser)
    assert EXPECTED in proc.stderr and says in proc.stderr
    assert not (tmp_path / "out").exists()  # refused before the run folder is made


@pytest.mark.browser
def test_chromium_that_cannot_start_is_a_usage_error(tmp_path: Path) -> None:
    """Says it is a Chromium, then dies on launch (a broken install): refused just as clearly."""
    browser = script(
        tmp_path / "chromium",
        'case "$1" in --version) echo "Chromium 156.0.1.2";; *) echo broken >&2; exit 1;; esac',
    )
    proc = audit_with(browser, tmp_path)
    assert_refused(proc, browser)
    assert "无法启动" in proc.stderr and EXPECTED in proc.stderr

"""Output-folder problems (a file, a read-only place, a full disk) are one clear line and exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from auditor.demo.server import DemoServer

AUDITOR = [sys.executable, "-m", "auditor.cli"]
FAST = ["--local-only", "--max-pages", "6", "--fail-on", "none"]
SKIP_ALL = ["--skip", "a11y,phone,elderly,links,qr,probes"]
FULL_DISK_SIZE = "600k"  # room for run.sqlite and a page or two, not for the whole run

needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="mounting a tmpfs needs root"
)


def run(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*AUDITOR, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def error_line(proc: subprocess.CompletedProcess[str]) -> str:
    """Exit 2, no traceback, and stderr is exactly one line starting with 错误： (returned)."""
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one stderr line, got {len(lines)}: {proc.stderr!r}"
    assert lines[0].startswith("错误：")
    return lines[0]


@contextmanager
def tmpfs(path: Path, options: str) -> Iterator[Path]:
    """A tmpfs mounted on ``path`` for the block; skips the test when mounting is not allowed."""
    path.mkdir(parents=True, exist_ok=True)
    try:
        proc = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except FileNotFoundError:
        pytest.skip("no mount command here; cannot make a read-only or full file system")
    if proc.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {proc.stderr.strip()}")
    try:
        yield path
    finally:
        if subprocess.run(["umount", str(path)], timeout=30).returncode != 0:
            subprocess.run(["umount", "-l", str(path)], timeout=30)


def test_out_that_is_an_existing_file_is_one_error_line(
    tmp_path: Path, demo_server: DemoServer
) -> None:
    """--out naming an existing regular file stops before any browser starts."""
    target = tmp_path / "results.txt"
    target.write_text("keep me", encoding="utf-8")
    proc = run("audit", demo_server.url, "--out", str(target), *FAST, cwd=tmp_path, timeout=60)
    line = error_line(proc)
    assert "已存在且不是目录" in line
    assert target.read_text(encoding="utf-8") == "keep me"


@needs_root
def test_out_in_a_read_only_directory_is_one_error_line(
    tmp_path: Path, demo_server: DemoServer
) -> None:
    """--out inside a read-only file system says it cannot write there."""
    with tmpfs(tmp_path / "ro", "ro,size=1m") as ro:
        proc = run(
            "audit", demo_server.url, "--out", str(ro / "run"), *FAST, cwd=tmp_path, timeout=60
        )
        line = error_line(proc)
        assert "无法写入" in line and "只读" in line


@pytest.fixture(scope="module")
def full_disk(
    tmp_path_factory: pytest.TempPathFactory, demo_server: DemoServer
) -> Iterator[tuple[Path, subprocess.CompletedProcess[str]]]:
    """An audit of the demo site into a tmpfs too small for it: (run dir, the failed process)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    base = tmp_path_factory.mktemp("disk")
    with tmpfs(base / "mnt", f"size={FULL_DISK_SIZE}") as mnt:
        out = mnt / "run"
        proc = run("audit", demo_server.url, "--out", str(out), *FAST, *SKIP_ALL, cwd=base)
        yield out, proc


@pytest.mark.browser  # the audit runs Chromium (in a subprocess)
@needs_root
def test_full_disk_stops_with_one_line_naming_resume(
    full_disk: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    """A run that fills the disk partway exits 2 with one line: 磁盘空间不足 and --resume."""
    out, proc = full_disk
    assert (out / "run.sqlite").exists(), "the run should fail partway, after the store exists"
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stdout + proc.stderr
    text = " ".join(proc.stderr.split())  # the content check; error_line checks it is one line
    assert "磁盘空间不足" in text and f"auditor audit --resume {out}" in text
    error_line(proc)


@pytest.mark.browser
@needs_root
def test_resume_after_freeing_space_finishes_the_run(
    full_disk: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    """After the disk is enlarged, audit --resume finishes and results.json holds the site."""
    out, failed = full_disk
    assert failed.returncode == 2
    subprocess.run(["mount", "-o", "remount,size=200m", str(out.parent)], check=True, timeout=30)
    proc = run("audit", "--resume", str(out), "--local-only", "--fail-on", "none", cwd=out.parent)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    sites = json.loads((out / "results.json").read_text(encoding="utf-8"))["sites"]
    assert [s["site"]["url"] for s in sites] == [failed.args[failed.args.index("audit") + 1]]
    assert sites[0]["pages"]


def _interrupt(*_args: object, **_kwargs: object) -> None:
    raise KeyboardInterrupt


def test_ctrl_c_names_the_real_run_folder_to_resume(tmp_path, monkeypatch, capsys) -> None:
    """Without --out the folder is runs/<time>: the message names it, not a placeholder."""
    from auditor.cli import audit, main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(audit, "_run", _interrupt)
    assert main(["audit", "http://127.0.0.1:9/", "--local-only"]) == 130
    (folder,) = (tmp_path / "runs").iterdir()
    err = " ".join(capsys.readouterr().err.split())
    assert f"auditor audit --resume runs/{folder.name} 继续" in err


def test_ctrl_c_before_anything_was_stored_says_so(tmp_path, monkeypatch, capsys) -> None:
    from auditor.cli import audit, main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(audit, "sites_from_args", _interrupt)
    assert main(["audit", "http://127.0.0.1:9/"]) == 130
    assert "已中断，尚未开始保存检查结果" in capsys.readouterr().err

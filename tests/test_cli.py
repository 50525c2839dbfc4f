"""The command line as a user meets it: real processes, real files, clear errors, exit codes."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.demo.server import DemoServer

AUDITOR = [sys.executable, "-m", "auditor.cli"]


def run(*args: str, cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*AUDITOR, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def results(out: Path) -> dict:
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_malformed_url_is_a_usage_error(tmp_path: Path) -> None:
    proc = run("audit", "ht!tp://bad url", "--local-only", cwd=tmp_path)
    assert proc.returncode == 2
    assert "网址" in proc.stderr
    assert not (tmp_path / "runs").exists()


def test_missing_sites_file_is_a_usage_error(tmp_path: Path) -> None:
    proc = run("audit", "--sites", "nope.csv", cwd=tmp_path)
    assert proc.returncode == 2 and "nope.csv" in proc.stderr


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connections are refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.browser
def test_unreachable_host_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    out = tmp_path / "out"
    url = f"http://127.0.0.1:{closed_port()}/"
    proc = run("audit", url, "--local-only", "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    page = results(out)["sites"][0]["pages"][0]
    availability = [f for f in page["findings"] if f["check"] == "page-availability"]
    assert availability[0]["outcome"] == "fail"
    assert "连接被拒绝" in availability[0]["message"]
    assert availability[0]["role"] == "veto"


@pytest.mark.browser
def test_never_finishing_page_times_out_within_the_limit(
    tmp_path: Path, demo_server: DemoServer
) -> None:
    out = tmp_path / "out"
    url = demo_server.url + "__never"
    proc = run("audit", url, "--local-only", "--timeout", "3", "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 1
    finding = next(
        f
        for f in results(out)["sites"][0]["pages"][0]["findings"]
        if f["check"] == "page-availability"
    )
    assert finding["outcome"] == "fail" and finding["data"]["kind"] == "timeout"


@pytest.mark.browser
def test_non_html_response_is_reported(tmp_path: Path, demo_server: DemoServer) -> None:
    out = tmp_path / "out"
    proc = run(
        "audit", demo_server.url + "__binary", "--local-only", "--out", str(out), cwd=tmp_path
    )
    assert proc.returncode == 1
    page = results(out)["sites"][0]["pages"][0]
    assert page["error"], page
    assert any(
        f["check"] == "page-availability" and f["outcome"] == "fail" for f in page["findings"]
    )


@pytest.mark.browser
def test_bad_csv_row_is_named_and_other_sites_still_run(
    tmp_path: Path, demo_server: DemoServer
) -> None:
    sites = tmp_path / "sites.csv"
    sites.write_text(
        "网站名称,网站标识码,首页网址,主办单位,地区\n"
        f"示例市人民政府,3701000001,{demo_server.url},示例市人民政府办公室,示例市\n"
        "坏行,3701000002,ht!tp://bad url,某单位,示例县\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    proc = run(
        "audit", "--sites", str(sites), "--max-pages", "2", "--local-only", "--out", str(out),
        cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "第3行" in proc.stderr
    data = results(out)
    assert [s["site"]["name"] for s in data["sites"]] == ["示例市人民政府"]
    assert any("第3行" in e for e in data["input_errors"])
    assert (out / "report.html").is_file() and (out / "junit.xml").is_file()


@pytest.mark.browser
def test_gather_then_check_from_dir_reruns_checks_without_a_browser(
    tmp_path: Path, demo_server: DemoServer
) -> None:
    saved = tmp_path / "saved"
    page = demo_server.url + "col/tzgg/index.html"
    proc = run("gather", page, "--local-only", "--out", str(saved), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert list(saved.glob("*/p00.artifacts.json")) and list(saved.glob("*/p00.png"))
    proc = run("check", "--from", str(saved), cwd=tmp_path, timeout=60)
    assert proc.returncode == 1
    findings = results(saved)["sites"][0]["pages"][0]["findings"]
    icp = next(f for f in findings if f["check"] == "footer-icp")
    assert icp["outcome"] == "fail" and icp["evidence"].endswith(".png")


def test_check_from_an_empty_dir_is_a_usage_error(tmp_path: Path) -> None:
    proc = run("check", "--from", str(tmp_path), cwd=tmp_path)
    assert proc.returncode == 2 and "artifacts" in proc.stderr


@pytest.mark.browser
@pytest.mark.parametrize("fail_on, code", [("none", 0), ("critical", 0), ("minor", 1)])
def test_fail_on_sets_the_exit_code(
    tmp_path: Path, demo_server: DemoServer, fail_on: str, code: int
) -> None:
    # One compliant page: only domain-name (serious, 127.0.0.1 is no .gov.cn host) fails.
    out = tmp_path / "out"
    proc = run(
        "audit", demo_server.url, "--max-pages", "1", "--fail-on", fail_on, "--local-only",
        "--out", str(out), cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == code, proc.stdout + proc.stderr


@pytest.mark.browser
def test_skip_leaves_the_skipped_checks_not_applicable(
    tmp_path: Path, demo_server: DemoServer
) -> None:
    out = tmp_path / "out"
    proc = run(
        "audit", demo_server.url, "--max-pages", "1", "--skip", "a11y,phone,links,qr,probes",
        "--local-only", "--out", str(out), cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    findings = results(out)["sites"][0]["pages"][0]["findings"]
    outcome = {f["check"]: f["outcome"] for f in findings}
    for check in ("accessibility", "mobile-layout", "link-health", "qr-image", "site-search"):
        assert outcome[check] == "not_applicable", (check, outcome[check])
    assert outcome["footer-icp"] == "pass"  # the identity checks still ran


def test_unknown_skip_is_a_usage_error(tmp_path: Path) -> None:
    proc = run("audit", "http://127.0.0.1:1/", "--skip", "foo", "--local-only", cwd=tmp_path)
    assert proc.returncode == 2 and "foo" in proc.stderr


def test_a_bad_wording_list_is_a_usage_error_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "本省词表.toml"
    bad.write_text("[[term]]\nright = '某某'\n", encoding="utf-8")
    proc = run(
        "audit", "http://127.0.0.1:1/", "--wording", str(bad), "--local-only", cwd=tmp_path
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "本省词表.toml" in proc.stderr and "缺少 wrong" in proc.stderr
    assert "Traceback" not in proc.stderr

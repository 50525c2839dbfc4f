"""The run store: pages are stored as they finish, a killed run keeps them, --resume completes it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.demo.server import SITE_ROOT, DemoServer
from auditor.model import Finding, Outcome, PageResult, Role, Severity, SiteResult, SiteSpec
from auditor.run.manifest import MANIFEST, verify
from auditor.run.store import STORE_FILE, RunStore, StoreError

AUDITOR = [sys.executable, "-m", "auditor.cli"]


def page(url: str, check: str = "footer-icp") -> PageResult:
    f = Finding(
        check=check,
        outcome=Outcome.FAIL,
        severity=Severity.SERIOUS,
        role=Role.DEDUCT,
        indicator="x",
        message="缺少",
        page_url=url,
    )
    return PageResult(url=url, findings=[f])


def test_pages_are_readable_from_the_store_as_soon_as_they_are_saved(tmp_path: Path):
    sites = [SiteSpec(url="http://a.gov.cn/", region="甲市"), SiteSpec(url="http://b.gov.cn/")]
    store = RunStore.create(tmp_path, sites, {"started": "t0", "as_of": "2026-11-27"})
    store.start_site(1)
    store.save_page(1, page("http://a.gov.cn/"), [])
    store.save_page(1, page("http://a.gov.cn/x.html"), [])
    # another connection (another process after a crash) sees both pages of the unfinished site
    other = RunStore.open(tmp_path)
    run = other.load()
    assert [p.url for p in run.sites[0].pages] == ["http://a.gov.cn/", "http://a.gov.cn/x.html"]
    assert run.sites[0].error.startswith("检查未完成")
    assert [i for i, _s in other.pending()] == [1, 2]
    assert run.as_of == "2026-11-27"


def test_a_finished_site_replaces_the_pages_of_earlier_attempts(tmp_path: Path):
    store = RunStore.create(tmp_path, [SiteSpec(url="http://a.gov.cn/")], {})
    store.start_site(1)
    store.save_page(1, page("http://a.gov.cn/old.html"), [{"path": "001/p09.png", "sha256": "0"}])
    store.start_site(1)  # resumed
    store.save_page(1, page("http://a.gov.cn/"), [])
    final = SiteResult(
        site=SiteSpec(url="http://a.gov.cn/"),
        pages=[page("http://a.gov.cn/")],
        findings=[page("x", "column-update").findings[0]],
    )
    store.finish_site(1, final, [])
    run = store.load()
    assert [p.url for p in run.sites[0].pages] == ["http://a.gov.cn/"]
    assert run.sites[0].findings[0].check == "column-update" and run.sites[0].error == ""
    assert store.pending() == [] and store.files() == []


def test_a_second_audit_into_the_same_directory_is_refused(tmp_path: Path):
    RunStore.create(tmp_path, [SiteSpec(url="http://a.gov.cn/")], {}).close()
    with pytest.raises(StoreError, match="--resume"):
        RunStore.create(tmp_path, [SiteSpec(url="http://a.gov.cn/")], {})


# -- a real run, killed -----------------------------------------------------------------------


@pytest.fixture
def three_sites(tmp_path: Path) -> Iterator[Path]:
    """Three demo servers in two regions; the third is slow, so a run can be killed inside it."""
    servers = [DemoServer(SITE_ROOT), DemoServer(SITE_ROOT), DemoServer(SITE_ROOT, latency_ms=300)]
    for s in servers:
        s.start()
    rows = [
        ("示例市人民政府", "3701000001", servers[0].url, "甲市"),
        ("示例市人民政府", "3701000001", servers[1].url, "乙市"),
        ("示例市人民政府", "3701000001", servers[2].url, "乙市"),
    ]
    csv = tmp_path / "sites.csv"
    csv.write_text(
        "网站名称,网站标识码,首页网址,主办单位,地区\n"
        + "".join(f"{n},{c},{u},示例市人民政府办公室,{r}\n" for n, c, u, r in rows),
        encoding="utf-8",
    )
    yield csv
    for s in servers:
        s.stop()


def audit_args(csv: Path, out: Path) -> list[str]:
    return [
        *AUDITOR,
        "audit",
        "--sites",
        str(csv),
        "--out",
        str(out),
        "--max-pages",
        "2",
        "--as-of",
        "2026-11-27",
        "--local-only",
        "--fail-on",
        "none",
    ]


def stored_pages(db: Path) -> set[tuple[int, str, str]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        return set(con.execute("SELECT site_idx, url, data FROM pages"))


def done_sites(db: Path) -> tuple[set[int], set[int]]:
    """(done, started-with-pages-but-not-done)."""
    if not db.exists():
        return set(), set()
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
            status = dict(con.execute("SELECT idx, status FROM sites"))
            with_pages = {i for (i,) in con.execute("SELECT DISTINCT site_idx FROM pages")}
    except sqlite3.OperationalError:  # tables not created yet
        return set(), set()
    done = {i for i, s in status.items() if s == "done"}
    return done, with_pages - done


def comparable(results: dict) -> list:
    """A run's outcome without times: pages, their findings, site findings and verdicts."""
    return [
        (
            s["site"]["url"],
            s["verdict"]["label"],
            s["verdict"]["score"],
            sorted((f["check"], f["outcome"], f["message"]) for f in s["findings"]),
            [
                (
                    p["url"],
                    p["page_type"],
                    p["status"],
                    sorted((f["check"], f["outcome"], f["message"]) for f in p["findings"]),
                )
                for p in s["pages"]
            ],
        )
        for s in results["sites"]
    ]


@pytest.mark.browser
@pytest.mark.slow
def test_a_killed_run_keeps_every_finished_page_and_resume_completes_it(
    tmp_path: Path, three_sites: Path
) -> None:
    out = tmp_path / "run"
    db = out / STORE_FILE
    whole = tmp_path / "whole"  # the same list, never interrupted, audited alongside
    clean = subprocess.Popen(
        audit_args(three_sites, whole),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    proc = subprocess.Popen(
        audit_args(three_sites, out),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            done, partial = done_sites(db)
            if done and partial:
                before_kill = stored_pages(db)
                os.kill(proc.pid, signal.SIGKILL)
                break
            assert proc.poll() is None, "the run finished before it could be interrupted"
            time.sleep(0.05)
        else:
            pytest.fail("no moment with a finished and an unfinished site")
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # nothing that was stored before the kill is lost, and the unfinished site's pages are there
    assert before_kill <= stored_pages(db)
    done, partial = done_sites(db)  # what the kill left (a site may have finished meanwhile)
    assert done and partial
    store = RunStore.open(out)
    finished_at = {i: store.saved_at(i) for i in done}
    assert {i for i, _s in store.pending()} == {1, 2, 3} - done
    store.close()

    resumed = subprocess.run(
        [*AUDITOR, "audit", "--resume", str(out), "--local-only", "--fail-on", "none"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert resumed.returncode == 0, resumed.stderr
    store = RunStore.open(out)
    assert store.pending() == []
    assert {i: store.saved_at(i) for i in done} == finished_at  # finished sites were not redone
    store.close()

    _out, err = clean.communicate(timeout=240)
    assert clean.returncode == 0, err
    resumed_results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    whole_results = json.loads((whole / "results.json").read_text(encoding="utf-8"))
    assert comparable(resumed_results) == comparable(whole_results)
    assert [s["site"]["region"] for s in resumed_results["sites"]] == ["甲市", "乙市", "乙市"]

    # the manifest lists every evidence PNG and screenshot with a hash that still matches
    listed = {e["path"] for e in json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]}
    evidence = {
        f["evidence"]
        for s in resumed_results["sites"]
        for p in s["pages"]
        for f in p["findings"]
        if f["evidence"]
    }
    assert evidence and evidence <= listed
    assert {p["screenshot"] for s in resumed_results["sites"] for p in s["pages"]} <= listed
    checked, bad = verify(out)
    assert checked == len(listed) and bad == []

    # each file says where and how it was captured; an edited picture is caught by verify
    files = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    shot = next(e for e in files if e["kind"] == "evidence")
    assert (
        len(shot["sha256"]) == 64 and shot["check"] and shot["url"].startswith("http://127.0.0.1")
    )
    assert shot["status"] == 200 and shot["viewport"] == [1366, 768]
    assert shot["browser_version"] and shot["time"].startswith("20")
    with (out / shot["path"]).open("ab") as f:
        f.write(b"edited")
    assert [m.path for m in verify(out)[1]] == [shot["path"]]
    proc = subprocess.run([*AUDITOR, "verify", str(out)], capture_output=True, text=True)
    assert proc.returncode == 1 and "内容已改变" in proc.stdout

"""The cluster for real: redis-server and two `auditor worker` processes on 127.0.0.1.

The demo site and generated sites are audited locally once, then through the cluster in each
fault case (a worker killed mid-site, Redis restarted mid-run, the coordinator killed and
resumed). Each time: every site exactly once, every finding equal to the local run, and the
manifest verifies where the files landed.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cluster_helpers import RedisServer, Worker, auditor_env, write_sites, write_sites_csv

from auditor.demo.server import DemoServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AS_OF = "2026-11-27"
VISIBILITY_S = 20.0  # a vanished worker's site goes back to the queue after this long
LATENCY_MS = 150  # each response waits a little, so a site is still being audited when it is hit


@pytest.fixture(scope="module")
def sites_csv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo site and four generated sites, each on its own origin."""
    root = tmp_path_factory.mktemp("cluster-sites")
    specs = write_sites(root / "www", 4)
    servers = [DemoServer(latency_ms=LATENCY_MS)] + [
        DemoServer(root=root / "www", latency_ms=LATENCY_MS) for _ in specs
    ]
    for server in servers:
        server.__enter__()
    rows = [("示例市人民政府", "3701000001", servers[0].url)]
    rows += [
        (s["name"], s["code"], f"{server.url}s{k}/index.html")
        for k, (s, server) in enumerate(zip(specs, servers[1:], strict=True), 1)
    ]
    path = root / "sites.csv"
    write_sites_csv(path, rows)
    yield path
    for server in servers:
        server.__exit__(None, None, None)


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@dataclass
class Cluster:
    """Two workers on a Redis database of their own (nothing of an earlier test reaches them)."""

    broker: str
    workers: list[Worker]


_DATABASES = itertools.count(1)


@pytest.fixture
def cluster(
    redis: RedisServer, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Cluster]:
    """A short visibility timeout only where a worker is killed: elsewhere a site that takes
    longer than it would be delivered twice (harmless, but slower)."""
    broker = f"{redis.url.rsplit('/', 1)[0]}/{next(_DATABASES)}"
    short = request.node.get_closest_marker("worker_killed") is not None
    visibility = VISIBILITY_S if short else 600.0
    pool = [
        Worker(broker, f"w{k}-{time.monotonic_ns()}", tmp_path, visibility_timeout=visibility)
        for k in (1, 2)
    ]
    try:
        for w in pool:
            w.wait_ready()
        yield Cluster(broker, pool)
    finally:
        for w in pool:
            w.kill()


def _audit(
    sites: Path, out: Path, *extra: str, wait: bool = True
) -> subprocess.Popen[bytes] | subprocess.CompletedProcess[bytes]:
    args = [sys.executable, "-m", "auditor.cli", "audit", "--sites", str(sites), "--out", str(out)]
    args += ["--as-of", AS_OF, "--max-pages", "4", "--local-only", "--fail-on", "none", *extra]
    if wait:
        return subprocess.run(args, capture_output=True, env=auditor_env(), timeout=600)
    log = (out.parent / f"{out.name}.log").open("wb")
    return subprocess.Popen(args, stdout=log, stderr=log, env=auditor_env())


def findings(run: Path) -> dict[str, set[tuple[str, str, str, str]]]:
    """Per site (its home URL), every finding: check, outcome, page, message."""
    data = json.loads((run / "results.json").read_text(encoding="utf-8"))
    found: dict[str, set[tuple[str, str, str, str]]] = {}
    for site in data["sites"]:
        rows = found.setdefault(site["site"]["url"], set())
        assert not site.get("unfinished"), site["unfinished"]
        for page in site["pages"]:
            rows |= {
                (f["check"], f["outcome"], page["url"], f["message"]) for f in page["findings"]
            }
        rows |= {(f["check"], f["outcome"], "site", f["message"]) for f in site["findings"]}
    return found


def site_urls(run: Path) -> list[str]:
    data = json.loads((run / "results.json").read_text(encoding="utf-8"))
    return [s["site"]["url"] for s in data["sites"]]


@pytest.fixture(scope="module")
def local(sites_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("local") / "run"
    done = _audit(sites_csv, out)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    return findings(out)


def _assert_same_as_local(run: Path, local: dict[str, Any]) -> None:
    urls = site_urls(run)
    assert len(urls) == len(set(urls)) == len(local)  # every site, once
    got = findings(run)
    for url, expected in local.items():
        assert got[url] == expected, url
    verified = subprocess.run(
        [sys.executable, "-m", "auditor.cli", "verify", str(run)],
        capture_output=True,
        env=auditor_env(),
    )
    assert verified.returncode == 0, verified.stdout.decode() + verified.stderr.decode()


def _started_on(broker: str, run: Path) -> str | None:
    """The worker host name of one of this run's tasks being audited right now, if any (read
    through Celery's own backend: how a state is stored, compressed or not, is Celery's)."""
    from auditor.cluster.app import make_app
    from auditor.cluster.coordinator import _states

    try:
        with sqlite3.connect(run / "run.sqlite") as db:
            ids = [t for (t,) in db.execute("SELECT DISTINCT task_id FROM tasks")]
    except sqlite3.Error:
        return None
    for meta in _states(make_app(broker), ids).values():
        if meta.get("status") == "STARTED":
            return str(meta["result"]["hostname"])
    return None


def _wait(predicate: Any, timeout_s: float, what: str) -> Any:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_cluster_run_equals_local_run(
    sites_csv: Path,
    local: dict[str, Any],
    cluster: Cluster,
    tmp_path: Path,
) -> None:
    done = _audit(sites_csv, tmp_path / "run", "--broker", cluster.broker)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    _assert_same_as_local(tmp_path / "run", local)
    listed = subprocess.run(
        [sys.executable, "-m", "auditor.cli", "workers", "--broker", cluster.broker],
        capture_output=True,
        env=auditor_env(),
    )
    out = listed.stdout.decode()
    assert all(w.name in out for w in cluster.workers), out


@pytest.mark.worker_killed
def test_worker_killed_mid_site_is_redelivered(
    sites_csv: Path,
    local: dict[str, Any],
    cluster: Cluster,
    tmp_path: Path,
) -> None:
    run = tmp_path / "run"
    coordinator = _audit(sites_csv, run, "--broker", cluster.broker, wait=False)
    host = _wait(lambda: _started_on(cluster.broker, run), 120, "a site being audited")
    victim = next(w for w in cluster.workers if w.name in host)
    victim.kill()
    assert coordinator.wait(600) == 0, (tmp_path / "run.log").read_text()[-3000:]
    _assert_same_as_local(tmp_path / "run", local)


def test_broker_restarted_mid_run(
    sites_csv: Path,
    local: dict[str, Any],
    redis: RedisServer,
    cluster: Cluster,
    tmp_path: Path,
) -> None:
    run = tmp_path / "run"
    coordinator = _audit(sites_csv, run, "--broker", cluster.broker, wait=False)
    _wait(lambda: _started_on(cluster.broker, run), 120, "a site being audited")
    redis.stop()
    time.sleep(3)
    redis.start()
    assert coordinator.wait(600) == 0, (tmp_path / "run.log").read_text()[-3000:]
    log = (tmp_path / "run.log").read_text()
    assert "消息队列暂时无法连接" in log
    _assert_same_as_local(tmp_path / "run", local)


def test_coordinator_killed_then_resumed(
    sites_csv: Path,
    local: dict[str, Any],
    cluster: Cluster,
    tmp_path: Path,
) -> None:
    run = tmp_path / "run"
    coordinator = _audit(sites_csv, run, "--broker", cluster.broker, wait=False)

    def some_done() -> bool:
        try:
            with sqlite3.connect(run / "run.sqlite") as db:
                return (
                    db.execute("SELECT COUNT(*) FROM sites WHERE status='done'").fetchone()[0] >= 1
                )
        except sqlite3.Error:
            return False

    _wait(some_done, 300, "a first site stored")
    coordinator.kill()
    coordinator.wait(30)
    with sqlite3.connect(run / "run.sqlite") as db:
        sent_before = db.execute("SELECT COUNT(DISTINCT task_id) FROM tasks").fetchone()[0]
        pending = db.execute("SELECT COUNT(*) FROM sites WHERE status!='done'").fetchone()[0]
    assert pending, "the run finished before the coordinator was killed"
    resumed = subprocess.run(
        [sys.executable, "-m", "auditor.cli", "audit", "--resume", str(run), "--fail-on", "none"],
        capture_output=True,
        env=auditor_env(),
        timeout=600,
    )
    assert resumed.returncode == 0, resumed.stderr.decode()[-3000:]
    with sqlite3.connect(run / "run.sqlite") as db:
        sent_after = db.execute("SELECT COUNT(DISTINCT task_id) FROM tasks").fetchone()[0]
    # The resumed coordinator waited for the tasks still queued or running: none sent again.
    assert sent_after == sent_before
    _assert_same_as_local(run, local)


def test_one_process_browser_serves_successive_runs_and_keeps_no_context(tmp_path: Path) -> None:
    """A worker process audits site after site on its one Chromium; nothing of a site stays."""
    from auditor.browser.renderer import AuditOptions
    from auditor.cluster.worker import ProcessBrowser
    from auditor.engine import SiteJob, audit_sites
    from auditor.model import SiteSpec

    browser = ProcessBrowser()
    try:
        with DemoServer() as server:
            site = SiteSpec(url=server.url, name="示例市人民政府", code="3701000001")
            versions, contexts = [], []
            for n in (1, 2):
                options = AuditOptions(out_dir=tmp_path / f"run{n}", max_pages=2, test_mode=True)

                async def one(options: AuditOptions = options) -> tuple[Any, int, Any]:
                    launched = await browser.browser((None, True, ()))
                    results, _version = await audit_sites(
                        [SiteJob(1, site)], options, launched=launched
                    )
                    return launched.browser, len(launched.browser.contexts), results

                used, left_open, results = browser.run(one)
                versions.append(id(used))
                contexts.append(left_open)
                assert len(results[0].pages) == 2
        assert versions[0] == versions[1]  # the same browser both times
        assert contexts == [0, 0]
    finally:
        browser.close()


def test_media_accounts_through_the_cluster_equal_a_local_run(
    cluster: Cluster, tmp_path: Path
) -> None:
    """The demo's 微博 accounts (weibo.com mapped to 127.0.0.1) opened by the workers."""
    from auditor.demo.media import HOST, LISTED, MediaDemoServer

    with MediaDemoServer() as server:
        accounts = tmp_path / "accounts.csv"
        rows = ["地区,账号名称,平台,主办单位,账号地址"]
        rows += [f"示例市,{n},微博,{s},http://{HOST}:{server.port}/u/{uid}" for n, s, uid in LISTED]
        accounts.write_text("\n".join(rows) + "\n", encoding="utf-8")

        def media(out: Path, *extra: str) -> dict[str, Any]:
            args = [sys.executable, "-m", "auditor.cli", "media", "--accounts", str(accounts)]
            args += ["--out", str(out), "--as-of", AS_OF, "--local-only", "--fail-on", "none"]
            args += ["--resolve", f"{HOST}=127.0.0.1", *extra]
            done = subprocess.run(args, capture_output=True, env=auditor_env(), timeout=300)
            assert done.returncode == 0, done.stderr.decode()[-3000:]
            assert ("交给集群" in done.stderr.decode()) == bool(extra)
            data = json.loads((out / "media.json").read_text(encoding="utf-8"))
            return {
                a["account"]["url"]: (
                    a["profile"]["screenshot"],
                    sorted((f["check"], f["outcome"], f["message"]) for f in a["findings"]),
                )
                for a in data["accounts"]
            }

        local = media(tmp_path / "local")
        clustered = media(tmp_path / "cluster", "--broker", cluster.broker)
    assert clustered == local
    assert any(findings for _shot, findings in local.values())  # the demo has failing accounts
    for shot, _findings in clustered.values():
        assert (tmp_path / "cluster" / shot).is_file()
    verified = subprocess.run(
        [sys.executable, "-m", "auditor.cli", "verify", str(tmp_path / "cluster")],
        capture_output=True,
        env=auditor_env(),
    )
    assert verified.returncode == 0, verified.stdout.decode()


def test_a_coordinator_with_no_worker_taking_tasks_tells_the_user(redis: RedisServer) -> None:
    from auditor.cluster.app import make_app
    from auditor.cluster.coordinator import ClusterRun, _collect

    told: list[str] = []

    class ToldError(Exception):
        pass

    def notify(message: str) -> None:
        told.append(message)
        raise ToldError

    broker = redis.url.rsplit("/", 1)[0] + "/15"  # a database no worker listens on
    cluster = ClusterRun(broker=broker, notify=notify, poll_s=0.05, quiet_s=0.5)
    with pytest.raises(ToldError):
        _collect(
            make_app(broker), {"never-taken": [1]}, lambda *_a: None, lambda *_a: None, cluster
        )
    assert "没有检查节点领取任务" in told[0] and "auditor workers --broker" in told[0]


def test_a_shared_directory_carries_the_files_and_is_emptied(
    sites_csv: Path,
    local: dict[str, Any],
    cluster: Cluster,
    tmp_path: Path,
) -> None:
    """--shared-dir: the workers leave each site's folder there; it lands, verified, and goes."""
    shared = tmp_path / "shared"
    shared.mkdir()
    done = _audit(
        sites_csv, tmp_path / "run", "--broker", cluster.broker, "--shared-dir", str(shared)
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    _assert_same_as_local(tmp_path / "run", local)
    assert not [p for p in shared.rglob("*.png")]  # nothing left behind once stored


def test_tasks_the_broker_lost_are_sent_again(
    sites_csv: Path, local: dict[str, Any], redis: RedisServer, tmp_path: Path
) -> None:
    """The queue emptied under the run (a Redis restarted without its append-only file): the
    coordinator sees its tasks are nowhere, sends their sites again, and every site comes once."""
    import redis as redis_client

    broker = f"{redis.url.rsplit('/', 1)[0]}/{next(_DATABASES)}"
    run = tmp_path / "run"
    coordinator = _audit(sites_csv, run, "--broker", broker, wait=False)
    client = redis_client.Redis.from_url(broker)
    _wait(lambda: client.llen("auditor") == len(local), 60, "the run's tasks queued")
    client.flushdb()  # every queued task gone before any worker took one
    pool = [Worker(broker, f"late{k}", tmp_path, visibility_timeout=600.0) for k in (1, 2)]
    try:
        assert coordinator.wait(600) == 0, (tmp_path / "run.log").read_text()[-3000:]
    finally:
        for w in pool:
            w.kill()
    assert "丢失，重新发送" in (tmp_path / "run.log").read_text()
    _assert_same_as_local(run, local)

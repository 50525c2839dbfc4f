"""The coordinator: sends the run's unfinished sites to the cluster and stores them as they land.

The run store is the same as a local run's (``run.sqlite``): a site is stored when its result
arrives and its files verify, so reports, the manifest, exit codes and ``--resume`` work as they
do locally. Each task is recorded before it is sent; a resumed coordinator waits for the tasks
still queued or being worked on and sends again only the sites whose task was lost.
"""

from __future__ import annotations

import dataclasses
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from celery import Celery
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from auditor.browser.renderer import AuditOptions
from auditor.cluster.app import ACCOUNTS_TASK, TASK, in_flight_ids, make_app
from auditor.cluster.payload import TransferError, by_host, land, land_files, options_to_dict
from auditor.engine import NoProgress, ProgressSink
from auditor.errors import describe
from auditor.model import RunResult, SiteResult, SiteSpec
from auditor.run import manifest
from auditor.run.store import MAX_SITE_ATTEMPTS, RunStore

if TYPE_CHECKING:
    from auditor.media.accounts import Account
    from auditor.media.run import AccountResult

__all__ = ["ClusterRun", "audit_accounts_on_cluster", "audit_pending_on_cluster"]

POLL_S = 0.5
BATCH = 500  # results looked up per Redis round trip
_FINAL = ("SUCCESS", "FAILURE", "REVOKED")
_BROKER_DOWN = (OperationalError, RedisError, ConnectionError, OSError)


@dataclass
class ClusterRun:
    """Where the run's sites go: the broker, and an optional directory all machines share."""

    broker: str
    shared_dir: Path | None = None
    notify: Callable[[str], None] = lambda _message: None  # broker outages, for the user
    poll_s: float = POLL_S
    lost_check_s: float = 30.0  # how often to look for tasks the broker no longer holds
    quiet_s: float = 60.0  # no task taken for this long: tell the user no worker seems to run
    sent: dict[str, list[int]] = field(default_factory=dict)  # task id -> site indexes


def audit_pending_on_cluster(
    store: RunStore,
    options: AuditOptions,
    cluster: ClusterRun,
    progress: ProgressSink | None = None,
    on_site: Callable[[int, SiteResult], None] | None = None,
) -> RunResult:
    """:func:`auditor.run.store.audit_pending`, with the sites audited by ``auditor worker``s."""
    sink = progress or NoProgress()
    options.out_dir.mkdir(parents=True, exist_ok=True)
    app = make_app(cluster.broker)
    payload_options = options_to_dict(options)
    sites = {idx: site for idx, site in store.pending()}
    waiting = _still_running(app, store, sites, cluster)
    covered = {idx for idxs in waiting.values() for idx in idxs}
    for group in by_host([(i, s) for i, s in sites.items() if i not in covered]):
        _send(app, store, options, payload_options, cluster, group, waiting)

    def land_site(item: dict[str, Any], version: str) -> None:
        idx = int(item["index"])
        if store.is_done(idx):
            return  # delivered twice (a worker presumed dead finished after all): first one counts
        try:
            land(
                options.out_dir,
                item["name"],
                item["files"],
                packed=item.get("packed", ""),
                source=manifest.inside(cluster.shared_dir, item["folder"])
                if item.get("folder") and cluster.shared_dir
                else None,
            )
        except TransferError as exc:
            if store.attempts(idx) < MAX_SITE_ATTEMPTS:
                cluster.notify(f"{sites[idx].label}：{exc}，重新检查")
                _send(app, store, options, payload_options, cluster, [(idx, sites[idx])], waiting)
                return
            result = SiteResult(site=sites[idx], unfinished=f"检查结果未能完整送达（{exc}）")
            item = {**item, "files": []}
        else:
            result = SiteResult.from_dict(item["result"])
        if not store.meta("browser_version") and version:
            store.set_meta("browser_version", version)
        labels = [page.url for page in result.pages] or [result.site.label]
        sink.add_total(len(labels))
        for label in labels:
            sink.advance(label)
        store.finish_site(idx, result, item["files"])
        if on_site:
            on_site(idx, result)

    def failed(task_id: str, why: str) -> None:
        for idx in waiting[task_id]:
            if store.is_done(idx):
                continue
            if store.attempts(idx) < MAX_SITE_ATTEMPTS:
                _send(app, store, options, payload_options, cluster, [(idx, sites[idx])], waiting)
            else:
                result = SiteResult(
                    site=sites[idx], unfinished=f"检查节点出错，该网站未能完成（{why}）"
                )
                store.finish_site(idx, result, [])
                if on_site:
                    on_site(idx, result)

    def arrived(_task_id: str, result: dict[str, Any]) -> None:
        for item in result["sites"]:
            land_site(item, result.get("browser_version", ""))
        if cluster.shared_dir is not None:  # the task's folder there is copied: free the space
            for folder in {
                Path(item["folder"]).parent for item in result["sites"] if item.get("folder")
            }:
                if (inside := manifest.inside(cluster.shared_dir, str(folder))) is not None:
                    shutil.rmtree(inside, ignore_errors=True)

    def lost(task_id: str) -> None:
        again = [(idx, sites[idx]) for idx in waiting[task_id] if not store.is_done(idx)]
        if again:
            _send(app, store, options, payload_options, cluster, again, waiting)

    _collect(app, waiting, arrived, failed, cluster, lost)
    shared = cluster.shared_dir
    if shared and (ours := manifest.inside(shared, str(store.meta("run_id") or ""))):
        shutil.rmtree(ours, ignore_errors=True)  # what a late duplicate delivery left there
    store.set_meta("finished", datetime.now().astimezone().isoformat(timespec="seconds"))
    store.write_manifest()
    return store.load()


def _still_running(
    app: Celery, store: RunStore, sites: dict[int, SiteSpec], cluster: ClusterRun
) -> dict[str, list[int]]:
    """Tasks of an earlier coordinator of this run that finished, or are still queued or worked
    on: waited for, not sent again."""
    recorded = {
        task_id: [i for i in idxs if i in sites]
        for task_id, idxs in store.tasks().items()
        if any(i in sites for i in idxs)
    }
    if not recorded:
        return {}
    alive = _retrying(lambda: in_flight_ids(app), cluster)
    states = _retrying(lambda: _states(app, list(recorded)), cluster)
    return {
        task_id: idxs
        for task_id, idxs in recorded.items()
        if task_id in alive or states.get(task_id, {}).get("status") in ("SUCCESS", "FAILURE")
    }


def _send(
    app: Celery,
    store: RunStore,
    options: AuditOptions,
    payload_options: dict[str, Any],
    cluster: ClusterRun,
    group: list[tuple[int, SiteSpec]],
    waiting: dict[str, list[int]],
) -> None:
    """One task for one host's sites, recorded in the store before it leaves."""
    task_id = str(uuid.uuid4())
    indexes = [idx for idx, _site in group]
    store.record_task(task_id, indexes)
    for idx in indexes:
        store.start_site(idx)
    payload = {
        "run": store.meta("run_id") or _run_id(store),
        "options": payload_options,
        "sites": [{"index": idx, "site": site.__dict__} for idx, site in group],
        "shared_dir": str(cluster.shared_dir) if cluster.shared_dir else None,
    }
    # The engine bounds each site by its own budget (120 s + 90 s per page) on the worker.
    _send_once(app, TASK, payload, task_id, cluster)
    waiting[task_id] = indexes


def _send_once(
    app: Celery, name: str, payload: dict[str, Any], task_id: str, cluster: ClusterRun
) -> None:
    _retrying(lambda: app.send_task(name, args=[payload], task_id=task_id), cluster)


def _run_id(store: RunStore) -> str:
    run_id = uuid.uuid4().hex[:12]
    store.set_meta("run_id", run_id)
    return run_id


def _collect(
    app: Celery,
    waiting: dict[str, list[int]],
    arrived: Callable[[str, dict[str, Any]], None],
    failed: Callable[[str, str], None],
    cluster: ClusterRun,
    lost: Callable[[str], None] | None = None,
) -> None:
    """Poll the results until every task sent has come back.

    ``lost`` is told of a task that is neither finished, nor queued, nor held by a worker at two
    checks in a row (a broker restarted without its append-only file, a message a dying worker
    had taken but not yet registered): its sites are sent again, and a late duplicate result is
    dropped when it lands.
    """
    quiet_since = time.monotonic()
    next_check = time.monotonic() + cluster.lost_check_s
    suspects: set[str] = set()
    while waiting:
        states = _retrying(lambda: _states(app, list(waiting)), cluster)
        if lost is not None and time.monotonic() >= next_check:
            next_check = time.monotonic() + cluster.lost_check_s
            alive = _retrying(lambda: in_flight_ids(app), cluster)
            gone = {
                t
                for t in waiting
                if t not in alive and states.get(t, {}).get("status") not in _FINAL
            }
            for task_id in gone & suspects:
                cluster.notify(f"有任务在消息队列中丢失，重新发送其网站（任务 {task_id}）")
                lost(task_id)
                waiting.pop(task_id, None)
            suspects = gone - suspects
        if any(meta.get("status") for meta in states.values()):
            quiet_since = time.monotonic()  # a worker has taken or finished a task
        elif time.monotonic() - quiet_since > cluster.quiet_s:
            cluster.notify(
                f"已等待{cluster.quiet_s:.0f}秒，没有检查节点领取任务；请确认检查节点在运行"
                f"（auditor workers --broker {cluster.broker}）"
            )
            quiet_since = time.monotonic()
        for task_id, meta in states.items():
            status = meta.get("status")
            if status == "SUCCESS":
                arrived(task_id, meta["result"])
            elif status in _FINAL:
                failed(task_id, _failure_text(meta))
            else:
                continue
            waiting.pop(task_id, None)
            _forget(app, task_id, cluster)
        if waiting:
            time.sleep(cluster.poll_s)


def _forget(app: Celery, task_id: str, cluster: ClusterRun) -> None:
    """Drop a collected result from Redis (its pictures are large and now stored here)."""
    _retrying(lambda: app.backend.forget(task_id), cluster)


def _states(app: Celery, task_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The stored state of each task (absent while queued), a batch per Redis round trip."""
    backend = app.backend
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(task_ids), BATCH):
        batch = task_ids[start : start + BATCH]
        values = backend.mget([backend.get_key_for_task(t) for t in batch])
        for task_id, raw in zip(batch, values, strict=True):
            if raw:
                found[task_id] = backend.decode_result(raw)
    return found


def _failure_text(meta: dict[str, Any]) -> str:
    result = meta.get("result")
    if isinstance(result, dict):
        return f"{result.get('exc_type', '')}: {result.get('exc_message', '')}".strip(": ")
    return str(result or meta.get("status", ""))


def _retrying(call: Callable[[], Any], cluster: ClusterRun) -> Any:
    """``call``, waiting out a broker that is down or restarting (the run just pauses)."""
    told = False
    pause = 1.0
    while True:
        try:
            return call()
        except _BROKER_DOWN as exc:
            if not told:
                cluster.notify(f"消息队列暂时无法连接，等待恢复后继续（{describe(exc)}）")
                told = True
            time.sleep(pause)
            pause = min(pause * 2, 10.0)


def audit_accounts_on_cluster(
    accounts: list[Account],
    options: AuditOptions,
    as_of: date,
    cluster: ClusterRun,
    storage_state: dict[str, Any] | None = None,
) -> list[AccountResult]:
    """:func:`auditor.media.run.audit_accounts` by the cluster's workers: one task per platform
    host (a platform is never hit by two workers at once), screenshots landed after their
    SHA-256 matches, and the checks over the whole list done here."""
    from auditor.media.profile import Profile, State, platform_of
    from auditor.media.run import AccountResult, judge_list

    options.out_dir.mkdir(parents=True, exist_ok=True)
    app = make_app(cluster.broker)
    numbered = list(enumerate(accounts, 1))
    payload_options = options_to_dict(options)
    waiting: dict[str, list[int]] = {}
    hosts: dict[str, list[tuple[int, Account]]] = {}
    for n, account in numbered:
        hosts.setdefault((urlsplit(account.url).netloc or account.url).lower(), []).append(
            (n, account)
        )

    def send(group: list[tuple[int, Account]]) -> None:
        task_id = str(uuid.uuid4())
        payload = {
            "options": payload_options,
            "as_of": as_of.isoformat(),
            "accounts": [{"n": n, "account": dataclasses.asdict(a)} for n, a in group],
            "storage_state": storage_state,
        }
        _send_once(app, ACCOUNTS_TASK, payload, task_id, cluster)
        waiting[task_id] = [n for n, _a in group]

    for group in hosts.values():
        send(group)
    found: dict[int, AccountResult] = {}

    def lost(task_id: str) -> None:
        again = [(n, accounts[n - 1]) for n in waiting[task_id] if n not in found]
        if again:
            send(again)

    def arrived(_task_id: str, result: dict[str, Any]) -> None:
        try:
            if result.get("files"):
                land_files(options.out_dir, result["files"], result["packed"])
            got = {int(a["n"]): AccountResult.from_dict(a["result"]) for a in result["accounts"]}
        except TransferError as exc:
            failed(_task_id, str(exc))
            return
        for n, account_result in got.items():
            found.setdefault(n, account_result)

    def failed(task_id: str, why: str) -> None:
        """No judgement on an account whose task failed: its checks say error (无法判定)."""
        from auditor.media.run import judge

        for n in waiting[task_id]:
            account = accounts[n - 1]
            profile = Profile(
                url=account.url,
                platform=platform_of(account.url, account.platform),
                state=State.FAILED,
                detail=f"检查节点出错：{why}",
            )
            found.setdefault(n, AccountResult(account, profile, judge(profile, account, as_of)))

    _collect(app, waiting, arrived, failed, cluster, lost)
    results = [found[n] for n, _a in numbered]
    judge_list(results)
    return results

"""The worker side: one Chromium per worker process, one task per host's sites.

The browser is started when the worker starts and closed when it stops. Tasks run on Celery's
thread pool, several at once (``--concurrency``), each the same engine as a local run
(:func:`auditor.engine.audit_sites`) on that one browser, sharing its page slots as a local run's
sites do, each in a folder of its own; the sites' folders go back with the SHA-256 of every
picture taken where it was written.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import shutil
import socket
import tempfile
import threading
import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from celery import Celery, Task
from celery.signals import worker_init, worker_shutdown

from auditor.browser.launch import launch
from auditor.browser.renderer import Launched, RenderLimits, default_concurrency
from auditor.cluster.app import ACCOUNTS_TASK, TASK, make_app
from auditor.cluster.payload import options_from_dict, pack, pack_paths
from auditor.model import SiteSpec
from auditor.run import manifest
from auditor.run.site_dir import site_dir_name

__all__ = ["BrowserKey", "ProcessBrowser", "audit_accounts_task", "audit_task", "worker_app"]

T = TypeVar("T")
BrowserKey = tuple[str | None, bool, tuple[tuple[str, str], ...]]  # executable, local-only, resolve


class ProcessBrowser:
    """This process's Chromium, driven from an event loop on a thread of its own.

    Tasks arrive on Celery's threads; Playwright objects belong to one loop, so every use goes
    through :meth:`run`, and the tasks' runs share the loop as a local run's sites do.
    """

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self._pw: Any = None
        self._browsers: dict[BrowserKey, Launched] = {}
        self._limits: dict[int, RenderLimits] = {}
        self._launching = asyncio.Lock()

    def run(self, work: Callable[[], Awaitable[T]]) -> T:
        future = asyncio.run_coroutine_threadsafe(_call(work), self.loop)
        try:
            return future.result()
        except BaseException:  # a time limit or shutdown on Celery's side: stop the work too
            future.cancel()
            raise

    async def browser(self, key: BrowserKey, concurrency: int = 0) -> Launched:
        """The browser for ``key``, with the page limits every task of this size shares.

        Tasks asking for other launch flags get a browser of their own beside it (a browser in
        use by another task is never closed under it)."""
        size = concurrency or default_concurrency()
        limits = self._limits.setdefault(size, RenderLimits.of(size))
        async with self._launching:
            found = self._browsers.get(key)
            if found is None or not found.browser.is_connected():
                if self._pw is None:
                    from playwright.async_api import async_playwright

                    self._pw = await async_playwright().start()
                executable, local_only, resolve = key
                browser = await launch(
                    self._pw, executable, test_mode=local_only, hosts=dict(resolve)
                )
                found = self._browsers[key] = Launched(self._pw, browser)
        return dataclasses.replace(found, limits=limits)

    def close(self) -> None:
        async def stop() -> None:
            for launched in self._browsers.values():
                with contextlib.suppress(Exception):
                    await launched.browser.close()
            self._browsers.clear()
            if self._pw is not None:
                with contextlib.suppress(Exception):
                    await self._pw.stop()
                self._pw = None

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(stop(), self.loop).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)


async def _call(work: Callable[[], Awaitable[T]]) -> T:
    return await work()


_PROCESS: ProcessBrowser | None = None
_DEFAULT_KEY: BrowserKey = (None, False, ())


def process_browser() -> ProcessBrowser:
    global _PROCESS
    if _PROCESS is None:
        _PROCESS = ProcessBrowser()
    return _PROCESS


@worker_init.connect
def _start_browser(**_kwargs: Any) -> None:
    """The worker starts its Chromium now, not on its first site."""
    browser = process_browser()
    browser.run(lambda: browser.browser(_DEFAULT_KEY))


@worker_shutdown.connect
def _stop_browser(**_kwargs: Any) -> None:
    global _PROCESS
    if _PROCESS is not None:
        _PROCESS.close()
        _PROCESS = None


def audit_task(task: Task, payload: dict[str, Any]) -> dict[str, Any]:
    """Audit one host's sites as a local run would, and return them with their files."""
    from auditor.engine import SiteJob, audit_sites

    shared = Path(payload["shared_dir"]) if payload.get("shared_dir") else None
    delivery = f"{task.request.id}-{uuid.uuid4().hex[:8]}"  # a redelivery never shares a folder
    if shared is not None:
        work = shared / payload["run"] / delivery
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix=f"auditor-{delivery}-"))
    try:
        options = options_from_dict(payload["options"], work)
        jobs = [SiteJob(s["index"], SiteSpec(**s["site"])) for s in payload["sites"]]
        browser = process_browser()

        async def audit() -> Any:
            launched = await browser.browser(_key_of(options), options.concurrency)
            return await audit_sites(jobs, options, launched=launched)

        results, version = browser.run(audit)
        sites = []
        for job, result in zip(jobs, results, strict=True):
            name = site_dir_name(job.index, job.site)
            item: dict[str, Any] = {
                "index": job.index,
                "name": name,
                "result": result.to_dict(),
                "files": manifest.site_entries(work, result),  # hashed where they were written
            }
            if shared is not None:
                item["folder"] = str((work / name).relative_to(shared))
            elif (work / name).is_dir():
                item["packed"] = pack(work / name)
            sites.append(item)
        return {"sites": sites, "browser_version": version, "worker": _worker_name()}
    finally:
        if shared is None:
            shutil.rmtree(work, ignore_errors=True)


def audit_accounts_task(task: Task, payload: dict[str, Any]) -> dict[str, Any]:
    """Open and judge one platform host's accounts; their screenshots travel back hashed."""
    from auditor.media.accounts import Account
    from auditor.media.run import read_accounts

    work = Path(tempfile.mkdtemp(prefix=f"auditor-{task.request.id}-"))
    try:
        options = options_from_dict(payload["options"], work)
        numbered = [(int(a["n"]), Account(**a["account"])) for a in payload["accounts"]]
        as_of = date.fromisoformat(payload["as_of"])
        browser = process_browser()

        async def audit() -> Any:
            launched = await browser.browser(_key_of(options), options.concurrency)
            state = payload.get("storage_state")
            return await read_accounts(numbered, options, as_of, state, launched)

        results = browser.run(audit)
        shots = [r.profile.screenshot for r in results if r.profile.screenshot]
        files = [{"path": name, "sha256": manifest.sha256_of(work / name)} for name in shots]
        return {
            "accounts": [
                {"n": n, "result": r.to_dict()}
                for (n, _a), r in zip(numbered, results, strict=True)
            ],
            "files": files,
            "packed": pack_paths(work, shots) if shots else "",
            "worker": _worker_name(),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _key_of(options: Any) -> BrowserKey:
    return (options.browser, options.test_mode, tuple(sorted(options.resolve.items())))


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def worker_app(
    broker: str, *, default_key: BrowserKey, visibility_timeout_s: float, restore_every_s: float
) -> Celery:
    """The app a worker runs: the audit task registered, the process browser's default flags set."""
    global _DEFAULT_KEY
    _DEFAULT_KEY = default_key
    app = make_app(
        broker, visibility_timeout_s=visibility_timeout_s, restore_every_s=restore_every_s
    )
    app.task(name=TASK, bind=True)(audit_task)
    app.task(name=ACCOUNTS_TASK, bind=True)(audit_accounts_task)
    return app

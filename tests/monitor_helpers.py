"""The monitor tests' tools: a flaky home-page server and a week run in virtual time.

``flaky_server``: a server on 127.0.0.1 that fails a known share of requests, deterministically.

The first path segment says how the path answers its n-th request: ``/every4/`` HTTP 503 on
every 4th, ``/every20/`` and ``/every25/`` likewise, ``/hang3/`` holds every 3rd answer past the
monitor's limit, ``/ok/`` always answers, ``/slow/`` answers after a short pause (so two requests
at once would overlap). Each path counts its own requests, so each site's failures are known
whatever the order across sites. The server also records how many requests it had unanswered
at once (``max_in_flight``): a request counts from its arrival until its answer starts.

``virtual_run``: the rule's 7 days × 20 attempts for real requests, the schedule's clock advancing
instantly (``VirtualClock``), so a week's ratio is measured in seconds.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from auditor.model import SiteSpec
from auditor.monitor.measure import Measure, measure_sites
from auditor.monitor.plan import Plan
from auditor.monitor.runner import run_monitor
from auditor.monitor.store import MonitorStore

HANG_S = 5.0  # well past the tests' limit for it (1.5 s); the client gives up first
SLOW_S = 0.05
_EVERY = re.compile(r"^/every(\d+)/")
_HANG = re.compile(r"^/hang(\d+)/")


class FlakyServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.hits: Counter[str] = Counter()
        self.methods: Counter[str] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FlakyServer

    def do_GET(self) -> None:
        srv = self.server
        with srv.lock:
            srv.methods[self.command] += 1
            srv.hits[self.path] += 1
            n = srv.hits[self.path]
            srv.in_flight += 1
            srv.max_in_flight = max(srv.max_in_flight, srv.in_flight)
        status = 200
        try:
            if (m := _EVERY.match(self.path)) and n % int(m.group(1)) == 0:
                status = 503
            elif (m := _HANG.match(self.path)) and n % int(m.group(1)) == 0:
                time.sleep(HANG_S)
            elif self.path.startswith("/slow/"):
                time.sleep(SLOW_S)
        finally:
            with srv.lock:
                srv.in_flight -= 1  # before the answer starts: the client cannot be done yet
        body = b"<html><title>home</title><body>ok</body></html>"
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up (a hang past its limit)

    def do_POST(self) -> None:  # never expected: recorded so a test can say so
        with self.server.lock:
            self.server.methods[self.command] += 1
        self.send_response(405)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def flaky_server() -> Iterator[FlakyServer]:
    server = FlakyServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


class VirtualClock:
    """A clock whose sleeps take no time: a week's schedule runs in seconds."""

    def __init__(self, start: float = 1_790_000_000.0) -> None:
        self.t = start

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += seconds
        await asyncio.sleep(0)


def virtual_run(run_dir: Path, sites: list[SiteSpec], plan: Plan | None = None) -> list[Measure]:
    """Run ``plan`` (default: the rule's 7 days × 20) for real requests in virtual time."""
    clock = VirtualClock()
    plan = replace(plan or Plan(local_only=True), start=clock.now(), seed=7)
    store = MonitorStore.create(run_dir, sites, plan, {})
    try:
        asyncio.run(run_monitor(store, resumed=False, clock=clock))
        return measure_sites(store.plan(), store.sites(), store.records())
    finally:
        store.close()

"""The monitoring loop: each slot at its time, one request per host at a time, stored as it ends.

Slots whose time passed while no monitor was running (the machine was down, the process was
killed) are recorded as missed when the run resumes — not failures, and never tried late in a
burst. A slot that comes due while the loop is running is tried even if a little late; one more
than a spacing late (the machine slept) is missed too, so attempts stay spread over the day.
Time comes from a ``Clock`` so tests can run a week's schedule without waiting a week.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol
from urllib.parse import urlsplit

from auditor.hostmap import is_local
from auditor.monitor.plan import Slot
from auditor.monitor.probe import client, probe
from auditor.monitor.store import MonitorStore

__all__ = ["DOWN_REASON", "LATE_REASON", "MAX_IN_FLIGHT", "Clock", "RealClock", "run_monitor"]

MAX_IN_FLIGHT = 32  # attempts in progress at once, all hosts together
LATE_FLOOR_S = 60.0  # a slot is only missed in a running loop when this late (and a spacing)
DOWN_REASON = "监测程序未运行（计划访问时间已过）"
LATE_REASON = "监测程序暂停，计划访问时间已过"


class Clock(Protocol):
    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class RealClock:
    def now(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def may_fetch_for(
    local_only: bool, hosts: Mapping[str, str] | None = None
) -> Callable[[str], bool]:
    def may_fetch(url: str) -> bool:
        if not url.startswith(("http://", "https://")):
            return False
        return not local_only or is_local(urlsplit(url).hostname, hosts or {})

    return may_fetch


async def run_monitor(
    store: MonitorStore,
    *,
    resumed: bool,
    clock: Clock | None = None,
    on_attempt: Callable[[Slot, dict[str, Any]], None] | None = None,
) -> None:
    """Work through every pending slot of the store's schedule; returns when none is left."""
    clock = clock or RealClock()
    plan = store.plan()
    urls = {i: s.url for i, s in enumerate(store.sites(), 1)}
    pending = store.pending()
    if resumed:
        began = clock.now()
        store.record_missed([s for s in pending if s.planned < began], DOWN_REASON, began)
        pending = [s for s in pending if s.planned >= began]
    late_limit = max(plan.spacing, LATE_FLOOR_S)
    hosts: dict[str, asyncio.Lock] = {}
    room = asyncio.Semaphore(MAX_IN_FLIGHT)
    tasks: set[asyncio.Task[None]] = set()
    broken: list[BaseException] = []  # a store failure (disk full) stops the run

    def finished(task: asyncio.Task[None]) -> None:
        tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            broken.append(task.exception())  # type: ignore[arg-type]

    may_fetch = may_fetch_for(plan.local_only, plan.resolve)
    async with client(may_fetch, plan.limit_s, hosts=plan.resolve) as http:

        async def attempt(slot: Slot) -> None:
            url = urls[slot.site]
            # Politeness: never two requests in flight to one host. A host that is slow to answer
            # holds only its own sites' slots back: the room is taken once the host is free.
            async with hosts.setdefault(urlsplit(url).hostname or url, asyncio.Lock()), room:
                result = await probe(http, url, plan.limit_s, clock.now)
            store.record(slot, result, clock.now())
            if on_attempt:
                on_attempt(slot, result)

        for slot in pending:
            if broken:
                raise broken[0]
            wait = slot.planned - clock.now()
            if wait > 0:
                await clock.sleep(wait)
            if clock.now() - slot.planned > late_limit:
                store.record_missed([slot], LATE_REASON, clock.now())
                continue
            task = asyncio.create_task(attempt(slot))
            tasks.add(task)
            task.add_done_callback(finished)
        if tasks:
            await asyncio.gather(*tasks)
        if broken:
            raise broken[0]

"""Every page-side step with a time limit, and a way to stop a page's runaway script.

Why: ``page.evaluate`` has no timeout of its own. A page whose script spins after ``load`` (or a
DOM with 100 000 links) would hold a settle or gather call, and with it a whole province's run,
forever. Each step therefore runs under :meth:`TabWatch.run`: past its limit the call is abandoned,
a script still holding the page's main thread is interrupted through DevTools
(``Runtime.terminateExecution`` on a session opened when the tab was made — once a script holds
the thread it is too late to open one), and :class:`StepTimeout` says which step ran out of time and
whether the tab can still be used. A tab that cannot is closed by its owner.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable
from typing import Any, TypeVar

from playwright.async_api import CDPSession, Page
from playwright.async_api import Error as PlaywrightError

__all__ = ["StepTimeout", "TabWatch", "open_cdp"]

T = TypeVar("T")
# Also clears axe's busy flag, so axe can run again after an interrupted run.
_RESET = "() => { if (window.axe) window.axe._running = false; return 1; }"
_PROBE_S = 0.5  # an idle page answers a tiny script well within this
_RECOVER_S = 4.0  # interrupting a busy page: at most this long before giving the tab up


class StepTimeout(Exception):  # noqa: N818 - reads as what happened, like TimeoutError
    """A page-side step ran out of time; ``usable`` says whether the tab still answers."""

    def __init__(self, step: str, seconds: float, usable: bool) -> None:
        super().__init__(f"{step} 超过 {seconds:g} 秒未完成")
        self.step = step
        self.seconds = seconds
        self.usable = usable


async def open_cdp(page: Page) -> CDPSession | None:
    """A DevTools session for ``page``; None where the browser offers none (not Chromium)."""
    try:
        return await asyncio.wait_for(page.context.new_cdp_session(page), 2.0)
    except (PlaywrightError, TimeoutError):
        return None


class TabWatch:
    """A tab with its DevTools session: runs steps with a limit and stops what overruns."""

    def __init__(self, page: Page, cdp: CDPSession | None) -> None:
        self.page = page
        self.cdp = cdp

    @classmethod
    async def attach(cls, page: Page) -> TabWatch:
        return cls(page, await open_cdp(page))

    async def run(self, step: str, work: Awaitable[T], limit_s: float) -> T:
        """``await work`` within ``limit_s``; past it, stop the page's script and raise."""
        try:
            return await asyncio.wait_for(work, timeout=limit_s)
        except TimeoutError:
            usable = await self.recover()
            raise StepTimeout(step, limit_s, usable) from None

    async def evaluate(self, step: str, script: str, arg: Any = None, limit_s: float = 10.0) -> Any:
        return await self.run(step, self.page.evaluate(script, arg), limit_s)

    async def recover(self) -> bool:
        """Interrupt a script still holding the main thread; does the page answer again?"""
        deadline = time.perf_counter() + _RECOVER_S
        if await self.answers(_PROBE_S):
            return True
        if self.cdp is not None:
            with contextlib.suppress(PlaywrightError, TimeoutError):
                await asyncio.wait_for(self.cdp.send("Runtime.terminateExecution"), 0.5)
        return await self.answers(deadline - time.perf_counter())

    async def answers(self, within_s: float) -> bool:
        """Does the page run a tiny script within ``within_s``? (It also clears axe's flag.)

        A probe that arrives just as an interrupt lands is itself terminated; it is retried.
        """
        deadline = time.perf_counter() + within_s
        while (left := deadline - time.perf_counter()) > 0:
            try:
                await asyncio.wait_for(self.page.evaluate(_RESET), left)
                return True
            except TimeoutError:
                return False
            except PlaywrightError:
                if self.page.is_closed():
                    return False
                await asyncio.sleep(0.1)
        return False

    async def close(self) -> None:
        if self.cdp is not None:
            with contextlib.suppress(PlaywrightError, TimeoutError):
                await asyncio.wait_for(self.cdp.detach(), 0.5)
        with contextlib.suppress(PlaywrightError, TimeoutError):
            await asyncio.wait_for(self.page.close(), 5.0)

"""Nothing but GET and HEAD leaves the browser, unless a test message is being submitted.

Why at the context: an audit must never write to a government site (no 留言, no search POST, no
analytics beacon). ``page.route`` does not cover pop-ups or new tabs — a form with
``target="_blank"`` escaped it — so one guard is installed on each browser context, where it sees
every page, pop-up and frame of that context; service workers, which could send on their own,
are blocked when the context is made (:func:`context_options`). Every other method is aborted
and recorded, so artifacts say truthfully what a page tried to send. Only the ``--submit-forms``
step lifts the guard, for its own tab, while it submits one marked test message.

Pop-ups are closed as they open and counted (one page opened 68): a visitor's screen, not ours.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from playwright.async_api import BrowserContext, Page, Request, Route
from playwright.async_api import Error as PlaywrightError

__all__ = ["SAFE_METHODS", "Attempt", "NetworkGuard", "context_options"]

SAFE_METHODS = frozenset({"GET", "HEAD"})
MAX_RECORDED = 200


def context_options() -> dict[str, Any]:
    """Options every audit context shares: no service workers, no downloads."""
    return {"service_workers": "block", "accept_downloads": False}


@dataclass(frozen=True)
class Attempt:
    """A request that is not GET/HEAD: aborted unless submitting was allowed for its tab."""

    method: str
    url: str
    at: float  # time.monotonic()
    sent: bool
    page: Page | None

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "url": self.url[:300], "sent": self.sent}


class NetworkGuard:
    """One per browser context: aborts writes, closes pop-ups, remembers both."""

    def __init__(self) -> None:
        self.attempts: list[Attempt] = []
        self.popups: list[str] = []  # URLs of closed pop-ups (the first MAX_RECORDED)
        self.popup_count = 0
        self._owner: dict[Page, Page] = {}  # pop-up → the tab that opened it
        self._opened: list[tuple[float, Page]] = []  # (when, opener) of every pop-up
        self._writable: set[Page] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def install(self, context: BrowserContext) -> None:
        await context.route("**/*", self._route)

    def watch(self, page: Page) -> None:
        """Close the pop-ups ``page`` opens (call for every tab the auditor makes)."""
        page.on("popup", lambda popup: self._on_popup(page, popup))

    @contextlib.contextmanager
    def writable(self, page: Page) -> Iterator[None]:
        """Let ``page`` send what it submits while the block runs (``--submit-forms`` only)."""
        self._writable.add(page)
        try:
            yield
        finally:
            self._writable.discard(page)

    def attempts_of(self, page: Page, since: float = 0.0) -> list[Attempt]:
        """What ``page`` (or a pop-up it opened) tried to send since ``since``."""
        return [a for a in self.attempts if a.at >= since and self._resolve(a.page) is page]

    def popups_of(self, page: Page, since: float = 0.0) -> int:
        """How many pop-ups ``page`` (or its pop-ups) opened since ``since``."""
        return sum(
            1 for at, opener in self._opened if at >= since and self._resolve(opener) is page
        )

    def _resolve(self, page: Page | None) -> Page | None:
        seen = 0
        while page is not None and page in self._owner and seen < 10:
            page, seen = self._owner[page], seen + 1
        return page

    async def _route(self, route: Route, request: Request) -> None:
        method = request.method.upper()
        if method in SAFE_METHODS:
            with contextlib.suppress(PlaywrightError):
                await route.fallback()
            return
        page = _page_of(request)
        sent = self._resolve(page) in self._writable
        if len(self.attempts) < MAX_RECORDED:
            self.attempts.append(Attempt(method, request.url, time.monotonic(), sent, page))
        with contextlib.suppress(PlaywrightError):
            if sent:
                await route.fallback()
            else:
                await route.abort("blockedbyclient")

    def _on_popup(self, opener: Page, popup: Page) -> None:
        self._owner[popup] = opener
        self._opened.append((time.monotonic(), opener))
        self.popup_count += 1
        if len(self.popups) < MAX_RECORDED:
            self.popups.append(popup.url)
        popup.on("popup", lambda inner: self._on_popup(popup, inner))
        task = asyncio.ensure_future(_close(popup))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _page_of(request: Request) -> Page | None:
    try:
        return request.frame.page
    except PlaywrightError:
        return None  # a service worker's request has no frame (workers are blocked anyway)


async def _close(page: Page) -> None:
    # A moment for the pop-up's first request to reach the route, so it is recorded, not lost.
    await asyncio.sleep(0.2)
    with contextlib.suppress(PlaywrightError, TimeoutError):
        await asyncio.wait_for(page.close(), 5.0)

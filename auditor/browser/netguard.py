"""Nothing but GET and HEAD leaves the browser, unless a test message is being submitted.

Why in the browser: an audit must never write to a government site (no 留言, no search POST, no
analytics beacon). One DevTools ``Fetch`` interception at the browser target pauses every request
of every context, tab, pop-up and out-of-process frame before it leaves (``page.route`` missed a
form with ``target="_blank"``); GET and HEAD go on at once, every other method is aborted and
recorded, so artifacts say truthfully what a page tried to send. Only the ``--submit-forms`` step
lifts the guard, for its own tab, while it submits one marked test message. Service workers,
which could send on their own, are blocked when the context is made (:func:`context_options`).

Why not Playwright's ``context.route``: routing turns Chromium's HTTP cache off, so every page of
a site fetched its style sheets, scripts and pictures again — 300 ms a page more at 300 ms per
response. DevTools interception leaves the cache on (a cached GET never leaves the browser).

A request is told to its tab by its frame: a tab's main frame id is its DevTools target id, learnt
when the tab is watched; an out-of-process iframe or a pop-up is a target whose parent or opener
leads to a tab; an in-process subframe is found in the tabs' frame trees. A request whose frame
cannot be told is still blocked, only not credited to a tab.

Pop-ups are closed as they open and counted (one page opened 68): a visitor's screen, not ours.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from playwright.async_api import Browser, BrowserContext, CDPSession, Page
from playwright.async_api import Error as PlaywrightError

__all__ = ["SAFE_METHODS", "Attempt", "NetworkGuard", "context_options"]

SAFE_METHODS = frozenset({"GET", "HEAD"})
MAX_RECORDED = 200
UNKNOWN_FRAME_WAIT_S = 1.0  # a tab's first request can arrive before the tab is known


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
        self._interceptor: _Interceptor | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def install(self, context: BrowserContext) -> None:
        """Make sure the browser of ``context`` holds every write (once per browser)."""
        if context.browser is None:
            raise RuntimeError("网络防护需要由 Browser 创建的浏览器上下文")
        self._interceptor = await _Interceptor.of(context.browser)

    async def watch(self, page: Page) -> None:
        """Credit ``page``'s requests to it and close the pop-ups it opens (every tab we make)."""
        page.on("popup", lambda popup: self._on_popup(page, popup))
        if self._interceptor is not None:
            await self._interceptor.register(self, page)

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

    def decide(self, method: str, url: str, page: Page | None) -> bool:
        """Whether a request may leave: GET/HEAD always, a write only from a writable tab."""
        if method in SAFE_METHODS:
            return True
        sent = page is not None and self._resolve(page) in self._writable
        if len(self.attempts) < MAX_RECORDED:
            self.attempts.append(Attempt(method, url, time.monotonic(), sent, page))
        return sent

    def _resolve(self, page: Page | None) -> Page | None:
        seen = 0
        while page is not None and page in self._owner and seen < 10:
            page, seen = self._owner[page], seen + 1
        return page

    def _on_popup(self, opener: Page, popup: Page) -> None:
        self._owner[popup] = opener
        self._opened.append((time.monotonic(), opener))
        self.popup_count += 1
        if len(self.popups) < MAX_RECORDED:
            self.popups.append(popup.url)
        popup.on("popup", lambda inner: self._on_popup(popup, inner))
        self._spawn(self._register_and_close(popup))

    async def _register_and_close(self, popup: Page) -> None:
        if self._interceptor is not None:
            await self._interceptor.register(self, popup)
        # A moment for the pop-up's first request to reach the guard, so it is recorded, not lost.
        await asyncio.sleep(0.2)
        with contextlib.suppress(PlaywrightError, TimeoutError):
            await asyncio.wait_for(popup.close(), 5.0)

    def _spawn(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


class _Interceptor:
    """The browser-wide ``Fetch`` interception and the frame → tab map it credits requests by."""

    def __init__(self, session: CDPSession) -> None:
        self.session = session
        self.tabs: dict[str, tuple[NetworkGuard, Page, CDPSession]] = {}  # main frame id → tab
        self.frames: dict[str, str] = {}  # subframe id → its tab's main frame id
        self.known = asyncio.Event()  # set whenever a tab is registered
        self._tasks: set[asyncio.Task[None]] = set()

    @classmethod
    async def of(cls, browser: Browser) -> _Interceptor:
        """The browser's interceptor, started by the first context that asks."""
        if browser not in _INTERCEPTORS:
            _INTERCEPTORS[browser] = asyncio.ensure_future(cls._start(browser))
        return await _INTERCEPTORS[browser]

    @classmethod
    async def _start(cls, browser: Browser) -> _Interceptor:
        session = await browser.new_browser_cdp_session()
        interceptor = cls(session)
        session.on("Fetch.requestPaused", interceptor._on_paused)
        patterns = [{"urlPattern": "*", "requestStage": "Request"}]
        await session.send("Fetch.enable", {"patterns": patterns})
        return interceptor

    async def register(self, guard: NetworkGuard, page: Page) -> None:
        """Learn ``page``'s main frame id (its DevTools target id); forget it when it closes."""
        try:
            session = await page.context.new_cdp_session(page)
            info = await session.send("Target.getTargetInfo")
        except PlaywrightError:
            return  # closed already: nothing of it can leave any more
        frame_id = info["targetInfo"]["targetId"]
        self.tabs[frame_id] = (guard, page, session)
        page.on("close", lambda _p: self._forget(frame_id))
        self.known.set()
        self.known = asyncio.Event()

    def _forget(self, frame_id: str) -> None:
        self.tabs.pop(frame_id, None)
        for sub in [s for s, main in self.frames.items() if main == frame_id]:
            del self.frames[sub]

    def _on_paused(self, event: dict[str, Any]) -> None:
        request = event["request"]
        if request["method"].upper() in SAFE_METHODS:
            self._spawn(self._answer(event["requestId"], True))
        else:
            self._spawn(self._judge(event))

    async def _judge(self, event: dict[str, Any]) -> None:
        allowed = False
        try:
            tab = await self._tab_of(event.get("frameId", ""))
            request = event["request"]
            if tab is not None:
                guard, page, _ = tab
                allowed = guard.decide(request["method"].upper(), request["url"], page)
        finally:  # whatever happened above, the request is answered (a blocked one by default)
            await self._answer(event["requestId"], allowed)

    async def _tab_of(self, frame_id: str) -> tuple[NetworkGuard, Page, CDPSession] | None:
        """The tab a frame belongs to: its own, its parent's (iframes) or its opener's (pop-ups)."""
        deadline = time.monotonic() + UNKNOWN_FRAME_WAIT_S
        while True:
            for _hop in range(5):  # an iframe in an iframe in a pop-up …
                main = frame_id if frame_id in self.tabs else self.frames.get(frame_id)
                if main is None:
                    main = await self._find_subframe(frame_id)
                if main is not None and main in self.tabs:
                    return self.tabs[main]
                up = await self._parent_or_opener(frame_id)
                if not up:
                    break
                frame_id = up
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.known.wait(), left)

    async def _parent_or_opener(self, frame_id: str) -> str:
        """An out-of-process iframe's parent frame, or a pop-up's opener (DevTools targets)."""
        try:
            got = await self.session.send("Target.getTargetInfo", {"targetId": frame_id})
        except PlaywrightError:
            return ""  # not a target of its own: an in-process frame
        info = got.get("targetInfo", {})
        return str(info.get("parentFrameId") or info.get("openerFrameId") or "")

    async def _find_subframe(self, frame_id: str) -> str | None:
        """Which tab's frame tree holds ``frame_id`` (rare: writes from inside an iframe)."""
        for main, (_, _, session) in list(self.tabs.items()):
            with contextlib.suppress(PlaywrightError, TimeoutError, KeyError):
                tree = await asyncio.wait_for(session.send("Page.getFrameTree"), 2.0)
                stack = [tree["frameTree"]]
                while stack:
                    node = stack.pop()
                    self.frames[node["frame"]["id"]] = main
                    stack.extend(node.get("childFrames", []))
                if frame_id in self.frames:
                    return self.frames[frame_id]
        return None

    async def _answer(self, request_id: str, allowed: bool) -> None:
        with contextlib.suppress(PlaywrightError):  # the tab may be gone meanwhile
            if allowed:
                await self.session.send("Fetch.continueRequest", {"requestId": request_id})
            else:
                await self.session.send(
                    "Fetch.failRequest", {"requestId": request_id, "errorReason": "BlockedByClient"}
                )

    def _spawn(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


# One interceptor per browser, started by the first guarded context (a task, so two contexts
# opened at once share it).
_INTERCEPTORS: weakref.WeakKeyDictionary[Browser, asyncio.Task[_Interceptor]] = (
    weakref.WeakKeyDictionary()
)

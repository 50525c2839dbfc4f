"""The pieces of a link check that hold no connection: a host's politeness slot, one attempt's
reply, and the one shape every stored result has (``Artifacts.link_status`` items)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urljoin

from auditor.extract.links import normalize_url
from auditor.gather.link_failures import Failure

MAX_BODY_BYTES: Final = 64 * 1024  # enough for any "页面不存在" page; stops at large attachments


@dataclass
class Host:
    """Politeness state of one host (``host:port``): a semaphore and the next allowed start."""

    limit: asyncio.Semaphore
    delay_s: float
    next_start: float = 0.0
    failures: int = 0  # URLs in a row whose last attempt timed out, dropped or got a 5xx

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self.limit:
            loop = asyncio.get_running_loop()
            now = loop.time()
            start = max(now, self.next_start)
            self.next_start = start + self.delay_s  # reserve before sleeping: no lock needed
            if start > now:
                await asyncio.sleep(start - now)
            yield


@dataclass
class Reply:
    """The end of one attempt: a redirect chain walked with one method."""

    method: str
    final_url: str
    redirects: list[str] = field(default_factory=list)
    status: int | None = None
    content_type: str = ""
    body: bytes | None = None  # GET only, at most MAX_BODY_BYTES
    failure: Failure | None = None
    elapsed_s: float = 0.0

    @property
    def transient(self) -> bool:
        """Worth another attempt: a timeout, a dropped connection or a 5xx."""
        if self.failure is not None:
            return self.failure.retryable
        return self.status is not None and 500 <= self.status <= 599


def is_ok(status: int) -> bool:
    return 200 <= status <= 299


def absolute(base: str, location: str) -> str | None:
    """The redirect target as an absolute, fragment-free http(s) URL (None if unusable)."""
    try:
        return normalize_url(urljoin(base, location))
    except ValueError:
        return None


def shortened(urls: list[str], limit: int = 5) -> list[str]:
    return urls if len(urls) <= limit else [*urls[:2], "…", *urls[-2:]]


def blank_result(url: str) -> dict[str, Any]:
    """A result with every key present, so stored JSON has one shape."""
    return {
        "url": url,
        "status": None,
        "final_url": url,
        "redirects": [],
        "kind": None,
        "reason": "",
        "elapsed_ms": 0,
        "method": "HEAD",
        "content_type": "",
        "attempts": 0,
        "browser_status": None,
        "skipped": False,
        # What was observed, for judge_link (checks/link_rules.py):
        "retried": 0,  # attempts that failed transiently before the last one
        "failure": None,  # the network failure of the last attempt: kind, reason
        "redirect_without_target": False,
        "blocked_page": False,  # a firewall's or login wall's page instead of the content
        "browser_asked": False,  # the real browser was asked (blocks, certificate chains)
        "soft_404": None,  # why a 200 page reads as “页面不存在”
    }


def skipped_result(url: str) -> dict[str, Any]:
    result = blank_result(url)
    result.update(method=None, skipped=True, reason="非 http(s) 链接，未检查")
    return result

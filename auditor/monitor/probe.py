"""One attempt: GET the home page, redirects followed, the whole load within the limit.

An attempt fails, as 国办秘函〔2019〕19号 站点无法访问 counts it, when the page is not loaded within
15 s (DNS, TLS and connection errors, timeouts) or the answer is HTTP 4xx/5xx. The limit covers
everything — resolving, connecting, every redirect and the body — because a visitor waits for all
of it. GET only; the body is read and dropped.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from auditor.errors import describe
from auditor.extract.links import DNS, REDIRECT_LOOP, TLS
from auditor.gather.link_failures import classify_exception
from auditor.httpclient import http_client
from auditor.monitor.store import ERROR, FAIL, OK, iso_at

__all__ = ["MAX_BODY_BYTES", "USER_AGENT", "BlockedError", "failure_of", "probe"]

USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/124.0 Safari/537.36"
)
MAX_BODY_BYTES = 5_000_000  # a home page is loaded once this much has arrived
MAX_REDIRECTS = 10


class BlockedError(Exception):
    """A hop this run may not contact (``--local-only``): nothing is asked of the site."""


def failure_of(exc: BaseException, limit_s: float) -> tuple[str, str]:
    """(kind, Chinese reason) for a load that raised instead of answering."""
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return "timeout", f"超时（{limit_s:g}秒内未打开）"
    failure = classify_exception(exc, timeout_s=limit_s)
    if failure.kind == DNS:
        return "dns", "无法解析域名"
    if failure.kind == TLS:
        more = "（证书链不完整，浏览器可能仍能打开）" if failure.browser_may_differ else ""
        return "tls", failure.reason + more
    if failure.kind == REDIRECT_LOOP:
        return "redirect", "重定向次数过多"
    if "连接被拒绝" in failure.reason:
        return "refused", "连接被拒绝"
    if isinstance(exc, httpx.ConnectError):
        return "connect", "无法连接服务器"
    return "error", failure.reason


def client(
    may_fetch: Callable[[str], bool], limit_s: float, hosts: Mapping[str, str] | None = None
) -> httpx.AsyncClient:
    """The monitor's HTTP client: redirects followed, each hop allowed by ``may_fetch``."""

    async def guard(request: httpx.Request) -> None:
        if not may_fetch(str(request.url)):
            raise BlockedError(str(request.url))

    return http_client(
        hosts,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        timeout=limit_s,
        headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.8"},
        event_hooks={"request": [guard]},
        limits=httpx.Limits(max_keepalive_connections=0),  # each attempt connects afresh
    )


async def probe(
    http: httpx.AsyncClient, url: str, limit_s: float, now: Callable[[], float]
) -> dict[str, Any]:
    """The attempt's result: outcome ok/fail/error, status, reason (Chinese), detail apart."""
    result: dict[str, Any] = {"started": iso_at(now())}
    began = time.monotonic()
    try:
        async with asyncio.timeout(limit_s):
            async with http.stream("GET", url) as response:
                size = 0
                async for chunk in response.aiter_raw():
                    size += len(chunk)
                    if size >= MAX_BODY_BYTES:
                        break
        result.update(status=response.status_code, final_url=str(response.url))
        if response.status_code >= 400:
            result.update(outcome=FAIL, kind="http", reason=f"HTTP {response.status_code}")
        else:
            result.update(outcome=OK)
    except BlockedError as exc:
        result.update(
            outcome=ERROR,
            kind="blocked",
            reason="仅限本机（--local-only），未访问",
            detail=str(exc),
        )
    except (TimeoutError, httpx.HTTPError, OSError) as exc:
        kind, reason = failure_of(exc, limit_s)
        result.update(outcome=FAIL, kind=kind, reason=reason, detail=describe(exc))
    except Exception as exc:  # a fault on this side says nothing about the site
        result.update(outcome=ERROR, kind="error", reason="监测程序出错", detail=describe(exc))
    result["elapsed_ms"] = round((time.monotonic() - began) * 1000)
    return result

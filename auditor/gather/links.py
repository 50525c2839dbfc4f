"""The async link checker: every URL once per run, politely, with a verdict a person can act on.

Government sites ban aggressive crawlers, and a false "broken link" in an official notice costs
more than a missed one, so the checker is built around politeness and proof (国办秘函〔2019〕19号 链接可用性):

- one :class:`LinkChecker` per run caches each URL's result, and concurrent callers of the same URL
  share one request;
- every request to a host waits for that host's slot: at most ``per_host`` at once and at least
  ``delay_s`` between starts (redirect hops, retries, fingerprints and browser re-checks included);
- HEAD first (cheap); GET, reading at most 64 KB, when HEAD fails or the body is needed to spot a
  soft-404; redirects are followed by hand, so each hop is recorded and a loop is seen at once;
- only timeouts, dropped connections and 5xx are retried, with exponential backoff, and a host
  that keeps failing gets no more retries, so a dead site cannot stretch the run;
- every attempt (all redirect hops together) must finish within ``timeout_s`` of network time,
  the national 15-second rule; a body that trickles forever is cut off too;
- ``blocked`` answers (403/412/429, WAF pages) are re-checked in the real browser and reported
  only if the browser is blocked too.

Results are plain JSON dicts, stored as ``Artifacts.link_status`` and judged by the pure
``link-health`` check.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

from auditor.extract.links import (
    BLOCKED,
    ERROR,
    REDIRECT_LOOP,
    REDIRECT_STATUSES,
    TLS,
    Fingerprint,
    decode_body,
    kind_of_status,
    looks_blocked,
    looks_like_html,
    normalize_url,
    signature,
    soft_404_reason,
)
from auditor.gather import GatherContext
from auditor.gather.link_failures import Failure, classify_exception
from auditor.gather.link_results import (
    MAX_BODY_BYTES,
    Host,
    Reply,
    absolute,
    blank_result,
    is_ok,
    shortened,
    skipped_result,
)
from auditor.httpclient import http_client

__all__ = ["DEFAULT_USER_AGENT", "MAX_BODY_BYTES", "BrowserRecheck", "LinkChecker"]

DEFAULT_USER_AGENT: Final = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
_HOST_DOWN_AFTER: Final = 3  # failed URLs in a row after which a host's URLs get no retries
_RECHECK_GRACE_S: Final = 5.0  # a browser navigation gets its timeout plus this, then is dropped

BrowserRecheck = Callable[[str], Awaitable[int | None]]
"""Open the URL in the real browser; return the HTTP status it saw, or None if it saw none."""


class LinkChecker:
    """Checks links over HTTP for one run; use as ``async with LinkChecker() as checker``.

    ``check(url)`` never raises (except on cancellation): whatever happens becomes a result with
    a ``kind`` (None = fine) and a Chinese ``reason``. Worst case for one URL, not counting time
    queued behind other requests to the same host: ``(1 + retries) * timeout_s`` plus the backoff,
    one fingerprint request (``timeout_s``) and one browser re-check (``timeout_s + 5`` s).
    """

    def __init__(
        self,
        *,
        per_host: int = 2,
        delay_s: float = 0.2,
        timeout_s: float = 15.0,
        retries: int = 2,
        backoff_s: float = 0.5,
        max_redirects: int = 10,
        verify_tls: bool = True,
        browser_recheck: BrowserRecheck | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        hosts: Mapping[str, str] | None = None,
    ) -> None:
        if per_host < 1:
            raise ValueError(f"per_host must be >= 1, got {per_host}")
        if min(delay_s, backoff_s, retries, max_redirects) < 0 or timeout_s <= 0:
            raise ValueError(
                "delay_s, backoff_s, retries, max_redirects must be >= 0, timeout_s > 0"
            )
        self.per_host = per_host
        self.delay_s = delay_s
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.max_redirects = max_redirects
        self.verify_tls = verify_tls
        self.browser_recheck = browser_recheck
        self.user_agent = user_agent
        self.hosts = dict(hosts or {})  # staging host mapping (--resolve)
        self._client: httpx.AsyncClient | None = None
        self._hosts: dict[str, Host] = {}
        self._cache: dict[str, asyncio.Task[dict[str, Any]]] = {}
        self._fingerprints: dict[str, asyncio.Task[Fingerprint]] = {}

    # -- lifecycle -----------------------------------------------------------------------------

    async def __aenter__(self) -> LinkChecker:
        self._client = http_client(
            self.hosts,
            verify=self.verify_tls,
            follow_redirects=False,  # followed by hand: every hop recorded and host-limited
            timeout=httpx.Timeout(self.timeout_s),
            headers={
                "User-Agent": self.user_agent,
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,"
                "image/avif,image/webp,*/*;q=0.8",
                "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
            },
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        pending = [t for t in [*self._cache.values(), *self._fingerprints.values()] if not t.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # -- public API ----------------------------------------------------------------------------

    async def check(self, url: str) -> dict[str, Any]:
        """The result for ``url``: fetched once per checker, shared by concurrent callers."""
        key = normalize_url(url)
        if key is None:
            return skipped_result(url)
        if self._client is None:
            raise RuntimeError("LinkChecker is not open; use `async with LinkChecker() as c:`")
        task = self._cache.get(key)
        if task is None:
            task = self._cache[key] = asyncio.ensure_future(self._check_safely(key))
        # shield: one caller giving up must not cancel the request the others are waiting for.
        result = await asyncio.shield(task)
        return {**result, "redirects": list(result["redirects"])}

    async def check_many(self, urls: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Results keyed by each URL as given (duplicates fetched once), all run concurrently."""
        wanted = list(dict.fromkeys(urls))
        results = await asyncio.gather(*(self.check(u) for u in wanted))
        return dict(zip(wanted, results, strict=True))

    # -- one URL -------------------------------------------------------------------------------

    async def _check_safely(self, url: str) -> dict[str, Any]:
        try:
            return await self._check(url)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug here must cost one link's verdict, not the run
            result = blank_result(url)
            result.update(kind=ERROR, reason=f"检查出错：{type(exc).__name__}: {exc}"[:200])
            result["internal_error"] = True
            return result

    async def _check(self, url: str) -> dict[str, Any]:
        host = self._host(url)
        replies = await self._fetch(url, down=host.failures >= _HOST_DOWN_AFTER)
        # Count URLs, not requests: one flaky URL's retries must not mark its host as down.
        host.failures = host.failures + 1 if replies[-1].transient else 0
        return await self._judge(url, replies)

    async def _fetch(self, url: str, *, down: bool) -> list[Reply]:
        """HEAD, then GET when needed, with retries; every attempt made, last one decisive."""
        head = await self._attempt("HEAD", url)
        replies = [head]
        failure = head.failure
        if failure is not None and not failure.retryable and failure.kind != REDIRECT_LOOP:
            return replies  # DNS, certificate, bad URL: a GET would fail the same way
        if failure is None and head.status is not None and is_ok(head.status):
            if not looks_like_html(head.content_type, head.final_url):
                return replies  # an image or an attachment: HEAD is enough
            # A 2xx page: read it (GET where HEAD ended) to tell a real page from a soft-404.
            start, redirects = head.final_url, head.redirects
        else:
            # HEAD refused (405/501), blocked, broken, looping or failed: GET from the start,
            # because many servers answer HEAD wrongly or not at all.
            start, redirects = url, []
        if head.transient and down:
            return replies  # the host's last URLs all failed: no second try on this one
        budget = 1 + self.retries - (1 if head.transient else 0)
        for _ in range(max(budget, 1)):
            failed = sum(1 for r in replies if r.transient)
            if failed:
                await asyncio.sleep(self.backoff_s * 2 ** (failed - 1))
            get = await self._attempt("GET", start, redirects=redirects)
            replies.append(get)
            if not get.transient or down:
                break
        return replies

    async def _judge(self, url: str, replies: list[Reply]) -> dict[str, Any]:
        """Record what the last reply showed, ask the browser about blocks and chains, the host
        about 200s. Judging the record is the link-health check's (``checks/link_rules.py``)."""
        last = replies[-1]
        result = blank_result(url)
        result.update(
            status=last.status,
            final_url=last.final_url,
            redirects=list(last.redirects),
            method=last.method,
            content_type=last.content_type,
            attempts=len(replies),
            retried=sum(1 for r in replies[:-1] if r.transient),
            elapsed_ms=round(sum(r.elapsed_s for r in replies) * 1000),
        )
        if last.failure is not None:
            f = last.failure
            result["failure"] = {
                "kind": f.kind,
                "reason": f.reason,
                "browser_may_differ": f.kind == TLS and f.browser_may_differ,
            }
            if result["failure"]["browser_may_differ"]:
                await self._ask_browser(result)
        else:
            await self._observe_page(url, last, result)
        return result

    async def _observe_page(self, url: str, last: Reply, result: dict[str, Any]) -> None:
        assert last.status is not None
        # Only pages are read for wording: a PDF's bytes can spell "404" by chance.
        readable = last.body is not None and looks_like_html(last.content_type, last.final_url)
        page = decode_body(last.body, last.content_type) if last.body and readable else None
        if last.status in REDIRECT_STATUSES:  # a redirect whose Location was missing or bad
            result["redirect_without_target"] = True
            return
        result["blocked_page"] = page is not None and looks_blocked(page)
        if result["blocked_page"] or kind_of_status(last.status) == BLOCKED:
            await self._ask_browser(result)
            return
        if kind_of_status(last.status) is not None:
            return
        soft = soft_404_reason(url, last.final_url, bool(last.redirects), page, None)
        if soft is None and page is not None and is_ok(last.status):
            fingerprint = await self._fingerprint(last.final_url)
            soft = soft_404_reason(url, last.final_url, bool(last.redirects), page, fingerprint)
        result["soft_404"] = soft

    # -- browser re-checks ---------------------------------------------------------------------

    async def _browser_status(self, url: str) -> int | None:
        """The status the real browser sees (None: no re-check hook, or it saw nothing)."""
        if self.browser_recheck is None:
            return None
        async with self._host(url).slot():
            try:
                async with asyncio.timeout(self.timeout_s + _RECHECK_GRACE_S):
                    return await self.browser_recheck(url)
            except asyncio.CancelledError:
                raise
            except Exception:  # the browser failing to tell is "unknown", not a verdict
                return None

    async def _ask_browser(self, result: dict[str, Any]) -> None:
        """Blocks and incomplete certificate chains are asked of the real browser once."""
        result["browser_asked"] = self.browser_recheck is not None
        result["browser_status"] = await self._browser_status(result["url"])

    # -- soft-404 fingerprint ------------------------------------------------------------------

    async def _fingerprint(self, url: str) -> Fingerprint:
        """What the host of ``url`` answers for a URL that cannot exist; once per host and run."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        task = self._fingerprints.get(origin)
        if task is None:
            task = self._fingerprints[origin] = asyncio.ensure_future(
                self._fetch_fingerprint(origin)
            )
        return await asyncio.shield(task)

    async def _fetch_fingerprint(self, origin: str) -> Fingerprint:
        # A recognisable name, so a site's admin reading the logs sees what it is.
        probe = f"{origin}/auditor-404-check-{secrets.token_hex(8)}.html"
        reply = await self._attempt("GET", probe)
        if reply.status is None or reply.body is None:
            return Fingerprint(status=reply.status)
        page = decode_body(reply.body, reply.content_type)
        return Fingerprint(
            status=reply.status,
            final_url=reply.final_url,
            redirected=bool(reply.redirects),
            signature=signature(page, probe, reply.final_url),
        )

    # -- HTTP ----------------------------------------------------------------------------------

    def _host(self, url: str) -> Host:
        netloc = urlsplit(url).netloc.lower()
        host = self._hosts.get(netloc)
        if host is None:
            host = self._hosts[netloc] = Host(asyncio.Semaphore(self.per_host), self.delay_s)
        return host

    async def _attempt(self, method: str, url: str, *, redirects: Sequence[str] = ()) -> Reply:
        """Walk the redirect chain from ``url`` with ``method``, within ``timeout_s`` in total."""
        assert self._client is not None
        reply = Reply(method=method, final_url=url, redirects=list(redirects))
        seen = {url, *redirects}
        current = url
        remaining = self.timeout_s
        loop = asyncio.get_running_loop()
        for hop in range(self.max_redirects + 1):
            host = self._host(current)
            async with host.slot():  # waiting for the slot is not the site's slowness
                started = loop.time()
                try:
                    async with asyncio.timeout(max(remaining, 0.001)):
                        status, headers, body = await self._send(method, current)
                except asyncio.CancelledError:
                    raise
                except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:  # OSError: ssl, timeout
                    reply.failure = classify_exception(exc, timeout_s=self.timeout_s)
                    return reply
                finally:
                    spent = loop.time() - started
                    remaining -= spent
                    reply.elapsed_s += spent
            reply.status, reply.final_url = status, current
            reply.content_type = headers.get("content-type", "")
            reply.body = body
            location = headers.get("location", "").strip()
            if status not in REDIRECT_STATUSES or not location:
                return reply
            target = absolute(current, location)
            if target is None:
                return reply  # judged as a redirect without a usable Location
            reply.redirects.append(target)
            reply.final_url = target
            if target in seen:
                chain = " → ".join(shortened([url, *reply.redirects]))
                reply.failure = Failure(REDIRECT_LOOP, f"重定向循环：{chain}")
                return reply
            if hop == self.max_redirects:
                reply.failure = Failure(
                    REDIRECT_LOOP, f"重定向超过 {self.max_redirects} 次，未到达最终页面"
                )
                return reply
            seen.add(target)
            current = target
        return reply  # pragma: no cover - the loop always returns

    async def _send(self, method: str, url: str) -> tuple[int, httpx.Headers, bytes | None]:
        """One request; a GET body is read up to MAX_BODY_BYTES, then the connection is dropped."""
        assert self._client is not None
        async with self._client.stream(method, url) as response:
            body: bytes | None = None
            if method == "GET" and response.status_code not in REDIRECT_STATUSES:
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size >= MAX_BODY_BYTES:
                        break
                body = b"".join(chunks)[:MAX_BODY_BYTES]
            return response.status_code, response.headers, body


async def gather(ctx: GatherContext) -> None:
    """Every link, image and attachment of the page, each URL asked once per run."""
    from auditor.extract.links import urls_to_check

    renderer = ctx.renderer
    assert renderer.links is not None, "Renderer.running() first"
    urls = [u for u in urls_to_check(ctx.art) if renderer.may_fetch(u)]
    ctx.art.link_status = await renderer.links.check_many(urls)

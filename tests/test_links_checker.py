"""LinkChecker against a local misbehaving server, and the pure rules it applies
(国办秘函〔2019〕19号 链接可用性).

The server below answers on 127.0.0.1 only, with one path per behaviour a government site shows
in the wild (404/410/5xx, slow and never-ending bodies, WAF blocks, redirect loops, soft-404s);
it logs every request, so caching, retries and politeness are asserted on what it actually saw.
The only other network use is the DNS lookup of a ``.invalid`` name (RFC 6761: never resolves).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from helpers import self_signed_certificate

from auditor.checks.link_rules import judge_link
from auditor.extract.links import (
    BLOCKED,
    BROKEN,
    DNS,
    ERROR,
    REDIRECT_LOOP,
    SERVER_ERROR,
    SOFT_404,
    TIMEOUT,
    TLS,
    Fingerprint,
    decode_body,
    is_home_url,
    kind_of_status,
    looks_blocked,
    normalize_url,
    not_found_wording,
    signature,
    soft_404_reason,
)
from auditor.gather.link_failures import classify_exception
from auditor.gather.links import DEFAULT_USER_AGENT, MAX_BODY_BYTES, LinkChecker

# -- the local server ----------------------------------------------------------------------------

_LONG = (
    "示例市人民政府门户网站提供政务公开、政务服务和互动交流等栏目，欢迎公众访问并提出意见建议。" * 3
)


def _page(title: str, text: str) -> bytes:
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><h1>{title}</h1><p>{text}</p></body></html>"
    ).encode()


HOME_PAGE = _page("示例市人民政府", "首页 " + _LONG)
NOT_FOUND_PAGE = _page("示例市人民政府", "抱歉，您访问的页面不存在或已被删除。返回首页")
WAF_PAGE = (
    b"<html><head><script>document.cookie='__jsl_clearance=1700000000.123|0|abc';"
    b"location.href=location.pathname+location.search</script></head><body></body></html>"
)
REFRESH_HOME = (
    b'<html><head><meta http-equiv="refresh" content="0;url=/"></head><body></body></html>'
)
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 64
PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)


def catch_all_page(path: str) -> bytes:
    """What a soft-404 host answers for any unknown path: its portal page, echoing the path."""
    return _page("示例县人民政府", f"{_LONG} 当前位置：{path} 访问时间 {time.time_ns()}")


SPA_SHELL = (
    b'<!DOCTYPE html><html><head><title>App</title></head><body><div id="app"></div></body></html>'
)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, unknown: str) -> None:
        self.unknown = unknown  # "404", "catch-all" (soft-404 host) or "spa" (JS shell everywhere)
        self.lock = threading.Lock()
        self.log: list[tuple[float, str, str]] = []  # (monotonic arrival, method, path?query)
        self.user_agents: set[str] = set()
        self.inflight = 0
        self.max_inflight = 0
        self.stopping = threading.Event()
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients time out and hang up on purpose here


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _serve(self, *, head: bool) -> None:
        srv = self.server
        with srv.lock:
            srv.log.append((time.monotonic(), self.command, self.path))
            srv.user_agents.add(self.headers.get("User-Agent", ""))
            srv.inflight += 1
            srv.max_inflight = max(srv.max_inflight, srv.inflight)
        try:
            self._route(head=head)
        finally:
            with srv.lock:
                srv.inflight -= 1

    def _send(
        self,
        code: int,
        body: bytes = b"",
        *,
        ctype: str = "text/html; charset=utf-8",
        head: bool,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _redirect(self, code: int, location: str | None, *, head: bool) -> None:
        self._send(code, head=head, headers={"Location": location} if location else {})

    def _route(self, *, head: bool) -> None:
        url = urlsplit(self.path)
        path, query = url.path, parse_qs(url.query)
        srv = self.server
        if path == "/":
            self._send(200, HOME_PAGE, head=head)
        elif path == "/ok.html" or path.startswith("/ok/"):
            self._send(200, _page(f"正文 {path}", f"{path} 的正文。{_LONG}"), head=head)
        elif path.endswith(".pdf") and path.startswith("/files/"):
            self._send(200, PDF, ctype="application/pdf", head=head)
        elif path.endswith(".png") and path.startswith("/img/"):
            self._send(200, PNG, ctype="image/png", head=head)
        elif path == "/missing.html":
            self._send(404, _page("404 Not Found", "Not Found"), head=head)
        elif path == "/gone.html":
            self._send(410, _page("410 Gone", "Gone"), head=head)
        elif path.startswith("/status/"):
            code = int(path.split("/")[2])
            self._send(code, _page(f"HTTP {code}", f"状态 {code}"), head=head)
        elif path == "/forbidden.html":
            self._send(403, _page("403 Forbidden", "Forbidden"), head=head)
        elif path == "/ratelimit.html":
            self._send(429, _page("429", "Too Many Requests"), head=head)
        elif path == "/waf.html":
            self._send(200, WAF_PAGE, head=head)
        elif path == "/slow":
            srv.stopping.wait(int(query.get("ms", ["1000"])[0]) / 1000)
            self._send(200, _page("慢速页面", _LONG), head=head)
        elif path == "/never":
            self._never(head=head)
        elif path == "/hold":
            srv.stopping.wait(int(query.get("ms", ["200"])[0]) / 1000)
            self._send(200, b"held", ctype="text/plain", head=head)
        elif path in ("/loop/a", "/loop/b"):
            self._redirect(302, "/loop/b" if path == "/loop/a" else "/loop/a", head=head)
        elif path == "/self-loop":
            self._redirect(302, "/self-loop", head=head)
        elif path.startswith("/chain/"):
            self._redirect(302, f"/chain/{int(path.split('/')[2]) + 1}", head=head)
        elif path == "/moved.html":
            self._redirect(301, "/ok.html", head=head)
        elif path == "/old-article.html":
            self._redirect(302, "/", head=head)
        elif path == "/no-location":
            self._redirect(302, None, head=head)
        elif path == "/notfound-page.html":
            self._send(200, NOT_FOUND_PAGE, head=head)
        elif path == "/refresh-home.html":
            self._send(200, REFRESH_HOME, head=head)
        elif path == "/head-405.html":
            if head:
                self._send(405, head=True, headers={"Allow": "GET"})
            else:
                self._send(200, _page("只接受 GET", _LONG), head=False)
        elif path == "/flaky.pdf":
            with srv.lock:
                first = sum(1 for _, _, p in srv.log if p == self.path) == 1
            if first:
                self._send(503, _page("503", "Service Unavailable"), head=head)
            else:
                self._send(200, PDF, ctype="application/pdf", head=head)
        elif path == "/big.html":
            self._send(200, _page("大页面", _LONG * 2000), head=head)
        elif srv.unknown == "catch-all":
            self._send(200, catch_all_page(path), head=head)
        elif srv.unknown == "spa":
            self._send(200, SPA_SHELL, head=head)
        else:
            self._send(404, _page("404 Not Found", "Not Found"), head=head)

    def _never(self, *, head: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Connection", "close")
        self.end_headers()
        if head:
            return
        self.wfile.write(b"<html><body>")
        with contextlib.suppress(OSError):
            while not self.server.stopping.wait(0.1):
                self.wfile.write(b".")
                self.wfile.flush()


class LinkServer:
    """A misbehaving site on 127.0.0.1 (port 0) that logs every request it gets."""

    def __init__(self, unknown: str = "404", tls: tuple[Path, Path] | None = None) -> None:
        self.httpd = _Server(unknown)
        self.scheme = "http"
        if tls is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(str(tls[0]), str(tls[1]))
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
            self.scheme = "https"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> LinkServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def base(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def requests(self, path: str, method: str | None = None) -> list[tuple[float, str, str]]:
        with self.httpd.lock:
            return [r for r in self.httpd.log if r[2] == path and method in (None, r[1])]

    def count(self, path: str, method: str | None = None) -> int:
        return len(self.requests(path, method))

    def probes(self) -> int:
        """Soft-404 fingerprint requests (random URLs) this server has seen."""
        with self.httpd.lock:
            return sum(1 for _, _, p in self.httpd.log if p.startswith("/auditor-404-check-"))


@pytest.fixture(scope="module")
def site() -> Iterator[LinkServer]:
    with LinkServer() as server:
        yield server


@pytest.fixture
def fresh() -> Iterator[LinkServer]:
    """A server of one's own, for tests that count requests or measure concurrency."""
    with LinkServer() as server:
        yield server


# Fast, but still polite and still retrying: small numbers, same code paths.
FAST: dict[str, Any] = {"delay_s": 0.0, "timeout_s": 2.0, "retries": 0, "backoff_s": 0.01}


def judged(result: dict[str, Any]) -> dict[str, Any]:
    """The checker's record with the verdict the link-health check gives it."""
    kind, reason = judge_link(result)
    return {**result, "kind": kind, "reason": reason}


def check_all(urls: list[str], **options: Any) -> dict[str, dict[str, Any]]:
    async def go() -> dict[str, dict[str, Any]]:
        async with LinkChecker(**{**FAST, **options}) as checker:
            return await checker.check_many(urls)

    return {url: judged(r) for url, r in asyncio.run(go()).items()}


def check_one(url: str, **options: Any) -> dict[str, Any]:
    return check_all([url], **options)[url]


# -- each kind, classified right -----------------------------------------------------------------


def test_normal_page_has_no_kind(site):
    r = check_one(site.url("/ok.html"))
    assert r["kind"] is None
    assert r["status"] == 200
    assert r["method"] == "GET"  # an HTML page is read, to rule out a soft-404
    assert r["redirects"] == []
    assert r["final_url"] == site.url("/ok.html")


def test_result_is_plain_json_with_every_key(site):
    r = check_one(site.url("/ok.html"))
    assert set(r) >= {"url", "status", "final_url", "redirects", "kind", "reason"}
    assert set(r) >= {"elapsed_ms", "method"}
    assert json.loads(json.dumps(r, ensure_ascii=False)) == r


@pytest.mark.parametrize("code", [400, 404, 410, 451])
def test_4xx_is_broken(site, code):
    r = check_one(site.url(f"/status/{code}"))
    assert (r["kind"], r["status"]) == (BROKEN, code)


def test_404_reason_is_the_chinese_sentence(site):
    r = check_one(site.url("/missing.html"))
    assert (r["kind"], r["status"], r["reason"]) == (BROKEN, 404, "返回 404，无法访问")


def test_410_is_broken(site):
    r = check_one(site.url("/gone.html"))
    assert (r["kind"], r["status"]) == (BROKEN, 410)


@pytest.mark.parametrize("code", [500, 503])
def test_5xx_is_server_error_after_retries(fresh, code):
    path = f"/status/{code}"
    r = check_one(fresh.url(path), retries=2, backoff_s=0.01)
    assert (r["kind"], r["status"]) == (SERVER_ERROR, code)
    assert fresh.count(path) == 3  # HEAD, then GET and one GET retry: 1 + retries attempts
    assert fresh.count(path, "GET") == 2
    assert "重试 2 次后仍失败" in r["reason"]


def test_retry_backoff_is_exponential(fresh):
    path = "/status/500"
    check_one(fresh.url(path), retries=2, backoff_s=0.2)
    times = [t for t, _, _ in fresh.requests(path)]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps[0] >= 0.2 - 0.02
    assert gaps[1] >= 0.4 - 0.02


def test_a_5xx_that_recovers_on_retry_is_fine(fresh):
    r = check_one(fresh.url("/flaky.pdf"), retries=2, backoff_s=0.01)
    assert (r["kind"], r["status"]) == (None, 200)
    assert fresh.count("/flaky.pdf") == 2


def test_4xx_is_not_retried(fresh):
    check_one(fresh.url("/missing.html"), retries=3)
    # HEAD, then one GET to confirm (servers often answer HEAD wrongly), no retries.
    assert fresh.count("/missing.html") == 2


def test_slow_page_beyond_timeout_is_timeout(site):
    started = time.monotonic()
    r = check_one(site.url("/slow?ms=5000"), timeout_s=1.0, retries=1, backoff_s=0.01)
    took = time.monotonic() - started
    assert r["kind"] == TIMEOUT
    assert r["status"] is None
    assert "1 秒内未响应" in r["reason"]
    assert took < 4.0  # HEAD 1 s + one GET retry 1 s, not the 5 s the server would take


def test_body_that_never_ends_is_cut_at_the_timeout(site):
    # Headers come at once, then one byte every 0.1 s: a per-read timeout would never fire.
    started = time.monotonic()
    r = check_one(site.url("/never"), timeout_s=1.0)
    assert r["kind"] == TIMEOUT
    assert time.monotonic() - started < 4.0


def test_slow_page_within_timeout_is_fine(site):
    r = check_one(site.url("/slow?ms=300"), timeout_s=2.0)
    assert r["kind"] is None


def test_unresolvable_host_is_dns():
    # .invalid never resolves (RFC 6761); the lookup is the only traffic this causes.
    r = check_one("http://nonexistent.invalid/", retries=2)
    assert r["kind"] == DNS
    assert r["status"] is None
    assert "域名无法解析" in r["reason"]


def test_refused_connection_is_an_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = check_one(f"http://127.0.0.1:{port}/a.html")
    assert r["kind"] == ERROR
    assert "连接被拒绝" in r["reason"]


def test_redirect_loop_is_seen_at_once(fresh):
    r = check_one(fresh.url("/loop/a"))
    assert r["kind"] == REDIRECT_LOOP
    assert "重定向循环" in r["reason"]
    assert r["redirects"] == [fresh.url("/loop/b"), fresh.url("/loop/a")]
    # HEAD a, HEAD b, then the same with GET: no walking round the loop max_redirects times.
    assert fresh.count("/loop/a") + fresh.count("/loop/b") == 4


def test_self_redirect_is_a_loop(site):
    assert check_one(site.url("/self-loop"))["kind"] == REDIRECT_LOOP


def test_endless_redirect_chain_stops_at_max_redirects(fresh):
    r = check_one(fresh.url("/chain/0"), max_redirects=3)
    assert r["kind"] == REDIRECT_LOOP
    assert "超过 3 次" in r["reason"]
    assert len(r["redirects"]) == 4
    with fresh.httpd.lock:
        hops = [p for _, m, p in fresh.httpd.log if p.startswith("/chain/") and m == "GET"]
    assert len(hops) == 4


def test_redirects_are_followed_and_recorded(site):
    r = check_one(site.url("/moved.html"))
    assert r["kind"] is None
    assert r["redirects"] == [site.url("/ok.html")]
    assert r["final_url"] == site.url("/ok.html")


def test_redirect_without_location_is_an_error(site):
    r = check_one(site.url("/no-location"))
    assert (r["kind"], r["status"]) == (ERROR, 302)


def test_redirect_to_home_page_is_soft_404(site):
    r = check_one(site.url("/old-article.html"))
    assert r["kind"] == SOFT_404
    assert r["redirects"] == [site.url("/")]
    assert "首页" in r["reason"]


def test_link_to_the_home_page_itself_is_fine(site):
    assert check_one(site.url("/"))["kind"] is None


def test_page_saying_page_does_not_exist_is_soft_404(site):
    r = check_one(site.url("/notfound-page.html"))
    assert (r["kind"], r["status"]) == (SOFT_404, 200)
    assert "页面不存在" in r["reason"]


def test_meta_refresh_to_home_page_is_soft_404(site):
    assert check_one(site.url("/refresh-home.html"))["kind"] == SOFT_404


def test_host_answering_200_for_random_urls_makes_that_body_soft_404():
    with LinkServer(unknown="catch-all") as host:
        results = check_all([host.url("/art/2020/1/1/art_99.html"), host.url("/ok.html")])
        dead, real = results.values()
        assert dead["kind"] == SOFT_404
        assert dead["status"] == 200
        assert "不存在页面" in dead["reason"]
        assert real["kind"] is None  # a real page on the same host has its own content
        assert host.probes() == 1  # one random URL per host and run


def test_spa_shell_everywhere_is_not_called_soft_404():
    # A JS app answers every path with the same empty shell: that says nothing without a browser.
    with LinkServer(unknown="spa") as host:
        assert check_one(host.url("/news/detail/5"))["kind"] is None


def test_strict_host_gets_one_fingerprint_and_no_soft_404(fresh):
    results = check_all([fresh.url(f"/ok/{i}.html") for i in range(5)])
    assert all(r["kind"] is None for r in results.values())
    assert fresh.probes() == 1


def test_403_is_blocked_without_a_browser(site):
    r = check_one(site.url("/forbidden.html"))
    assert (r["kind"], r["status"], r["browser_status"]) == (BLOCKED, 403, None)
    assert "人工确认" in r["reason"]


def test_403_that_the_browser_opens_is_not_a_problem(site):
    seen: list[str] = []

    async def browser(url: str) -> int | None:
        seen.append(url)
        return 200

    r = check_one(site.url("/forbidden.html"), browser_recheck=browser)
    assert r["kind"] is None
    assert r["browser_status"] == 200
    assert seen == [site.url("/forbidden.html")]


def test_403_that_the_browser_also_gets_is_blocked(site):
    async def browser(url: str) -> int | None:
        return 403

    r = check_one(site.url("/forbidden.html"), browser_recheck=browser)
    assert (r["kind"], r["browser_status"]) == (BLOCKED, 403)
    assert "浏览器复核仍返回 403" in r["reason"]


def test_blocked_link_the_browser_sees_as_404_is_broken(site):
    async def browser(url: str) -> int | None:
        return 404

    assert check_one(site.url("/forbidden.html"), browser_recheck=browser)["kind"] == BROKEN


def test_browser_recheck_that_fails_keeps_blocked(site):
    async def browser(url: str) -> int | None:
        raise RuntimeError("navigation failed")

    r = check_one(site.url("/ratelimit.html"), browser_recheck=browser)
    assert (r["kind"], r["status"], r["browser_status"]) == (BLOCKED, 429, None)


def test_waf_challenge_page_is_blocked(site):
    calls: list[str] = []

    async def browser(url: str) -> int | None:
        calls.append(url)
        return 200

    assert check_one(site.url("/waf.html"))["kind"] == BLOCKED
    assert check_one(site.url("/waf.html"), browser_recheck=browser)["kind"] is None
    assert calls == [site.url("/waf.html")]


def test_browser_is_not_asked_about_healthy_or_broken_links(site):
    calls: list[str] = []

    async def browser(url: str) -> int | None:
        calls.append(url)
        return 200

    check_all([site.url("/ok.html"), site.url("/missing.html")], browser_recheck=browser)
    assert calls == []


def test_head_405_falls_back_to_get(fresh):
    r = check_one(fresh.url("/head-405.html"))
    assert (r["kind"], r["status"], r["method"]) == (None, 200, "GET")
    assert [m for _, m, _ in fresh.requests("/head-405.html")] == ["HEAD", "GET"]


def test_attachment_is_checked_with_head_only(fresh):
    r = check_one(fresh.url("/files/report.pdf"))
    assert (r["kind"], r["status"], r["method"]) == (None, 200, "HEAD")
    assert r["content_type"] == "application/pdf"
    assert [m for _, m, _ in fresh.requests("/files/report.pdf")] == ["HEAD"]


def test_image_is_checked_with_head_only(fresh):
    assert check_one(fresh.url("/img/logo.png"))["method"] == "HEAD"
    assert fresh.count("/img/logo.png", "GET") == 0


def test_large_page_is_fine(site):
    assert check_one(site.url("/big.html"))["kind"] is None  # ~700 KB, only the start is read


def test_get_reads_at_most_64_kb():
    served: list[int] = []

    class Endless(httpx.AsyncByteStream):
        async def __aiter__(self) -> Any:
            served.append(0)
            for _ in range(1000):  # 8 MB if read to the end
                served[-1] += 8192
                yield b"<p>" + b"x" * 8189

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "text/html"}
        if request.url.path.startswith("/auditor-404-check-"):  # the soft-404 fingerprint
            return httpx.Response(404, headers=headers)
        if request.method == "HEAD":
            return httpx.Response(200, headers=headers)
        return httpx.Response(200, headers=headers, stream=Endless())

    r = asyncio.run(_with_transport(handler)("https://www.example.gov.cn/big.html"))
    assert r["kind"] is None
    assert served and max(served) <= MAX_BODY_BYTES + 8192


def test_requests_carry_a_desktop_chrome_user_agent(fresh):
    check_one(fresh.url("/ok.html"))
    assert fresh.httpd.user_agents == {DEFAULT_USER_AGENT}
    assert "Chrome/" in DEFAULT_USER_AGENT and "Windows NT" in DEFAULT_USER_AGENT


# -- which URLs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["javascript:void(0)", "mailto:a@b.gov.cn", "tel:12345", "data:image/png;base64,AA", "#top"],
)
def test_non_http_urls_are_skipped_without_a_request(fresh, url):
    r = check_one(url)
    assert r["skipped"] is True
    assert r["kind"] is None
    assert fresh.httpd.log == []


def test_fragments_share_one_request(fresh):
    results = check_all([fresh.url("/files/a.pdf#page=2"), fresh.url("/files/a.pdf#page=3")])
    assert len(results) == 2
    assert fresh.count("/files/a.pdf") == 1


# -- cache and politeness ------------------------------------------------------------------------


def test_same_url_twice_is_one_request(fresh):
    url = fresh.url("/files/cached.pdf")

    async def go() -> list[dict[str, Any]]:
        async with LinkChecker(**FAST) as checker:
            first = await checker.check(url)
            together = await asyncio.gather(*(checker.check(url) for _ in range(5)))
            return [first, *together]

    results = asyncio.run(go())
    assert fresh.count("/files/cached.pdf") == 1
    assert all(r == results[0] for r in results)


def test_concurrent_first_calls_share_one_request(fresh):
    url = fresh.url("/files/shared.pdf")

    async def go() -> None:
        async with LinkChecker(**FAST) as checker:
            await asyncio.gather(*(checker.check(url) for _ in range(10)))

    asyncio.run(go())
    assert fresh.count("/files/shared.pdf") == 1


def test_cached_result_cannot_be_changed_by_a_caller(fresh):
    url = fresh.url("/moved.html")

    async def go() -> tuple[dict[str, Any], dict[str, Any]]:
        async with LinkChecker(**FAST) as checker:
            first = await checker.check(url)
            first["redirects"].append("x")
            first["kind"] = "broken"
            return first, await checker.check(url)

    _, again = asyncio.run(go())
    assert again["kind"] is None  # the checker records; it leaves the verdict to the check
    assert again["redirects"] == [fresh.url("/ok.html")]


def test_per_host_limit_caps_concurrent_requests(fresh):
    urls = [fresh.url(f"/hold?ms=300&i={i}") for i in range(6)]
    check_all(urls, per_host=2)
    assert fresh.httpd.max_inflight == 2  # the limit is reached, and never passed


def test_min_delay_between_requests_to_one_host(fresh):
    urls = [fresh.url(f"/files/d{i}.pdf") for i in range(4)]
    check_all(urls, per_host=4, delay_s=0.3)
    times = sorted(t for t, _, _ in fresh.httpd.log)
    assert len(times) == 4
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.3 - 0.05  # arrival jitter on a loaded CI machine


def test_each_host_has_its_own_limit(fresh):
    with LinkServer() as other:
        path = "/hold?ms=500&i=1"
        check_all([fresh.url(path), other.url(path)], per_host=1, delay_s=0.0)
        [(a, _, _)], [(b, _, _)] = fresh.requests(path), other.requests(path)
        assert abs(a - b) < 0.4  # side by side; one after the other would be >= 0.5 s apart


def test_whole_run_of_30_urls_stays_bounded(fresh):
    paths = (
        [f"/ok/{i}.html" for i in range(10)]
        + [f"/files/{i}.pdf" for i in range(6)]
        + ["/missing.html", "/gone.html", "/status/500", "/status/503", "/forbidden.html"]
        + ["/ratelimit.html", "/loop/a", "/chain/0", "/old-article.html", "/notfound-page.html"]
        + ["/slow?ms=8000", "/slow?ms=8001", "/never", "/head-405.html"]
    )
    assert len(paths) == 30
    started = time.monotonic()
    results = check_all(
        [fresh.url(p) for p in paths],
        per_host=2,
        delay_s=0.05,
        timeout_s=1.0,
        retries=1,
        backoff_s=0.05,
    )
    took = time.monotonic() - started
    assert took < 20.0, f"30 URLs took {took:.1f} s"
    kinds = {p: results[fresh.url(p)]["kind"] for p in paths}
    assert kinds["/missing.html"] == BROKEN
    assert kinds["/status/503"] == SERVER_ERROR
    assert kinds["/slow?ms=8000"] == TIMEOUT
    assert kinds["/never"] == TIMEOUT
    assert kinds["/loop/a"] == REDIRECT_LOOP
    assert kinds["/old-article.html"] == SOFT_404
    assert all(kinds[f"/ok/{i}.html"] is None for i in range(10))


def test_check_outside_the_context_is_an_error():
    async def go() -> None:
        await LinkChecker().check("http://127.0.0.1:9/")

    with pytest.raises(RuntimeError, match="async with"):
        asyncio.run(go())


def test_bad_options_are_refused():
    with pytest.raises(ValueError, match="per_host"):
        LinkChecker(per_host=0)
    with pytest.raises(ValueError):
        LinkChecker(timeout_s=0)


# -- TLS -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed_certificate(tmp_path_factory.mktemp("tls"), "127.0.0.1", "IP:127.0.0.1")


def test_self_signed_certificate_is_tls(self_signed):
    with LinkServer(tls=self_signed) as host:
        r = check_one(host.url("/ok.html"), retries=2)
        assert r["kind"] == TLS
        assert "自签名" in r["reason"]
        assert host.httpd.log == []  # the handshake failed: no HTTP request was ever made


def test_same_server_without_verification_is_fine(self_signed):
    with LinkServer(tls=self_signed) as host:
        assert check_one(host.url("/ok.html"), verify_tls=False)["kind"] is None


def _cert_error(code: int, message: str) -> httpx.ConnectError:
    """An httpx error wrapping a certificate failure, exactly as httpx raises it."""
    cause = ssl.SSLCertVerificationError(
        1, f"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {message}"
    )
    cause.verify_code = code
    cause.verify_message = message
    try:
        try:
            raise cause
        except ssl.SSLError as exc:
            raise httpx.ConnectError(str(exc)) from exc
    except httpx.ConnectError as exc:
        return exc


@pytest.mark.parametrize(
    ("code", "message", "expected"),
    [
        (10, "certificate has expired", "证书已过期"),
        (18, "self-signed certificate", "自签名"),
        (62, "Hostname mismatch, certificate is not valid for 'a.gov.cn'.", "域名不匹配"),
        (20, "unable to get local issuer certificate", "证书链不完整"),
    ],
)
def test_certificate_errors_are_tls(code, message, expected):
    failure = classify_exception(_cert_error(code, message), timeout_s=15)
    assert failure.kind == TLS
    assert expected in failure.reason
    assert not failure.retryable
    assert failure.browser_may_differ is (code == 20)


def _with_transport(handler: Any, **options: Any) -> Any:
    """Run a checker whose HTTP goes to ``handler`` (an httpx MockTransport), for one URL."""

    async def go(url: str) -> dict[str, Any]:
        async with LinkChecker(**{**FAST, **options}) as checker:
            assert checker._client is not None
            await checker._client.aclose()
            checker._client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
            return judged(await checker.check(url))

    return go


def test_incomplete_chain_is_asked_of_the_browser():
    def handler(request: httpx.Request) -> httpx.Response:
        raise _cert_error(20, "unable to get local issuer certificate")

    async def browser_ok(url: str) -> int | None:
        return 200

    async def browser_blocked_by_cert(url: str) -> int | None:
        return None  # the browser could not open it either

    url = "https://www.example.gov.cn/a.html"
    r = asyncio.run(_with_transport(handler, browser_recheck=browser_ok)(url))
    assert (r["kind"], r["browser_status"]) == (None, 200)
    assert "证书链不完整" in r["reason"]
    r = asyncio.run(_with_transport(handler, browser_recheck=browser_blocked_by_cert)(url))
    assert r["kind"] == TLS


def test_expired_certificate_is_not_asked_of_the_browser():
    def handler(request: httpx.Request) -> httpx.Response:
        raise _cert_error(10, "certificate has expired")

    calls: list[str] = []

    async def browser(url: str) -> int | None:
        calls.append(url)
        return 200

    r = asyncio.run(_with_transport(handler, browser_recheck=browser)("https://x.gov.cn/"))
    assert r["kind"] == TLS
    assert calls == []


def test_a_bug_in_checking_costs_one_verdict_not_the_run():
    def handler(request: httpx.Request) -> httpx.Response:
        raise ZeroDivisionError("boom")

    r = asyncio.run(_with_transport(handler)("https://x.gov.cn/"))
    assert r["kind"] == ERROR
    assert r["internal_error"] is True  # the check reports it for review, not as a dead link
    assert "ZeroDivisionError" in r["reason"]


# -- the pure rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (200, None),
        (204, None),
        (400, BROKEN),
        (404, BROKEN),
        (410, BROKEN),
        (408, TIMEOUT),
        (401, BLOCKED),
        (403, BLOCKED),
        (412, BLOCKED),
        (429, BLOCKED),
        (500, SERVER_ERROR),
        (502, SERVER_ERROR),
        (503, SERVER_ERROR),
    ],
)
def test_kind_of_status(status, kind):
    assert kind_of_status(status) == kind


def test_timeout_exception_is_timeout_and_retryable():
    failure = classify_exception(httpx.ReadTimeout("read timed out"), timeout_s=15)
    assert (failure.kind, failure.retryable) == (TIMEOUT, True)
    assert failure.reason == "15 秒内未响应"


def test_dns_exception_is_dns():
    try:
        try:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        except socket.gaierror as exc:
            raise httpx.ConnectError(str(exc)) from exc
    except httpx.ConnectError as exc:
        failure = classify_exception(exc, timeout_s=15)
    assert (failure.kind, failure.retryable) == (DNS, False)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://WWW.Example.gov.cn/A.html#top", "http://www.example.gov.cn/A.html"),
        ("https://a.gov.cn/list?id=1", "https://a.gov.cn/list?id=1"),
        ("  http://a.gov.cn/  ", "http://a.gov.cn/"),
        ("javascript:void(0)", None),
        ("mailto:x@a.gov.cn", None),
        ("tel:12345", None),
        ("data:image/png;base64,AAAA", None),
        ("#top", None),
        ("ftp://a.gov.cn/f.zip", None),
        ("http://", None),
        ("", None),
    ],
)
def test_normalize_url(url, expected):
    assert normalize_url(url) == expected


@pytest.mark.parametrize(
    ("url", "home"),
    [
        ("http://a.gov.cn", True),
        ("http://a.gov.cn/", True),
        ("http://a.gov.cn/index.html", True),
        ("http://a.gov.cn/Default.aspx", True),
        ("http://a.gov.cn/?from=x", False),
        ("http://a.gov.cn/col/col1/index.html", False),
    ],
)
def test_is_home_url(url, home):
    assert is_home_url(url) is home


@pytest.mark.parametrize(
    "page",
    [
        "<title>404</title><body>x</body>",
        "<title>页面不存在_示例市人民政府</title>",
        "<body><h1>抱歉，您访问的页面已被删除</h1>" + _LONG * 20 + "</body>",
        "<body><p>对不起，找不到您要访问的页面</p></body>",
        "<title>Error</title><body>404 Not Found</body>",
        "<body><div>该信息不存在或已下线</div></body>",
    ],
)
def test_not_found_wording_is_recognised(page):
    assert not_found_wording(page)


@pytest.mark.parametrize(
    "page",
    [
        HOME_PAGE.decode(),
        # An inspection report quoting the error it found: long, and the title is a real title.
        "<title>关于2024年第三季度全市政府网站和政务新媒体检查情况的通报_示例市人民政府</title>"
        "<body><h1>关于2024年第三季度全市政府网站和政务新媒体检查情况的通报</h1>"
        "<p>部分网站存在“页面不存在”等错链断链问题。" + _LONG * 10 + "</p></body>",
        "<title>国务院令第404号</title><body>" + _LONG + "</body>",
        "<body><script>if(x)alert('页面不存在')</script>" + _LONG + "</body>",
    ],
)
def test_real_pages_are_not_taken_for_not_found(page):
    assert not_found_wording(page) is None


def test_gbk_page_is_decoded_by_its_meta():
    body = '<meta charset="gbk"><p>页面不存在</p>'.encode("gbk")
    assert "页面不存在" in decode_body(body, "text/html")
    assert "页面不存在" in decode_body("<p>页面不存在</p>".encode("gb2312"), "")


def test_waf_pages_are_recognised_but_not_real_pages():
    assert looks_blocked(WAF_PAGE.decode())
    assert looks_blocked("<html><body>您的访问已被拦截，请联系网站管理员</body></html>")
    assert not looks_blocked(HOME_PAGE.decode())
    # A long article that mentions a firewall product is content, not a block page.
    assert not looks_blocked("<p>网站防火墙采购公告 " + _LONG * 20 + "</p>")


def test_signature_ignores_echoed_path_and_numbers():
    a = catch_all_page("/auditor-404-check-abc.html").decode()
    b = catch_all_page("/art/2020/1/1/art_99.html").decode()
    assert signature(a, "http://h/auditor-404-check-abc.html") == signature(
        b, "http://h/art/2020/1/1/art_99.html"
    )
    assert signature(HOME_PAGE.decode(), "http://h/") != signature(a, "http://h/x")


def test_soft_404_by_fingerprint_needs_a_soft_host():
    page = catch_all_page("/a/b.html").decode()
    strict = Fingerprint(status=404)
    soft = Fingerprint(status=200, signature=signature(page, "http://h/a/b.html"))
    assert soft_404_reason("http://h/a/b.html", "http://h/a/b.html", False, page, strict) is None
    assert soft_404_reason("http://h/a/b.html", "http://h/a/b.html", False, page, soft)
    # The home page itself is never a soft-404, even on a host that serves it for every path.
    assert soft_404_reason("http://h/", "http://h/", False, page, soft) is None


def test_same_landing_page_as_the_random_url_is_soft_404():
    fp = Fingerprint(status=200, final_url="http://h/error.html", redirected=True, signature="")
    reason = soft_404_reason("http://h/x.html", "http://h/error.html", True, "<div id=app>", fp)
    assert reason and "http://h/error.html" in reason

"""The network guard: no write leaves any frame or pop-up, every write is credited to its tab, and
the browser's HTTP cache stays on (a site's style sheet is fetched once, not once per page)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from helpers import RunAsync
from playwright.async_api import Browser

from auditor.browser.netguard import NetworkGuard
from auditor.gather.render import RenderSettings, new_context, new_tab


class Recorder(ThreadingHTTPServer):
    """Serves ``pages`` by path and records every request as (method, path)."""

    daemon_threads = True

    def __init__(self, pages: dict[str, str]) -> None:
        self.pages = pages
        self.seen: list[tuple[str, str]] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _Handler(BaseHTTPRequestHandler):
    server: Recorder

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        self.server.seen.append((self.command, self.path))
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        path = self.path.split("?")[0]
        body = self.server.pages.get(path, "ok").encode()
        self.send_response(200)
        kind = "text/css" if path.endswith(".css") else "text/html; charset=utf-8"
        self.send_header("Content-Type", kind)
        self.send_header("Cache-Control", "max-age=3600")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _answer  # noqa: N815


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    pages: dict[str, str] = {}
    server = Recorder(pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def writer_pages(port: int) -> dict[str, str]:
    """A page that writes five ways: fetch, sendBeacon, a same-site and a cross-site iframe
    (``localhost`` is another site than ``127.0.0.1``, so Chromium gives it its own process), and
    a ``target=_blank`` form."""
    return {
        "/page.html": f"""<!DOCTYPE html><html><body>
<form method="post" action="/form" target="_blank"><input name="q" value="1"></form>
<script>
fetch("/fetch", {{method: "POST", body: "x"}});
navigator.sendBeacon("/beacon", "y");
</script>
<iframe src="/frame.html?same"></iframe>
<iframe src="http://localhost:{port}/frame.html?cross"></iframe>
</body></html>""",
        "/frame.html": '<script>fetch("/from-" + location.hostname, {method: "POST"})</script>',
    }


def test_no_write_leaves_a_tab_its_frames_or_its_pop_ups(
    run_async: RunAsync, chromium: Browser, recorder: Recorder
) -> None:
    recorder.pages.update(writer_pages(recorder.port))

    async def go() -> list[dict[str, Any]]:
        guard = NetworkGuard()
        context = await new_context(chromium, RenderSettings(), guard)
        try:
            tab = await new_tab(context, guard)
            await tab.page.goto(f"http://127.0.0.1:{recorder.port}/page.html", wait_until="load")
            await tab.page.wait_for_timeout(500)
            await tab.page.evaluate("document.forms[0].submit()")
            await tab.page.wait_for_timeout(1500)
            return [a.to_dict() for a in guard.attempts_of(tab.page)]
        finally:
            await context.close()

    attempts = run_async(go())
    assert [m for m, _ in recorder.seen if m != "GET"] == []
    paths = sorted(a["url"].split("/", 3)[3] for a in attempts)
    assert paths == ["beacon", "fetch", "form", "from-127.0.0.1", "from-localhost"]
    assert not any(a["sent"] for a in attempts)


def test_a_writable_tab_sends_and_only_while_it_is_writable(
    run_async: RunAsync, chromium: Browser, recorder: Recorder
) -> None:
    recorder.pages["/form.html"] = '<form method="post" action="/send"><input name="q"></form>'

    async def go() -> list[dict[str, Any]]:
        guard = NetworkGuard()
        context = await new_context(chromium, RenderSettings(), guard)
        try:
            tab = await new_tab(context, guard)
            url = f"http://127.0.0.1:{recorder.port}/form.html"
            await tab.page.goto(url, wait_until="load")
            with guard.writable(tab.page):
                async with tab.page.expect_navigation():
                    await tab.page.evaluate("document.forms[0].submit()")
            await tab.page.goto(url, wait_until="load")
            await tab.page.evaluate("fetch('/after', {method: 'POST'}).catch(() => 0)")
            await tab.page.wait_for_timeout(500)
            return [a.to_dict() for a in guard.attempts_of(tab.page)]
        finally:
            await context.close()

    attempts = run_async(go())
    assert [p for m, p in recorder.seen if m == "POST"] == ["/send"]
    assert [(a["url"].rsplit("/", 1)[1], a["sent"]) for a in attempts] == [
        ("send", True),
        ("after", False),
    ]


def test_the_http_cache_stays_on_under_the_guard(
    run_async: RunAsync, chromium: Browser, recorder: Recorder
) -> None:
    """Playwright's request routing turns the cache off; the guard must not."""
    page = '<link rel="stylesheet" href="/site.css"><p>正文</p>'
    recorder.pages.update({"/a.html": page, "/b.html": page, "/site.css": "p {color: #333}"})

    async def go() -> None:
        guard = NetworkGuard()
        context = await new_context(chromium, RenderSettings(), guard)
        try:
            tab = await new_tab(context, guard)
            for name in ("a", "b"):
                await tab.page.goto(f"http://127.0.0.1:{recorder.port}/{name}.html")
        finally:
            await context.close()

    run_async(go())
    fetched = [p for _, p in recorder.seen if p != "/favicon.ico"]
    assert fetched == ["/a.html", "/site.css", "/b.html"]

"""Serve the demo site (or any directory) on 127.0.0.1, with paths that misbehave on purpose.

Tests and benchmarks need a real HTTP origin: the auditor's page-availability and navigation code
must see real status codes, slow and never-ending responses, non-HTML bodies and a GBK page, and
the benchmark needs injectable latency. Everything is stdlib (``http.server``), bound to 127.0.0.1
only, on a free port by default.

Special paths (all under ``/__`` so they never clash with site files):

- ``/__status/NNN``   that status (200–599) with a small HTML body (``?location=`` for 3xx);
- ``/__slow?ms=N``    sleeps N ms (capped at 60 000) and then returns a page;
- ``/__never``        sends headers, then trickles bytes until the server stops;
- ``/__binary``       ``application/octet-stream`` bytes.

Run ``python -m auditor.demo.server [--port N]`` to browse the demo site by hand.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import os
import re
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["MAX_SLOW_MS", "SITE_ROOT", "DemoServer", "main"]

SITE_ROOT = Path(__file__).resolve().parent / "site"
"""The bundled 示例市人民政府 site; ``site/expected.json`` lists what each page must produce."""

MAX_SLOW_MS = 60_000
MESSAGE_PATH = "/hdjl/submit"
MESSAGE_FIELDS = {"name": "姓名", "phone": "联系电话", "content": "留言内容"}
SEARCH_PATH = "/search"
_TRICKLE_INTERVAL_S = 0.2  # /__never: one byte this often, so clients see a live but endless body
_BINARY_BODY = bytes(range(256)) * 16
_STATUS_PATH = re.compile(r"/__status/(\d{3})")


class _HTTPServer(ThreadingHTTPServer):
    """Threading server whose handlers can see the root, the latency and the stop signal."""

    # Handler threads are daemons and never joined: a /__never response must not hold up stop().
    daemon_threads = True
    block_on_close = False
    # socketserver's default backlog of 5 overflows when a browser opens a burst of connections
    # for several pages at once; dropped SYNs then cost a 1 s retransmit each (benchmarks saw it).
    request_queue_size = 128

    def __init__(self, root: Path, latency_ms: int, port: int, verbose: bool) -> None:
        self.root = root
        self.latency_ms = latency_ms
        self.verbose = verbose
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.messages: list[dict[str, str]] = []  # what the 留言 form received
        super().__init__(("127.0.0.1", port), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Browsers and timed-out tests hang up mid-response all the time; that is not an error.
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class _Handler(SimpleHTTPRequestHandler):
    """Static files from the root, plus the special ``/__*`` paths."""

    server: _HTTPServer
    server_version = "auditor-demo/1.0"
    # Explicit charsets: the auditor must be told the encoding, not guess it (see guess_type).
    extensions_map = {  # noqa: RUF012 - overrides the stdlib attribute of the same shape
        **SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".htm": "text/html; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".json": "application/json",
        ".txt": "text/plain; charset=utf-8",
        ".png": "image/png",
        ".svg": "image/svg+xml",
    }

    def __init__(self, request: Any, client_address: Any, server: _HTTPServer) -> None:
        super().__init__(request, client_address, server, directory=str(server.root))

    # -- dispatch ---------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._delay()
        if not self._special(head=False):
            super().do_GET()

    def do_HEAD(self) -> None:
        self._delay()
        if not self._special(head=True):
            super().do_HEAD()

    def do_POST(self) -> None:
        """The 留言 form: a real handler, so form probes and --submit-forms have a target."""
        self._delay()
        url = urlsplit(self.path)
        if url.path != MESSAGE_PATH:
            self.send_error(405 if url.path.endswith(".html") else 404)
            return
        length = min(_int(self.headers.get("Content-Length", "0"), default=0), 64 * 1024)
        fields = {
            k: v[0].strip()
            for k, v in parse_qs(self.rfile.read(length).decode("utf-8", "replace")).items()
        }
        missing = [label for name, label in MESSAGE_FIELDS.items() if not fields.get(name)]
        if missing:
            self._send_page(400, "提交失败", "请填写：" + "、".join(missing), head=False)
            return
        with self.server.lock:
            self.server.messages.append(fields)
            number = len(self.server.messages)
        self._send_page(
            200, "留言提交成功", f"您的留言已提交成功（编号 {number}），感谢您的来信。", head=False
        )

    def _search(self, query: str, *, head: bool) -> None:
        """站内搜索 over the served pages' titles: enough for the site-search probe to judge."""
        hits: list[tuple[str, str]] = []
        if query:
            for page in sorted(self.server.root.rglob("*.html")):
                enc = "gbk" if page.name.endswith(".gbk.html") else "utf-8"
                text = page.read_text(encoding=enc, errors="replace")
                title = re.search(r"<title>(.*?)</title>", text, re.S)
                if title and query in text:
                    hits.append((page.relative_to(self.server.root).as_posix(), title.group(1)))
        items = "".join(
            f'<li><a href="/{html.escape(path)}">{html.escape(title)}</a></li>'
            for path, title in hits
        )
        body = f"<ul class='results'>{items}</ul>" if hits else "<p>未找到相关结果</p>"
        payload = (
            '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f"<title>检索结果_示例市人民政府</title></head><body><h1>检索结果</h1>"
            f"<p>关键词：{html.escape(query)}，共{len(hits)}条</p>{body}</body></html>\n"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if not head:
            self.wfile.write(payload)

    def _delay(self) -> None:
        if self.server.latency_ms > 0:
            self.server.stopping.wait(self.server.latency_ms / 1000)

    def _special(self, *, head: bool) -> bool:
        """Answer a ``/__*`` path; False means "serve it as a file"."""
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        if url.path == SEARCH_PATH:
            self._search(query.get("q", [""])[0].strip(), head=head)
            return True
        if url.path == MESSAGE_PATH:  # the form endpoint exists, for POST only
            self._send_page(
                405, "405", "请通过留言表单提交。", head=head, headers={"Allow": "POST"}
            )
            return True
        if not url.path.startswith("/__"):
            return False
        if m := _STATUS_PATH.fullmatch(url.path):
            code = int(m.group(1))
            if not 200 <= code <= 599:
                self.send_error(404, f"status {code} is not servable (use 200-599)")
                return True
            extra = {}
            if 300 <= code < 400 and "location" in query:
                extra["Location"] = query["location"][0]
            self._send_page(code, f"HTTP {code}", f"测试用状态页：{code}", head=head, headers=extra)
        elif url.path == "/__slow":
            ms = _int(query.get("ms", ["1000"])[0], default=1000)
            ms = max(0, min(ms, MAX_SLOW_MS))
            self.server.stopping.wait(ms / 1000)
            self._send_page(200, "慢速页面", f"本页面延迟 {ms} 毫秒后返回。", head=head)
        elif url.path == "/__never":
            self._send_never(head=head)
        elif url.path == "/__binary":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(_BINARY_BODY)))
            self.end_headers()
            if not head:
                self.wfile.write(_BINARY_BODY)
        else:
            self.send_error(404, "unknown special path")
        return True

    # -- responses --------------------------------------------------------------------------------

    def _send_page(
        self,
        code: int,
        title: str,
        text: str,
        *,
        head: bool,
        headers: dict[str, str] | None = None,
    ) -> None:
        body = (
            '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title></head>"
            f"<body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>\n"
        ).encode()
        has_body = code not in (204, 304)
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-store")
        if has_body:
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if has_body and not head:
            self.wfile.write(body)

    def _send_never(self, *, head: bool) -> None:
        """Headers now, then one byte at a time with no length, until the server stops."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if head:
            return
        self.wfile.write(
            '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            "<title>永不结束的页面</title></head><body><p>加载中".encode()
        )
        # A daemon thread; the stop event ends the loop so the socket closes promptly on stop().
        while not self.server.stopping.wait(_TRICKLE_INTERVAL_S):
            self.wfile.write(b".")

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        """No directory listings: a directory without index.html is a 404, as on a real site."""
        self.send_error(404, "Not Found")
        return None

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        # GBK pages must be declared as GBK by the server too, or browsers and checks mis-decode.
        if str(path).lower().endswith(".gbk.html"):
            return "text/html; charset=gbk"
        return super().guess_type(path)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)


def _int(text: str, *, default: int) -> int:
    try:
        return int(text)
    except ValueError:
        return default


class DemoServer:
    """A directory served on 127.0.0.1 in a background thread; use as a context manager.

    >>> with DemoServer() as server:  # doctest: +SKIP
    ...     urllib.request.urlopen(server.url + "index.html")
    """

    def __init__(
        self,
        root: Path | None = None,
        latency_ms: int = 0,
        *,
        port: int = 0,
        verbose: bool = False,
    ) -> None:
        self.root = Path(root) if root is not None else SITE_ROOT
        if not self.root.is_dir():
            raise NotADirectoryError(f"DemoServer root must be a directory, got {self.root}")
        if latency_ms < 0:
            raise ValueError(f"latency_ms must be >= 0, got {latency_ms}")
        self.latency_ms = latency_ms
        self._port = port
        self._verbose = verbose
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("DemoServer is not started")
        return int(self._httpd.server_address[1])

    @property
    def messages(self) -> list[dict[str, str]]:
        """The 留言 submissions received so far (for tests of --submit-forms)."""
        if self._httpd is None:
            return []
        with self._httpd.lock:
            return list(self._httpd.messages)

    @property
    def url(self) -> str:
        """Base URL with a trailing slash, e.g. ``http://127.0.0.1:41234/``."""
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> DemoServer:
        if self._httpd is not None:
            return self
        httpd = _HTTPServer(self.root.resolve(), self.latency_ms, self._port, self._verbose)
        thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"DemoServer:{httpd.server_address[1]}",
            daemon=True,
        )
        thread.start()
        self._httpd, self._thread = httpd, thread
        return self

    def stop(self) -> None:
        """Stop accepting, release slow and never-ending responses, close the socket."""
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        self._httpd = self._thread = None
        httpd.stopping.set()
        httpd.shutdown()
        httpd.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self._httpd is not None else "stopped"
        return f"DemoServer({str(self.root)!r}, latency_ms={self.latency_ms}, {where})"


def main(argv: list[str] | None = None) -> int:
    """Serve the demo site in the foreground until Ctrl-C; the first stdout line is the URL."""
    parser = argparse.ArgumentParser(
        prog="python -m auditor.demo.server",
        description="Serve the 示例市人民政府 demo site on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: a free one)")
    parser.add_argument("--root", type=Path, default=None, help="directory to serve")
    parser.add_argument("--latency-ms", type=int, default=0, help="delay added to every response")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each request to stderr")
    args = parser.parse_args(argv)

    server = DemoServer(args.root, args.latency_ms, port=args.port, verbose=args.verbose)
    with server:
        print(server.url, flush=True)
        print(f"serving {server.root} — Ctrl-C to stop", file=sys.stderr, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

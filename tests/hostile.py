"""A hostile web server on 127.0.0.1: pages built to hang, write, bleed and fool the auditor.

Every request is logged with its method, so tests can assert that nothing but GET/HEAD ever
reached a site. Sites live under ``/s/<name>/``; each has a home page and two column pages unless
its behaviour says otherwise. ``flaky`` answers 503 to the first request of each page.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

NEWS = "".join(
    f'<li><a href="col/a/index.html">示例新闻标题第{i}条关于政务公开工作</a><span>2026-11-{20 + i:02d}</span></li>'
    for i in range(1, 6)
)
FOOTER = (
    '<footer id="footer"><p>主办单位：{name}办公室 <a href="lxwm.html">联系我们</a> 电话：0531-12345678</p>'
    "<p>网站标识码：3701000001 鲁ICP备12345678号</p></footer>"
)


def page(name: str, body: str, head: str = "", title: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta name="SiteName" content="{name}"><title>{title or name}</title>{head}</head>'
        f'<body><header id="header"><h1>{name}</h1></header><main>{body}</main>'
        + FOOTER.format(name=name)
        + "</body></html>"
    )


GOOD_FORM = (
    '<form action="ly.html" method="post"><input name="name" required>'
    '<textarea name="content" required></textarea><button type="submit">提交留言</button></form>'
)


def plain_site(name: str, extra: str = "", head: str = "") -> Callable[[str], str | None]:
    """A small well-behaved site: home with dated news and a 留言 channel, two column pages."""

    def serve(rest: str) -> str | None:
        if rest in ("", "index.html"):
            body = (
                f'<h2>要闻</h2><ul>{NEWS}</ul><a href="col/b/index.html">通知公告</a>'
                f'<a href="ly.html">我要留言</a>{extra}'
            )
            return page(name, body, head)
        if rest == "ly.html":
            return page(name, f"<h2>我要留言</h2>{GOOD_FORM}")
        if rest in ("col/a/index.html", "col/b/index.html"):
            return page(name, f"<h2>栏目</h2><ul>{NEWS}</ul>", head, title=f"栏目 - {name}")
        if rest == "lxwm.html":
            return page(name, "<p>联系我们</p>")
        return None

    return serve


LOOP_AFTER_LOAD = "<script>window.addEventListener('load', () => setTimeout(() => { for (;;) {} }, 300));</script>"
MANY_LINKS = (
    "<div>" + "".join(f'<a href="x{i}.html">链接{i}</a>' for i in range(100_000)) + "</div>"
)
SOME_LINKS = "<div>" + "".join(f'<a href="y{i}.html">链接{i}</a> ' for i in range(5000)) + "</div>"
POST_SEARCH = (
    '<form action="/post/search" method="post"><input type="text" name="keyword" '
    'placeholder="请输入搜索关键词"><button type="submit">搜索</button></form>'
)
BLANK_FORM = (
    '<form action="/post/message" method="post" target="_blank">'
    '<input name="name"><input name="phone"><textarea name="content"></textarea>'
    '<button type="submit">提交留言</button></form>'
)
POPUPS = (
    "<script>window.addEventListener('load', () => "
    "{ for (let i = 0; i < 68; i++) window.open('about:blank#' + i); });</script>"
)
REFRESH_TO = '<meta http-equiv="refresh" content="0;url={to}">'


def refresh_loop(rest: str) -> str | None:
    """index → b → index → …: a page that never comes to rest."""
    if rest in ("", "index.html"):
        return page("刷新循环市人民政府", "<p>跳转中</p>", REFRESH_TO.format(to="b.html"))
    if rest == "b.html":
        return page("刷新循环市人民政府", "<p>跳转中</p>", REFRESH_TO.format(to="index.html"))
    return None


def message_site(form: str) -> Callable[[str], str | None]:
    """A home page linking a 留言 page that holds ``form``."""
    base = plain_site("留言测试市人民政府")

    def serve(rest: str) -> str | None:
        if rest == "ly.html":
            return page("留言测试市人民政府", f"<h2>我要留言</h2>{form}")
        return base(rest)

    return serve


SITES: dict[str, Callable[[str], str | None]] = {
    **{f"good{i}": plain_site(f"良好{i}市人民政府") for i in range(1, 4)},
    "loop": plain_site("卡死市人民政府", head=LOOP_AFTER_LOAD),
    "links": plain_site("链接海市人民政府", MANY_LINKS),
    "manylinks": plain_site("链接多市人民政府", SOME_LINKS),
    "postsearch": plain_site("搜索市人民政府", POST_SEARCH),
    "blankform": message_site(BLANK_FORM),
    "openform": message_site(BLANK_FORM.replace(' target="_blank"', "")),
    "refresh": refresh_loop,
    "popups": plain_site("弹窗市人民政府", POPUPS),
    "flaky": plain_site("不稳定市人民政府"),
}


class HostileServer:
    """Serve :data:`SITES` on 127.0.0.1 (free port); ``methods`` logs (method, path)."""

    def __init__(self) -> None:
        self.methods: list[tuple[str, str]] = []
        self.posted: list[bytes] = []
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def site(self, name: str) -> str:
        return f"{self.url}s/{name}/"

    def writes(self) -> list[tuple[str, str]]:
        """Every request that was not GET/HEAD."""
        return [(m, p) for m, p in self.methods if m not in ("GET", "HEAD")]

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _answer(self, body: bool) -> None:
                path = self.path.split("?")[0]
                with outer._lock:
                    outer.methods.append((self.command, path))
                    first = path not in outer._seen
                    outer._seen.add(path)
                parts = path.split("/", 3)
                html = None
                if len(parts) >= 3 and parts[1] == "s" and parts[2] in SITES:
                    if parts[2] == "flaky" and first:
                        self._send(503, "<h1>503</h1>", body)
                        return
                    html = SITES[parts[2]](parts[3] if len(parts) > 3 else "")
                if html is None:
                    self._send(404, "<h1>404</h1>", body)
                else:
                    self._send(200, html, body)

            def _send(self, status: int, html: str, body: bool) -> None:
                data = html.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if body:
                    self.wfile.write(data)

            def do_GET(self) -> None:
                self._answer(True)

            def do_HEAD(self) -> None:
                self._answer(False)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                with outer._lock:
                    outer.methods.append(("POST", self.path.split("?")[0]))
                    outer.posted.append(self.rfile.read(length))
                self._send(200, "<p>提交成功，感谢您的留言</p>", True)

            def do_PUT(self) -> None:
                self.do_POST()

        return Handler

"""The demo's 政务新媒体 half: a few 示例市 accounts on a weibo-like server on 127.0.0.1.

The server answers as ``weibo.com`` (the browser maps the name to 127.0.0.1 with ``--resolve``):
an account page whose timeline arrives as the JSON its own script requests, as the real page
loads it, plus a 已注销 page and a login wall. ``media_expected.json`` declares each account's
findings as of the demo's audit day (国办秘函〔2019〕19号 政务新媒体检查指标).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from auditor.media.accounts import AccountsList, parse_rows

__all__ = ["HOST", "MediaDemoServer", "demo_accounts", "expected"]

HOST = "weibo.com"
SPONSOR = "示例市人民政府"

# uid → (screen_name, 认证 text, posts as weibo writes created_at)
USERS: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
    "2001": (
        "示例市发布",
        "示例市人民政府新闻办公室官方微博",
        [
            ("Wed Nov 25 10:00:00 +0800 2026", "【冬季供暖】全市集中供暖今日起全面启动"),
            ("Tue Nov 10 09:00:00 +0800 2026", "示例市政府常务会议研究部署秋冬季安全生产工作"),
        ],
    ),
    "2002": (
        "示例市档案局",
        "示例市档案局官方微博",
        [("Sat May 16 09:00:00 +0800 2015", "示例市档案局召开档案数字化工作会议")],
    ),
    "2003": ("示例市地方志办", "示例市地方志编纂办公室官方微博", []),
}
STATIC = {
    "/u/2004": "<h1>微博</h1><p>抱歉，该账号已注销，无法查看。</p><a href='/login'>登录</a>",
    "/u/2005": "<h1>微博</h1><p>登录后查看更多内容</p>"
    "<form action='/login'><input name='u'><input type='password'></form>",
}
# (账号名称, 主办单位, uid): the accounts list the demo audits.
LISTED = (
    ("示例市发布", SPONSOR, "2001"),
    ("示例市档案局", "示例市档案局", "2002"),
    ("示例市地方志办", "示例市地方志编纂办公室", "2003"),
    ("示例市旧政务微博", SPONSOR, "2004"),
    ("示例市信访局", "示例市信访局", "2005"),
)

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>微博</title></head>
<body><div id="app">加载中…</div><script>
const uid = location.pathname.split('/').pop();
Promise.all([
  fetch('/ajax/profile/info?uid=' + uid).then(r => r.json()),
  fetch('/ajax/statuses/mymblog?uid=' + uid + '&page=1').then(r => r.json()),
]).then(([info, feed]) => {
  const app = document.getElementById('app');
  app.textContent = '';
  const h = document.createElement('h1');
  h.textContent = info.data.user.screen_name;
  app.appendChild(h);
  const dm = document.createElement('button');  // a profile's message button, as weibo shows it
  dm.textContent = '私信';
  app.appendChild(dm);
  for (const m of feed.data.list) {
    const card = document.createElement('div');
    card.style.cssText = 'margin:20px;padding:10px;border:1px solid #ccc';
    card.textContent = m.created_at + '  ' + m.text_raw + '  评论 ' + m.comments_count;
    app.appendChild(card);
  }
});
</script></body></html>"""


def _html(body: str) -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>微博</title></head>"
        f"<body>{body}</body></html>"
    )


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0]
        parts = urlsplit(self.path)
        uid = (parse_qs(parts.query).get("uid") or [""])[0]
        if host != HOST:
            return self._send(_html("<h1>404</h1>"), 404)
        if parts.path == "/ajax/profile/info" and uid in USERS:
            name, reason, _posts = USERS[uid]
            user = {
                "id": int(uid),
                "screen_name": name,
                "verified": bool(reason),
                "verified_reason": reason,
                "followers_count": 1200,
            }
            return self._send({"ok": 1, "data": {"user": user}})
        if parts.path == "/ajax/statuses/mymblog" and uid in USERS:
            name, _reason, posts = USERS[uid]
            items = [
                {
                    "created_at": when,
                    "mblogid": f"M{uid}{n}",
                    "text_raw": text,
                    "comments_count": 2,
                    "user": {"id": int(uid), "screen_name": name},
                }
                for n, (when, text) in enumerate(posts)
            ]
            return self._send({"ok": 1, "data": {"list": items}})
        if parts.path.removeprefix("/u/") in USERS:
            return self._send(PAGE)
        if parts.path in STATIC:
            return self._send(_html(STATIC[parts.path]))
        self._send(_html("<h1>404</h1>"), 404)

    def _send(self, body: str | dict[str, Any], status: int = 200) -> None:
        text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        data = text.encode()
        kind = "text/html" if isinstance(body, str) else "application/json"
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class MediaDemoServer:
    """``with MediaDemoServer() as s:`` serves the demo accounts on 127.0.0.1:``s.port``."""

    def __init__(self) -> None:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self.port: int = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> MediaDemoServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def demo_accounts(port: int) -> AccountsList:
    """The demo's accounts list, as an office would keep it, pointing at the server's port."""
    rows = [["地区", "账号名称", "平台", "主办单位", "账号地址"]]
    rows += [
        ["示例市", name, "微博", sponsor, f"http://{HOST}:{port}/u/{uid}"]
        for name, sponsor, uid in LISTED
    ]
    return parse_rows(rows, source="示例新媒体清单")


def expected() -> dict[str, Any]:
    """``media_expected.json``: the audit date and each account's non-passing checks."""
    text = resources.files("auditor.demo").joinpath("media_expected.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data

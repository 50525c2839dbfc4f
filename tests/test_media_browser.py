"""``auditor media`` end to end: local pages under the platforms' host names, one CLI run.

A fixture server on 127.0.0.1 answers as ``weibo.com`` (an account page whose timeline arrives as
the JSON its own script requests) and as ``www.shipin.cn`` (generic pages with dated lists);
Chromium reaches them through ``--resolve`` host rules with everything else unresolvable. Each
account declares its findings; misses and false alarms both fail.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from auditor.cli import main

pytestmark = pytest.mark.browser

AS_OF = "2026-11-27"
PASSED = ("pass", "not_applicable")

WEIBO_USERS: dict[str, dict[str, Any]] = {
    "1001": {"screen_name": "成都发布", "reason": "成都市人民政府新闻办公室官方微博"},
    "1002": {"screen_name": "阿坝州编译局", "reason": "阿坝州编译局官方微博"},
    "1003": {"screen_name": "某县零发布", "reason": ""},
}
WEIBO_POSTS: dict[str, list[tuple[str, str]]] = {
    "1001": [
        ("Wed Nov 25 10:00:00 +0800 2026", "【冬季供暖】全市集中供暖今日起全面启动"),
        ("Mon Oct 12 09:00:00 +0800 2026", "成都市政府常务会议研究部署秋冬季安全生产工作"),
    ],
    "1002": [("Sat May 16 09:00:00 +0800 2015", "阿坝州编译局召开藏汉双语编译工作会议")],
    "1003": [],
}
WEIBO_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>微博</title></head>
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
  for (const m of feed.data.list) {
    const card = document.createElement('div');
    card.style.cssText = 'margin:20px;padding:10px;border:1px solid #ccc';
    card.textContent = m.created_at + '  ' + m.text_raw + '  评论 ' + m.comments_count;
    app.appendChild(card);
  }
});
</script></body></html>"""
STATIC_WEIBO = {
    "/u/1004": "<h1>微博</h1><p>抱歉，该账号已注销，无法查看。</p><a href='/login'>登录</a>",
    "/u/1005": "<h1>微博</h1><p>登录后查看更多内容</p>"
    "<form action='/login'><input name='u'><input type='password'></form>",
}


def _list_page(title: str, dates: list[str]) -> str:
    rows = "".join(
        f"<li><a href='/a{n}.html'>关于做好冬季安全生产和森林防火工作的通知{n}</a>"
        f"<span>{d}</span></li>"
        for n, d in enumerate(dates)
    )
    return f"<h1>{title}</h1><ul class='news-list'>{rows}</ul><p>留言咨询</p>"


GENERIC = {
    "/news/": _list_page("某局新闻", ["2026-11-20", "2026-11-02", "2026-10-15"]),
    "/old/": _list_page("某局动态", ["2026-10-01", "2026-09-12", "2026-08-03"]),
    "/verify/": "<h1>访问验证</h1><p>请完成安全验证：拖动滑块完成拼图</p>",
}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0]
        parts = urlsplit(self.path)
        uid = (parse_qs(parts.query).get("uid") or [""])[0]
        if host == "weibo.com" and parts.path == "/ajax/profile/info" and uid in WEIBO_USERS:
            user = WEIBO_USERS[uid]
            data = {
                "user": {
                    "id": int(uid),
                    "screen_name": user["screen_name"],
                    "verified": bool(user["reason"]),
                    "verified_reason": user["reason"],
                    "followers_count": 1200,
                }
            }
            return self._send({"ok": 1, "data": data})
        if host == "weibo.com" and parts.path == "/ajax/statuses/mymblog" and uid in WEIBO_POSTS:
            posts = [
                {
                    "created_at": when,
                    "mblogid": f"M{uid}{n}",
                    "text_raw": text,
                    "comments_count": 2,
                    "user": {"id": int(uid), "screen_name": WEIBO_USERS[uid]["screen_name"]},
                }
                for n, (when, text) in enumerate(WEIBO_POSTS[uid])
            ]
            return self._send({"ok": 1, "data": {"list": posts}})
        if host == "weibo.com" and parts.path.removeprefix("/u/") in WEIBO_USERS:
            return self._send(WEIBO_PAGE)
        if host == "weibo.com" and parts.path in STATIC_WEIBO:
            return self._send(_html(STATIC_WEIBO[parts.path]))
        if host == "www.shipin.cn" and parts.path in GENERIC:
            return self._send(_html(GENERIC[parts.path], title="某市某局"))
        self._send(_html("<h1>404</h1>"), 404)

    def _send(self, body: Any, status: int = 200) -> None:
        data = (body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)).encode()
        kind = "text/html" if isinstance(body, str) else "application/json"
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _html(body: str, title: str = "账号") -> str:
    head = f"<meta charset='utf-8'><title>{title}</title>"
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


# Each account: (list row, declared findings check → outcome).
def accounts(port: int) -> dict[str, tuple[list[str], dict[str, str]]]:
    w, g = f"http://weibo.com:{port}", f"http://www.shipin.cn:{port}"
    review = {
        c: "review"
        for c in (
            "media-reachable", "media-update", "media-zombie", "media-interaction",
            "media-naming", "media-relevance",
        )
    }  # fmt: skip
    stale = {"media-update": "fail", "media-zombie": "fail"}
    # 某县人民政府 lists three 微博 accounts: the closed one does not count, the other two are a pair.
    pair = {"media-duplicate": "fail"}
    return {
        "成都发布": (["成都", "微博", "成都市人民政府", f"{w}/u/1001"], {}),
        "阿坝州编译局": (["阿坝州", "微博", "阿坝州编译局", f"{w}/u/1002"], stale),
        "某县零发布": (
            ["某县", "微博", "某县人民政府", f"{w}/u/1003"],
            # no post, so no 评论 button; the platform shows it unverified
            {**stale, **pair, "media-interaction": "fail", "media-naming": "review"},
        ),
        "已注销账号": (
            ["某县", "微博", "某县人民政府", f"{w}/u/1004"],
            {"media-reachable": "fail"},
        ),
        "登录墙账号": (["某县", "微博", "某县人民政府", f"{w}/u/1005"], {**review, **pair}),
        "网页活跃": (["某市", "网页", "某市某局", f"{g}/news/"], {}),
        "网页久未更新": (["某市", "网页", "某市某局", f"{g}/old/"], {"media-update": "fail"}),
        "验证码账号": (["某市", "网页", "某市某局", f"{g}/verify/"], review),
    }


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def run(server: int, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path, dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("media")
    listed = tmp / "新媒体清单.csv"
    rows = ["地区,平台,主办单位,账号地址,账号名称"]
    rows += [",".join([*row, name]) for name, (row, _) in accounts(server).items()]
    rows.append("某县,微博,某县人民政府,,无地址账号")
    listed.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp / "out"
    code = main(
        [
            "media",
            "--accounts",
            str(listed),
            "--out",
            str(out),
            "--as-of",
            AS_OF,
            "--local-only",
            "--resolve",
            "weibo.com=127.0.0.1",
            "--resolve",
            "www.shipin.cn=127.0.0.1",
            "--timeout",
            "10",
        ]
    )
    return code, out, json.loads((out / "media.json").read_text(encoding="utf-8"))


def test_every_account_gives_exactly_its_declared_findings(run, server) -> None:
    _code, _out, data = run
    got = {
        a["account"]["name"]: {
            f["check"]: f["outcome"] for f in a["findings"] if f["outcome"] not in PASSED
        }
        for a in data["accounts"]
    }
    assert got == {name: expected for name, (_row, expected) in accounts(server).items()}


def test_the_run_reports_bad_rows_exit_code_and_evidence(run) -> None:
    code, out, data = run
    assert code == 1  # media-update fails are critical
    assert len(data["input_errors"]) == 1 and "第10行" in data["input_errors"][0]
    for account in data["accounts"]:
        shot = account["profile"]["screenshot"]
        assert shot and (out / shot).is_file(), account["account"]["name"]
        assert all(f["evidence"] == shot for f in account["findings"])


def test_weibo_profile_is_read_from_the_pages_own_json(run) -> None:
    _code, _out, data = run
    profile = next(a["profile"] for a in data["accounts"] if a["account"]["name"] == "成都发布")
    assert profile["state"] == "ok" and profile["name"] == "成都发布"
    assert profile["subject"] == "成都市人民政府新闻办公室官方微博" and profile["verified"] is True
    assert profile["followers"] == 1200
    assert [p["when"] for p in profile["posts"]] == ["2026-11-25", "2026-10-12"]
    assert profile["posts"][0]["url"].endswith("/1001/M10010")
    assert "评论" in profile["interaction"]
    dormant = next(a for a in data["accounts"] if a["account"]["name"] == "阿坝州编译局")
    update = next(f for f in dormant["findings"] if f["check"] == "media-update")
    assert "2015年5月16日" in update["message"]


def test_generic_page_posts_come_from_its_dated_list(run) -> None:
    _code, _out, data = run
    profile = next(a["profile"] for a in data["accounts"] if a["account"]["name"] == "网页活跃")
    assert sorted(p["when"] for p in profile["posts"]) == ["2026-10-15", "2026-11-02", "2026-11-20"]
    assert profile["posts"][0]["url"].endswith(".html")

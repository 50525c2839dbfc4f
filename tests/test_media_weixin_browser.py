"""微信公众号 end to end: public article pages served as ``mp.weixin.qq.com`` on 127.0.0.1.

Each article page states its publish time and account name in its inline script, as the
platform's pages do (``var ct``, ``var nickname = htmlDecode(…)``). Each account declares its
findings; misses and false alarms both fail.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from auditor.cli import main

pytestmark = pytest.mark.browser

AS_OF = "2026-11-27"
PASSED = ("pass", "not_applicable")
HIDDEN = {"media-interaction": "review"}  # a 公众号's menu and 留言 show only inside WeChat


def _article(nickname: str, ct: int, title: str) -> str:
    return f"""<!doctype html><html><head><meta charset="utf-8">
<meta property="og:title" content="{title}"><title>{title}</title></head><body>
<h1 id="activity-name">{title}</h1>
<div><span id="js_name">{nickname}</span> <em id="publish_time"></em></div>
<div id="js_content"><p>正文</p></div>
<script>
function htmlDecode(s) {{ return s; }}
String.prototype.html = function () {{ return String(this); }};
var nickname = htmlDecode("{nickname}");
var msg_title = '{title}'.html(false);
var ct = "{ct}";
var publish_time = "" || "";
document.getElementById('publish_time').textContent =
  new Date(Number(ct) * 1000).toISOString().slice(0, 10);
</script></body></html>"""


PAGES = {
    # 2026-11-25 10:00 and 2015-05-16 09:00, Beijing time
    "/s/active": _article("成都发布", 1795572000, "成都市冬季供暖今日全面启动"),
    "/s/dormant": _article("阿坝州编译局", 1431738000, "阿坝州编译局召开编译工作会议"),
    "/s/closed": "<p>此帐号已自主注销，内容无法查看。</p>",
    "/s/deleted": "<p>该内容已被发布者删除</p>",
    "/s/verify": "<p>环境异常</p><p>当前环境异常，完成验证后即可继续访问。</p>",
}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0]
        body = PAGES.get(self.path) if host == "mp.weixin.qq.com" else None
        page = (
            body if body and body.startswith("<!doctype") else f"<html><body>{body}</body></html>"
        )
        data = page.encode() if body else b"<h1>404</h1>"
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def accounts(port: int) -> dict[str, tuple[list[str], dict[str, str]]]:
    mp = f"http://mp.weixin.qq.com:{port}/s"
    unseen = {
        c: "review"
        for c in ("media-reachable", "media-update", "media-zombie", "media-interaction")
    }
    unseen["media-naming"] = unseen["media-relevance"] = "review"
    unknown = {
        c: "error"
        for c in (
            "media-reachable",
            "media-update",
            "media-zombie",
            "media-interaction",
            "media-naming",
            "media-relevance",
        )
    }
    return {
        "成都发布": (["成都", "微信公众号", "成都市人民政府", f"{mp}/active"], HIDDEN),
        "阿坝州编译局": (
            ["阿坝州", "微信", "阿坝州编译局", f"{mp}/dormant"],
            {**HIDDEN, "media-update": "fail", "media-zombie": "fail"},
        ),
        "已注销公众号": (
            ["某县", "公众号", "某县人民政府", f"{mp}/closed"],
            {"media-reachable": "fail"},
        ),
        # a deleted article says nothing about the account: no judgement either way
        "文章已删除": (["某市", "公众号", "某市教育局", f"{mp}/deleted"], unknown),
        "验证页": (["某区", "公众号", "某区卫生健康局", f"{mp}/verify"], unseen),
    }


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path, dict[str, Any]]]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    port = httpd.server_address[1]
    tmp = tmp_path_factory.mktemp("weixin")
    listed = tmp / "新媒体清单.csv"
    rows = ["地区,平台,主办单位,账号地址,账号名称"]
    rows += [",".join([*row, name]) for name, (row, _) in accounts(port).items()]
    listed.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp / "out"
    args = ["media", "--accounts", str(listed), "--out", str(out), "--as-of", AS_OF]
    args += ["--local-only", "--resolve", "mp.weixin.qq.com=127.0.0.1", "--timeout", "10"]
    assert main(args) == 1  # media-update fails are critical
    yield port, out, json.loads((out / "media.json").read_text(encoding="utf-8"))
    httpd.shutdown()
    httpd.server_close()


def test_every_article_account_gives_exactly_its_declared_findings(run) -> None:
    port, _out, data = run
    got = {
        a["account"]["name"]: {
            f["check"]: f["outcome"] for f in a["findings"] if f["outcome"] not in PASSED
        }
        for a in data["accounts"]
    }
    assert got == {name: expected for name, (_row, expected) in accounts(port).items()}


def test_the_article_states_name_date_and_title(run) -> None:
    _port, out, data = run
    by_name = {a["account"]["name"]: a for a in data["accounts"]}
    active = by_name["成都发布"]["profile"]
    assert (active["platform"], active["name"]) == ("weixin", "成都发布")
    assert active["posts"] == [
        {"when": "2026-11-25", "text": "成都市冬季供暖今日全面启动", "url": active["url"]}
    ]
    assert (out / active["screenshot"]).is_file()
    dormant = by_name["阿坝州编译局"]
    update = next(f for f in dormant["findings"] if f["check"] == "media-update")
    assert "2015年5月16日" in update["message"]
    deleted = by_name["文章已删除"]["profile"]
    assert deleted["state"] == "无法打开" and "较新的文章地址" in deleted["detail"]

"""今日头条 and 哔哩哔哩 end to end: account pages whose timeline arrives as JSON the page's own
script requests, served as ``www.toutiao.com`` and ``space.bilibili.com`` on 127.0.0.1.

The JSON follows the platforms' public page structure (头条 ``/api/pc/list/user/feed`` items with
``publish_time`` and ``user_info``; B站 ``acc/info`` with ``official`` and ``arc/search``
``vlist``). Each account declares its findings; misses and false alarms both fail.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from helpers import self_signed_certificate, tls_server
from media_pages import AS_OF, OLD, PAGE, PASSED, RECENT

from auditor.cli import main

pytestmark = pytest.mark.browser

TOUTIAO_PAGE = PAGE.format(
    title="今日头条",
    fetches="'/api/pc/list/user/feed?category=profile_all&token=' + location.pathname.split('/')[4]",
    render="([feed]) => feed.data.map(i => i.user_info.name + '  ' + i.title + '  评论 ' + i.comment_count)",
)
BILIBILI_PAGE = PAGE.format(
    title="哔哩哔哩",
    fetches="'/x/space/wbi/acc/info?mid=' + location.pathname.slice(1), "
    "'/x/space/wbi/arc/search?mid=' + location.pathname.slice(1)",
    render="([info, arc]) => [info.data.name, ...arc.data.list.vlist.map(v => v.title + '  评论 ' + v.comment)]",
)

TOUTIAO: dict[str, dict[str, Any]] = {
    "T1": {
        "name": "某县发布",
        "verified": True,
        "content": "某县人民政府新闻办公室",
        "posts": [("某县召开森林防火工作会议", RECENT)],
    },
}
BILIBILI: dict[str, dict[str, Any]] = {
    "42": {
        "name": "某市公安",
        "type": 1,
        "title": "某市公安局官方账号",
        "videos": [("反诈宣传｜警惕刷单陷阱", OLD)],
    },
    "7": {"name": "美食天天见", "type": -1, "title": "", "videos": [("今天吃火锅", RECENT)]},
}


def toutiao_feed(token: str) -> dict[str, Any]:
    user = TOUTIAO[token]
    items = [
        {
            "title": title,
            "publish_time": when,
            "behot_time": when,
            "item_id": f"73{n}{when}",
            "comment_count": 3,
            "filter_words": [{"id": "8:0", "name": "看过了"}],
            "user_info": {
                "name": user["name"],
                "user_id": token,
                "user_verified": user["verified"],
                "verified_content": user["content"],
            },
        }
        for n, (title, when) in enumerate(user["posts"])
    ]
    return {"message": "success", "data": items}


def bilibili_answer(path: str, mid: str) -> dict[str, Any]:
    user = BILIBILI[mid]
    if path.endswith("/acc/info"):
        official = {
            "role": 3 if user["type"] == 1 else 0,
            "title": user["title"],
            "type": user["type"],
        }
        return {"code": 0, "data": {"mid": int(mid), "name": user["name"], "official": official}}
    vlist = [
        {"title": t, "created": when, "bvid": f"BV{mid}{n}", "comment": 5, "mid": int(mid)}
        for n, (t, when) in enumerate(user["videos"])
    ]
    return {
        "code": 0,
        "data": {"list": {"tlist": {"36": {"tid": 36, "name": "知识"}}, "vlist": vlist}},
    }


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0]
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if host == "www.toutiao.com" and parts.path == "/api/pc/list/user/feed":
            return self._send(toutiao_feed(query.get("token", "")))
        if host == "www.toutiao.com" and parts.path.startswith("/c/user/token/"):
            return self._send(TOUTIAO_PAGE)
        if host == "space.bilibili.com" and parts.path.startswith("/x/space/wbi/"):
            return self._send(bilibili_answer(parts.path, query.get("mid", "")))
        if host == "space.bilibili.com" and parts.path.strip("/") in BILIBILI:
            return self._send(BILIBILI_PAGE)
        self._send("<h1>404</h1>", 404)

    def _send(self, body: Any, status: int = 200) -> None:
        data = (body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)).encode()
        kind = "text/html" if isinstance(body, str) else "application/json"
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


# Each account: (list row, declared findings check → sorted outcomes).
def accounts(port: int) -> dict[str, tuple[list[str], dict[str, list[str]]]]:
    # toutiao.com is on Chromium's HSTS preload list: the fixture server speaks HTTPS (the
    # renderer accepts its self-signed certificate, as it does any expired one).
    tt, bl = f"https://www.toutiao.com:{port}/c/user/token", f"https://space.bilibili.com:{port}"
    return {
        "某县发布": (["某县", "今日头条", "某县人民政府", f"{tt}/T1/"], {}),
        "某市公安": (
            ["某市", "哔哩哔哩", "某市公安局", f"{bl}/42"],
            {"media-update": ["fail"], "media-zombie": ["fail"]},
        ),
        # a name unrelated to its unit (fail) on an account the platform shows unverified (review)
        "美食天天见": (
            ["某区", "B站", "某区卫生健康局", f"{bl}/7"],
            {"media-naming": ["fail", "review"]},
        ),
    }


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path, dict[str, Any]]]:
    tmp = tmp_path_factory.mktemp("json")
    with tls_server(Handler, self_signed_certificate(tmp, "www.toutiao.com")) as httpd:
        port = httpd.server_address[1]
        listed = tmp / "新媒体清单.csv"
        rows = ["地区,平台,主办单位,账号地址,账号名称"]
        rows += [",".join([*row, name]) for name, (row, _) in accounts(port).items()]
        listed.write_text("\n".join(rows) + "\n", encoding="utf-8")
        out = tmp / "out"
        args = [
            "media",
            "--accounts",
            str(listed),
            "--out",
            str(out),
            "--as-of",
            AS_OF,
            "--local-only",
        ]
        for host in ("www.toutiao.com", "space.bilibili.com"):
            args += ["--resolve", f"{host}=127.0.0.1"]
        assert main([*args, "--timeout", "10"]) == 1  # media-update fails are critical
        yield port, out, json.loads((out / "media.json").read_text(encoding="utf-8"))


def test_every_account_gives_exactly_its_declared_findings(run) -> None:
    port, _out, data = run
    got: dict[str, dict[str, list[str]]] = {}
    for a in data["accounts"]:
        mine = got.setdefault(a["account"]["name"], {})
        for f in a["findings"]:
            if f["outcome"] not in PASSED:
                mine.setdefault(f["check"], []).append(f["outcome"])
    got = {name: {c: sorted(o) for c, o in checks.items()} for name, checks in got.items()}
    assert got == {name: expected for name, (_row, expected) in accounts(port).items()}


def test_profiles_are_read_from_the_pages_own_json(run) -> None:
    _port, out, data = run
    by_name = {a["account"]["name"]: a["profile"] for a in data["accounts"]}
    toutiao = by_name["某县发布"]
    assert (toutiao["platform"], toutiao["name"], toutiao["verified"]) == (
        "toutiao",
        "某县发布",
        True,
    )
    assert [p["when"] for p in toutiao["posts"]] == ["2026-11-25"]
    assert "评论" in toutiao["interaction"]
    bilibili = by_name["某市公安"]
    assert (bilibili["platform"], bilibili["subject"]) == ("bilibili", "某市公安局官方账号")
    assert bilibili["posts"][0]["url"].endswith("/video/BV420")
    assert by_name["美食天天见"]["verified"] is False
    assert all((out / p["screenshot"]).is_file() for p in by_name.values())

"""政务客户端/APP end to end: download pages served as ``www.zwapp.gov.cn`` on 127.0.0.1.

Each page declares its findings; misses and false alarms both fail. The package link is checked
with HEAD (never POST); an app-store address the test may not contact is recorded, not fetched.
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
INSIDE = {"media-interaction": "review"}  # an app's menus and 留言 are inside the app


def _page(title: str, body: str) -> str:
    head = f"<meta charset='utf-8'><title>{title}</title>"
    return f"<!doctype html><html><head>{head}</head><body><h1>{title}</h1>{body}</body></html>"


PAGES = {
    "/app/ok/": _page(
        "某市政务服务APP",
        "<p>版本：3.2.1　更新时间：2026-11-01</p><a href='/dl/zwfw.apk'>安卓下载</a>"
        "<a href='https://apps.apple.com/cn/app/id1000000001'>App Store</a>",
    ),
    "/app/broken/": _page(
        "某县政务服务APP", "<p>更新时间：2026-10-20</p><a href='/dl/missing.apk'>安卓下载</a>"
    ),
    "/app/none/": _page("某区政务服务APP", "<p>敬请期待</p>"),
}
METHODS: list[str] = []


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def do_GET(self) -> None:
        self._answer(body=True)

    def _answer(self, body: bool) -> None:
        METHODS.append(self.command)
        if self.path == "/dl/zwfw.apk":
            data, kind, status = b"PK\x03\x04", "application/vnd.android.package-archive", 200
        elif self.path in PAGES:
            data, kind, status = PAGES[self.path].encode(), "text/html; charset=utf-8", 200
        else:
            data, kind, status = b"<h1>404</h1>", "text/html; charset=utf-8", 404
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)


def accounts(port: int) -> dict[str, tuple[list[str], dict[str, str]]]:
    site = f"http://www.zwapp.gov.cn:{port}/app"
    return {
        "某市政务服务APP": (["某市", "政务APP", "某市政务服务管理局", f"{site}/ok/"], INSIDE),
        "某县政务服务APP": (
            ["某县", "客户端", "某县政务服务管理局", f"{site}/broken/"],
            {**INSIDE, "media-app-download": "fail"},
        ),
        "某区政务服务APP": (
            ["某区", "APP", "某区政务服务管理局", f"{site}/none/"],
            {**INSIDE, "media-app-download": "fail"},
        ),
    }


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path, dict[str, Any]]]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    port = httpd.server_address[1]
    tmp = tmp_path_factory.mktemp("app")
    listed = tmp / "新媒体清单.csv"
    rows = ["地区,平台,主办单位,账号地址,账号名称"]
    rows += [",".join([*row, name]) for name, (row, _) in accounts(port).items()]
    listed.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp / "out"
    args = ["media", "--accounts", str(listed), "--out", str(out), "--as-of", AS_OF]
    args += ["--local-only", "--resolve", "www.zwapp.gov.cn=127.0.0.1", "--timeout", "10"]
    main(args)
    yield port, out, json.loads((out / "media.json").read_text(encoding="utf-8"))
    httpd.shutdown()
    httpd.server_close()


def test_every_app_gives_exactly_its_declared_findings(run) -> None:
    port, _out, data = run
    got = {
        a["account"]["name"]: {
            f["check"]: f["outcome"] for f in a["findings"] if f["outcome"] not in PASSED
        }
        for a in data["accounts"]
    }
    assert got == {name: expected for name, (_row, expected) in accounts(port).items()}


def test_download_links_are_checked_without_post_and_version_date_read(run) -> None:
    _port, out, data = run
    ok = next(a["profile"] for a in data["accounts"] if a["account"]["name"] == "某市政务服务APP")
    assert ok["platform"] == "app" and ok["version_date"] == "2026-11-01"
    package = next(link for link in ok["downloads"] if link.endswith("/dl/zwfw.apk"))
    assert ok["downloads"][package] == "ok"
    store = "https://apps.apple.com/cn/app/id1000000001"
    assert ok["downloads"][store].startswith("未检查")  # the test may not contact it
    broken = next(a for a in data["accounts"] if a["account"]["name"] == "某县政务服务APP")
    assert "HTTP 404" in json.dumps(broken["profile"]["downloads"])
    assert "POST" not in METHODS
    assert (out / ok["screenshot"]).is_file()
